//! Link flags of the `tessera` binary: relative relocations packed (DT_RELR).

fn main() {
    // A position-independent binary is relocated at every start: with classic RELA entries
    // (24 bytes each, ~30,000 of them here) the loader reads ~0.7 MB of relocation table,
    // which stays resident for the life of the process; packed, the table is ~8 KB. glibc
    // reads packed relocations since 2.36 and binutils writes them since 2.38 (an older `ld`
    // warns and ignores the flag). Only for binaries, so the test builds link as before.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

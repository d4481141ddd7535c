//! Link flags of the `tessera` binary: relative relocations packed (DT_RELR) where the
//! toolchain and C library make binaries that run with them.

use std::path::Path;
use std::process::Command;

const FLAG: &str = "-Wl,-z,pack-relative-relocs";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // A position-independent binary is relocated at every start: with classic RELA entries
    // (24 bytes each, ~30,000 of them here) the loader reads ~0.7 MB of relocation table,
    // which stays resident for the life of the process; packed, the table is ~8 KB. Only
    // for binaries, so the test builds link as before.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let native = std::env::var("HOST").ok() == std::env::var("TARGET").ok();
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    if os == "linux" && env == "gnu" && native && packed_binaries_run(Path::new(&out)) {
        println!("cargo:rustc-link-arg-bins={FLAG}");
    }
}

/// Whether a C program linked with the flag runs here. glibc reads packed relocations
/// since 2.36 and binutils writes them since 2.38; binutils 2.38 with an older glibc links
/// a binary that the loader refuses (`GLIBC_ABI_DT_RELR not found`), so it is tried.
fn packed_binaries_run(out: &Path) -> bool {
    let (source, program) = (out.join("relr.c"), out.join("relr"));
    if std::fs::write(&source, "int main(void) { return 0; }\n").is_err() {
        return false;
    }
    let linked = Command::new("cc")
        .arg(&source)
        .args(["-pie", "-fPIE", FLAG, "-o"])
        .arg(&program)
        .output()
        .is_ok_and(|o| o.status.success());
    linked && Command::new(&program).status().is_ok_and(|s| s.success())
}

//! The README's "A first session with curl", run exactly as written (by `sh`, with curl)
//! against the real `tessera serve` on its defaults (SQLite, mail to the console), with two
//! changes a reader makes too: the server's address, and the `uid=… token=…` lines, which the
//! reader copies from the mail the console shows.

use crate::support::{free_port, wait_until_up};
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The `sh` blocks of the README's first-session section, in order.
fn session_blocks() -> Vec<String> {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("## A first session with curl")
        .expect("the README has its first session");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    section
        .split("```sh\n")
        .skip(1)
        .map(|rest| rest[..rest.find("```").unwrap()].to_owned())
        .collect()
}

/// Everything `reader` writes, kept as it comes.
fn collect(mut reader: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let seen = Arc::new(Mutex::new(String::new()));
    let into = seen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    seen
}

/// The uid and token of the `nth` link (from 1) that ends in `{path}<uid>/<token>` in the
/// console's output, waiting for it.
async fn link_parts(console: &Mutex<String>, path: &str, nth: usize) -> (String, String) {
    for _ in 0..200 {
        let text = console.lock().unwrap().clone();
        if let Some(link) = text.split(path).nth(nth) {
            let mut parts = link.split(|c: char| c == '/' || c.is_whitespace());
            let (uid, token) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if !uid.is_empty() && !token.is_empty() && link.contains('\n') {
                return (uid.to_owned(), token.to_owned());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no link {path}… in the console:\n{}",
        console.lock().unwrap()
    );
}

#[tokio::test]
async fn the_readme_first_session_works_as_written() {
    assert!(
        Command::new("curl").arg("--version").output().is_ok(),
        "this test runs the README's curl commands: install curl"
    );
    let dir = std::env::temp_dir().join(format!("tessera-readme-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("serve")
        .current_dir(&dir)
        .env_clear()
        .env("TESSERA_BIND", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let console = collect(server.stdout.take().unwrap());
    let log = collect(server.stderr.take().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    wait_until_up(&base).await;

    let blocks = session_blocks();
    assert_eq!(
        blocks.len(),
        5,
        "register, activate, log in, reset, confirm"
    );
    let mut links = [("/activate/", 0), ("/password/reset/confirm/", 0)].into_iter();
    let mut outputs = Vec::new();
    for block in &blocks {
        let mut script = block.replace("http://127.0.0.1:8000", &base);
        if let Some(line) = script
            .lines()
            .find(|l| l.starts_with("uid="))
            .map(str::to_owned)
        {
            let (path, _) = links.next().expect("a mailed link for each uid= line");
            let (uid, token) = link_parts(&console, path, 1).await;
            script = script.replace(&line, &format!("uid={uid} token={token}"));
        }
        let out = Command::new("sh")
            .args(["-e", "-c", &script])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{script}\n{said}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // What the README's comments say each step answers.
        for expected in script.lines().filter_map(|l| l.split("# ").nth(1)) {
            if expected.trim().parse::<u16>().is_ok() {
                assert!(said.contains(expected.trim()), "{script}\n{said}");
            }
        }
        outputs.push(said);
    }
    assert!(
        outputs[0].contains(r#""email":"ann@example.com","id":1,"username":"ann""#),
        "{}",
        outputs[0]
    );
    assert!(
        outputs[2].contains(r#""username":"ann""#) && outputs[2].contains(r#"{"access":""#),
        "{}",
        outputs[2]
    );
    assert!(outputs[4].contains(r#""access":""#), "{}", outputs[4]);
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status();
    let _ = server.wait();
    assert!(
        log.lock().unwrap().contains("tessera listening"),
        "the log was read"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

//! A newcomer's first start, through the real binary: a database that cannot be opened is
//! named (host and port, or the file) within seconds; the port is taken before any file is
//! made; `localhost:PORT` binds; a public URL is required when listening on every address;
//! CLI commands say which database they use and do not make a second one by mistake;
//! `migrate` says what it applied; a silent SMTP server is a warning; logs off a terminal
//! carry no colour codes.

use crate::support::{BlackHole, PASSWORD, free_port, run_with_stdin, wait_until_up};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "first-start-secret-key-0123456789-abcdefghij";

/// An empty directory of the test's own.
fn empty_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tessera-first-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// `tessera ARGS` in `dir` with `envs` (and nothing inherited that could change the test),
/// `stdin` piped in.
fn tessera(dir: &Path, args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(envs.iter().copied());
    run_with_stdin(&mut command, stdin)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `migrate` against `url`: refused, in the time it took, with the message.
fn refused_migrate(url: &str, extra: &[(&str, &str)]) -> (Duration, String) {
    let dir = empty_dir();
    let mut envs = vec![
        ("TESSERA_DATABASE_URL", url),
        ("TESSERA_SECRET_KEY", SECRET),
    ];
    envs.extend_from_slice(extra);
    let started = Instant::now();
    let out = tessera(&dir, &["migrate"], &envs, "");
    let took = started.elapsed();
    assert!(!out.status.success(), "{url}: {}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
    (took, stderr(&out))
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_is_named_within_seconds() {
    let port = free_port();
    let (_, err) = refused_migrate(&format!("postgres://postgres@127.0.0.1:{port}/app"), &[]);
    assert!(
        err.contains(&format!(
            "PostgreSQL at 127.0.0.1:{port} refused the connection"
        )),
        "{err}"
    );

    let silent = BlackHole::start().await;
    let url = format!("postgres://postgres@127.0.0.1:{}/app", silent.port());
    let blocking = tokio::task::spawn_blocking(move || {
        refused_migrate(&url, &[("TESSERA_DATABASE_ACQUIRE_TIMEOUT", "1")])
    });
    let (took, err) = blocking.await.unwrap();
    assert!(
        err.contains(&format!(
            "PostgreSQL at 127.0.0.1:{} did not answer within 1 s",
            silent.port()
        )),
        "{err}"
    );
    assert!(took < Duration::from_secs(5), "gave up after {took:?}");

    let (_, err) = refused_migrate("sqlite:///nonexistent-dir/never.db", &[]);
    assert!(
        err.contains("/nonexistent-dir/never.db")
            && err.contains("the directory /nonexistent-dir does not exist"),
        "{err}"
    );
    assert!(!err.contains("storage failure"), "{err}");

    // A role and a database the server does not have (with the PostgreSQL suite only: the
    // plain test command needs no PostgreSQL running).
    if let Ok(server) = std::env::var("TEST_DATABASE_URL") {
        let rest = server.split_once('@').map_or("", |(_, r)| r);
        let host = rest.split('/').next().unwrap_or(rest);
        let (_, err) = refused_migrate(&format!("postgres://no_such_role@{host}/postgres"), &[]);
        assert!(err.contains("refused role \"no_such_role\""), "{err}");
        let (_, err) = refused_migrate(&format!("postgres://postgres@{host}/no_such_db"), &[]);
        assert!(
            err.contains("has no database \"no_such_db\"") && err.contains("createdb"),
            "{err}"
        );
    }
}

#[test]
fn a_port_in_use_leaves_no_database_or_secret_behind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let dir = empty_dir();
    let out = tessera(&dir, &["serve"], &[("TESSERA_BIND", &bind)], "");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("cannot listen on {bind}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(files_in(&dir), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `serve` in `dir` until killed.
fn serve(dir: &Path, envs: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Stop `child` and return what it logged.
fn stop(child: Child) -> String {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn a_host_name_binds_and_a_silent_smtp_server_is_one_warning() {
    let dir = empty_dir();
    let port = free_port();
    let smtp_port = free_port().to_string();
    let bind = format!("localhost:{port}");
    let child = serve(
        &dir,
        &[
            ("TESSERA_BIND", &bind),
            ("TESSERA_EMAIL_BACKEND", "smtp"),
            ("TESSERA_SMTP_HOST", "127.0.0.1"),
            ("TESSERA_SMTP_PORT", &smtp_port),
        ],
    );
    let base = format!("http://127.0.0.1:{port}");
    wait_until_up(&base).await;
    // Mail still queues while the server is away.
    let r = reqwest::Client::new()
        .post(format!("{base}/auth/users/"))
        .json(&serde_json::json!({"email": "ann@x.io", "username": "ann", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = stop(child);
    let warning = format!("the SMTP server at 127.0.0.1:{smtp_port} does not answer");
    assert_eq!(log.matches(&warning).count(), 1, "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "no colour codes off a terminal: {log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn listening_on_every_address_needs_a_public_url() {
    let dir = empty_dir();
    let out = tessera(&dir, &["serve"], &[("TESSERA_BIND", "0.0.0.0:0")], "");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("TESSERA_PUBLIC_URL must be set"),
        "{}",
        stderr(&out)
    );
    assert_eq!(files_in(&dir), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_cli_names_its_database_and_makes_no_second_one_by_mistake() {
    let dir = empty_dir();
    let db = dir.join("tessera.db");
    let create = [
        "user",
        "create",
        "--email",
        "boss@x.io",
        "--username",
        "boss",
        "--staff",
    ];
    let envs = [("TESSERA_SECRET_KEY", SECRET)];
    let out = tessera(&dir, &create, &envs, &format!("{PASSWORD}\n"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!("using SQLite {}", db.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("no database at {}", db.display())) && err.contains("--create"),
        "{err}"
    );
    assert_eq!(files_in(&dir), Vec::<String>::new());

    let out = tessera(&dir, &["migrate"], &envs, "");
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("applied "), "{said}");
    assert!(said.contains("  1 accounts"), "{said}");
    assert!(said.contains("  7 outbox claims"), "{said}");
    let out = tessera(&dir, &["migrate"], &envs, "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "database is up to date"
    );

    let out = tessera(&dir, &create, &envs, &format!("{PASSWORD}\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    // Elsewhere, --create makes a new database on purpose.
    let other = empty_dir();
    let mut with_create = vec!["--create"];
    with_create.extend_from_slice(&create);
    let out = tessera(&other, &with_create, &envs, &format!("{PASSWORD}\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(other.join("tessera.db").exists());

    // A relative TESSERA_DATABASE_URL depends on the directory as the default does; an
    // absolute one names the same file from anywhere, so it is made without --create.
    let third = empty_dir();
    let relative = [("TESSERA_DATABASE_URL", "sqlite://accounts.db"), envs[0]];
    let out = tessera(&third, &create, &relative, &format!("{PASSWORD}\n"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--create"), "{}", stderr(&out));
    assert_eq!(files_in(&third), Vec::<String>::new());
    let absolute = format!("sqlite://{}", third.join("accounts.db").display());
    let elsewhere = empty_dir();
    let with_absolute = [("TESSERA_DATABASE_URL", absolute.as_str()), envs[0]];
    let out = tessera(
        &elsewhere,
        &create,
        &with_absolute,
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(third.join("accounts.db").exists());
    assert_eq!(files_in(&elsewhere), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&other);
    let _ = std::fs::remove_dir_all(&third);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

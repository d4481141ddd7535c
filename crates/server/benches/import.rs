//! Hand-run benchmark of `tessera import django` (never in CI): a Djoser-shaped Django
//! database with `BENCH_USERS` users (default 100,000) and a refresh token for every other
//! one, made from the committed test database's schema, imported by the real binary into a
//! fresh Tessera database (SQLite; PostgreSQL too when `BENCH_DATABASE_URL` names a server).
//! See `benches/README.md`.

use sqlx::{Connection, SqliteConnection};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let users: i64 = std::env::var("BENCH_USERS").map_or(Ok(100_000), |n| n.parse())?;
    let dir = std::env::temp_dir().join(format!("tessera-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let django = dir.join("django.sqlite3");
    let made = Instant::now();
    make_django(&django, users).await?;
    println!(
        "made a Django database of {users} users in {:.1} s",
        made.elapsed().as_secs_f64()
    );
    let sqlite = format!("sqlite://{}", dir.join("tessera.db").display());
    run("SQLite", &sqlite, &django, users)?;
    if let Ok(admin) = std::env::var("BENCH_DATABASE_URL") {
        let name = format!("tessera_import_bench_{}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&admin).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let outcome = run("PostgreSQL", &format!("{base}/{name}"), &django, users);
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await?;
        outcome?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The committed Djoser-shaped database, emptied of users and filled with `users` of them.
async fn make_django(path: &Path, users: i64) -> Result<(), BoxError> {
    let schema =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/data/django/djoser.sqlite3");
    std::fs::copy(schema, path)?;
    let mut db = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?;
    let mut tx = db.begin().await?;
    for table in [
        "token_blacklist_blacklistedtoken",
        "token_blacklist_outstandingtoken",
        "users_user",
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *tx)
            .await?;
    }
    for id in 1..=users {
        sqlx::query(
            "INSERT INTO users_user (id, password, last_login, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined, phone, address_line_1,
                address_line_2, city, state, postcode, country)
             VALUES (?, ?, '2026-11-19 12:00:00.123456', 0, ?, 'First', 'Last', ?, 0, 1,
                '2026-10-21 12:00:00', '935119585', 'line 1', '', 'lima', 'lima', '40001', 'peru')",
        )
        .bind(id)
        .bind(format!(
            "pbkdf2_sha256$1000000$salt{id:016}$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g="
        ))
        .bind(format!("user{id}"))
        .bind(format!("user{id}@example.com"))
        .execute(&mut *tx)
        .await?;
        if id % 2 == 0 {
            sqlx::query(
                "INSERT INTO token_blacklist_outstandingtoken (jti, token, created_at, expires_at, user_id)
                 VALUES (?, 'eyJ…', '2026-11-20 12:00:00', '2026-11-21 12:00:00', ?)",
            )
            .bind(format!("{id:032x}"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Import into the Tessera database at `url` with the real binary; print the time it took.
fn run(kind: &str, url: &str, django: &Path, users: i64) -> Result<(), BoxError> {
    let migrate = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("migrate")
        .envs(envs(url))
        .output()?;
    if !migrate.status.success() {
        return Err(String::from_utf8_lossy(&migrate.stderr).into());
    }
    let started = Instant::now();
    let source = format!("sqlite://{}", django.display());
    let out = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["import", "django", &source])
        .envs(envs(url))
        .output()?;
    let elapsed = started.elapsed().as_secs_f64();
    let report = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !report.contains(&format!("imported {users}")) {
        return Err(format!("{report}{}", String::from_utf8_lossy(&out.stderr)).into());
    }
    println!(
        "{kind}: {users} users and {} refresh tokens imported in {elapsed:.1} s ({:.0} users/s)",
        users / 2,
        users as f64 / elapsed
    );
    Ok(())
}

fn envs(url: &str) -> [(&'static str, String); 2] {
    [
        ("TESSERA_DATABASE_URL", url.to_owned()),
        (
            "TESSERA_SECRET_KEY",
            "bench-secret-key-which-is-long-enough-0123456789".to_owned(),
        ),
    ]
}

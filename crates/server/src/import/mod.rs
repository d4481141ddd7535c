//! `tessera import django URL`: reads a live Django database (Djoser or the Auth API, on
//! SQLite or PostgreSQL) page by page and takes in its accounts, SimpleJWT refresh tokens,
//! django-otp TOTP devices and services through the import use cases, a page per
//! transaction; restartable, and rows already here are left as they are.

mod report;
mod services;
mod source;
mod tokens;
mod totp;
mod users;

use report::{Progress, Tally};
use source::Source;
use std::collections::HashSet;
use std::time::Instant;
use tessera_core::accounts::{Accounts, Conflict, Imported, Write};
use tessera_core::domain::UserId;
use tessera_core::passwords::{DjangoHash, StoredHash};

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub url: String,
    pub user_table: Option<String>,
    pub dry_run: bool,
    pub allow_skips: bool,
    pub batch: i64,
}

/// Run the import and print its report; `Err` when it failed, or skipped rows unallowed.
pub async fn django(accounts: &Accounts, options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let source = Source::open(&options.url).await?;
    let table = users::find_table(&source, options.user_table.as_deref())?;
    let write = if options.dry_run {
        Write::DryRun
    } else {
        Write::Commit
    };
    println!(
        "tessera import django: {} database, user table {table}{}",
        source.kind(),
        if options.dry_run {
            " (dry run: nothing is written)"
        } else {
            ""
        }
    );
    let unknown = users::unknown_columns(&source, &table);
    if !unknown.is_empty() {
        println!(
            "columns of {table} not carried over: {}",
            unknown.join(", ")
        );
    }
    let run = Run {
        accounts,
        source: &source,
        write,
        batch: options.batch.max(1),
    };
    // Tokens and devices go only to the accounts this import took in (or found taken in
    // before): never to another account that happens to have the id here.
    let (users, taken) = run.users(&table).await?;
    let tallies = [
        users,
        run.tokens(&taken).await?,
        run.devices(&taken).await?,
        run.services().await?,
    ];
    let mut skipped = 0;
    for tally in tallies.iter().filter(|t| t.read > 0) {
        skipped += tally.skipped;
        for line in tally.lines(options.dry_run) {
            println!("{line}");
        }
    }
    println!("elapsed {:.1} s", started.elapsed().as_secs_f64());
    if skipped > 0 && !options.allow_skips {
        return Err(format!(
            "{skipped} rows skipped (why is said above); fix them and run again, or accept with --allow-skips"
        ));
    }
    Ok(())
}

struct Run<'a> {
    accounts: &'a Accounts,
    source: &'a Source,
    write: Write,
    batch: i64,
}

impl Run<'_> {
    /// The users, and the ids of those taken in now or before.
    async fn users(&self, table: &str) -> Result<(Tally, HashSet<i64>), String> {
        let mut tally = Tally::new("users");
        let mut taken = HashSet::new();
        let select = users::select(self.source, table);
        let total = self.total(table).await?;
        let progress = Progress::start("users", total);
        let mut seen = users::Seen::default();
        let now = tessera_core::Clock::now(&tessera_core::SystemClock);
        let mut after = 0;
        loop {
            let rows = self.source.page(&select, after, self.batch).await?;
            let Some(last) = rows.last() else { break };
            after = sqlx::Row::try_get(last, 0).map_err(source::read_error)?;
            let (mut fit, mut labels) = (Vec::new(), Vec::new());
            for row in &rows {
                let (id, username, account) =
                    users::account(row, &mut seen, now).map_err(source::read_error)?;
                let label = format!("user {id} ({username})");
                tally.read += 1;
                match account {
                    Ok(user) => {
                        fit.push(user);
                        labels.push(label);
                    }
                    Err(why) => tally.skip(&label, why.kind(), &why.to_string()),
                }
            }
            let outcomes = self
                .accounts
                .import_users(&fit, UserId(after), self.write)
                .await
                .map_err(|e| e.to_string())?;
            for ((label, user), outcome) in labels.iter().zip(&fit).zip(&outcomes) {
                if !matches!(outcome, Imported::Skipped(_)) {
                    taken.insert(user.id.0);
                }
                tally.count(label, outcome);
            }
            progress.advance("users", tally.read, total);
        }
        progress.finish();
        Ok((tally, taken))
    }

    async fn tokens(&self, taken: &HashSet<i64>) -> Result<Tally, String> {
        let mut tally = Tally::new("refresh tokens");
        let Some(select) = tokens::select(self.source) else {
            return Ok(tally);
        };
        let total = self.total(tokens::OUTSTANDING).await?;
        let progress = Progress::start("refresh tokens", total);
        let mut after = 0;
        loop {
            let rows = self.source.page(&select, after, self.batch).await?;
            if rows.is_empty() {
                break;
            }
            let mut batch = Vec::with_capacity(rows.len());
            for row in &rows {
                let (id, token) = tokens::token(row).map_err(source::read_error)?;
                after = id;
                tally.read += 1;
                if taken.contains(&token.user_id) {
                    batch.push(token);
                } else {
                    // The account was skipped, and is reported already.
                    tally.ignore("tokens of accounts not imported");
                }
            }
            let outcomes = self
                .accounts
                .import_refresh_tokens(&batch, self.write)
                .await
                .map_err(|e| e.to_string())?;
            for (token, outcome) in batch.iter().zip(&outcomes) {
                // In a dry run the accounts were not written: their tokens would have been.
                let outcome = match outcome {
                    Imported::Skipped(_) if self.write == Write::DryRun => &Imported::New,
                    other => other,
                };
                tally.count(&format!("token {}", token.jti), outcome);
            }
            progress.advance("refresh tokens", tally.read, total);
        }
        progress.finish();
        Ok(tally)
    }

    async fn devices(&self, taken: &HashSet<i64>) -> Result<Tally, String> {
        let mut tally = Tally::new("TOTP devices");
        let Some(select) = totp::select(self.source) else {
            return Ok(tally);
        };
        let mut departures = totp::Departures::default();
        let now = tessera_core::Clock::now(&tessera_core::SystemClock).0;
        let mut after = 0;
        loop {
            let rows = self.source.page(&select, after, self.batch).await?;
            if rows.is_empty() {
                break;
            }
            let (mut fit, mut labels) = (Vec::new(), Vec::new());
            for row in &rows {
                let (id, user, device) =
                    totp::device(row, now, &mut departures).map_err(source::read_error)?;
                after = id;
                tally.read += 1;
                let label = format!("device {id} of user {user}");
                match device {
                    totp::Device::Factor(_) if !taken.contains(&user) => {
                        tally.ignore("devices of accounts not imported");
                    }
                    totp::Device::Factor(f) => {
                        fit.push(f);
                        labels.push(label);
                    }
                    totp::Device::Unconfirmed => {
                        tally.ignore("unconfirmed devices (never proved by a code)")
                    }
                    totp::Device::Unfit(why) => {
                        tally.skip(&label, "device Tessera cannot represent", &why)
                    }
                }
            }
            let outcomes = self
                .accounts
                .import_totp_factors(&fit, self.write)
                .await
                .map_err(|e| e.to_string())?;
            for (label, outcome) in labels.iter().zip(&outcomes) {
                let outcome = match outcome {
                    Imported::Skipped(Conflict::NoAccount) if self.write == Write::DryRun => {
                        &Imported::New
                    }
                    other => other,
                };
                tally.count(label, outcome);
            }
        }
        if departures.tolerance > 0 {
            let n = departures.tolerance;
            tally.notes.push(format!("{n} devices allowed another tolerance than one step; Tessera allows one step either way"));
        }
        if departures.drift > 0 {
            let n = departures.drift;
            tally.notes.push(format!(
                "{n} devices had a recorded clock drift; Tessera keeps none"
            ));
        }
        Ok(tally)
    }

    async fn services(&self) -> Result<Tally, String> {
        let mut tally = Tally::new("services");
        let Some(table) = services::find_table(self.source) else {
            return Ok(tally);
        };
        let select = services::select(self.source, table);
        let mut after = 0;
        loop {
            let rows = self.source.page(&select, after, self.batch).await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let (id, name, hash) = services::service(row).map_err(source::read_error)?;
                after = id;
                tally.read += 1;
                let label = format!("service {id} ({name})");
                if let DjangoHash::Unknown(hasher) = DjangoHash::classify(&hash) {
                    tally.skip(
                        &label,
                        "unknown password hasher",
                        &format!("unknown password hasher {hasher:?}"),
                    );
                    continue;
                }
                let hash = StoredHash::from_stored(hash);
                let outcome = self
                    .accounts
                    .import_service(&name, &hash, self.write)
                    .await
                    .map_err(|e| e.to_string())?;
                tally.count(&label, &outcome);
            }
        }
        Ok(tally)
    }

    async fn total(&self, table: &str) -> Result<u64, String> {
        let n = self
            .source
            .count(&format!("SELECT COUNT(*) FROM {}", source::quote(table)))
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

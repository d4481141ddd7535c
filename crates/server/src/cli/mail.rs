//! `tessera mail …`: the operator's view of the outbox (mail and webhook POSTs): rows by
//! state, one row with its error, failed rows queued again, delivered rows purged. Each
//! change is recorded as an event done from the command line.

use super::offline_accounts;
use super::output::{cell, json, table};
use crate::config::Config;
use clap::Subcommand;
use tessera_core::accounts::{AdminError, Operator};
use tessera_core::mail::{Channel, OutboxQuery, OutboxState};
use tessera_http::admin::view;

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Rows of the outbox, newest first: failed ones unless `--state` says otherwise.
    List {
        /// pending, failed or sent.
        #[arg(long, default_value = "failed")]
        state: String,
        /// Only the rows queued (or sent) in the last N hours.
        #[arg(long)]
        hours: Option<i64>,
        /// Webhook POSTs instead of mail.
        #[arg(long)]
        webhooks: bool,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// One row, with the error of its last attempt.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Queue a failed row again (a mail is made again from its account, with a fresh link);
    /// `--all` takes every failed row.
    Retry {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        #[arg(long)]
        all: bool,
    },
    /// Delete the delivered rows (those sent more than `--older-than-hours` ago).
    Purge {
        #[arg(long, default_value_t = 0)]
        older_than_hours: i64,
    },
}

pub(super) async fn run(
    config: &Config,
    may_create: bool,
    command: MailCommand,
) -> Result<(), String> {
    let accounts = offline_accounts(config, may_create).await?;
    let op = Operator::Cli;
    let refused = |e: AdminError| e.to_string();
    match command {
        MailCommand::List {
            state,
            hours,
            webhooks,
            limit,
            json: as_json,
        } => {
            let query = OutboxQuery {
                state: OutboxState::parse(&state)
                    .ok_or(format!("--state {state:?}: pending, failed or sent"))?,
                channel: Some(if webhooks {
                    Channel::Webhook
                } else {
                    Channel::Mail
                }),
                since: hours.map(|h| accounts.ago(h.saturating_mul(3600))),
                limit: limit.clamp(1, 10_000),
            };
            let rows = accounts.outbox(&query).await.map_err(|e| e.to_string())?;
            let shown: Vec<serde_json::Value> = rows.iter().map(view::outbox_row).collect();
            if as_json {
                json(&serde_json::Value::Array(shown));
                return Ok(());
            }
            // A pending row's due time, any other's error, last.
            let (last, last_header) = match query.state {
                OutboxState::Pending => ("next_attempt_at", "DUE"),
                _ => ("last_error", "ERROR"),
            };
            let columns = [
                "id",
                "kind",
                "recipient",
                "attempts",
                "created_at",
                "sent_at",
                last,
            ];
            let header = [
                "ID",
                "KIND",
                "TO",
                "ATTEMPTS",
                "QUEUED",
                "SENT",
                last_header,
            ];
            let rows: Vec<Vec<String>> = shown
                .iter()
                .map(|r| columns.iter().map(|k| cell(&r[*k])).collect())
                .collect();
            println!("{}", table(&header, &rows));
            Ok(())
        }
        MailCommand::Show { id, json: as_json } => {
            let row = accounts.outbox_row(id).await.map_err(refused)?;
            let shown = view::outbox_row(&row);
            match as_json {
                true => json(&shown),
                false => {
                    for (key, value) in shown.as_object().into_iter().flatten() {
                        println!("{key}: {}", cell(value));
                    }
                }
            }
            Ok(())
        }
        MailCommand::Retry { id: Some(id), .. } => {
            let row = accounts.retry_outbox(&op, id).await.map_err(refused)?;
            println!("{} {id} ({}) is queued again", row.channel, row.kind);
            Ok(())
        }
        MailCommand::Retry { id: None, .. } => {
            let done = accounts.retry_all_failed(&op).await.map_err(refused)?;
            println!("{} queued again", done.retried.len());
            for (id, why) in &done.refused {
                println!("{id}: {why}");
            }
            Ok(())
        }
        MailCommand::Purge { older_than_hours } => {
            let secs = older_than_hours.max(0).saturating_mul(3600);
            let purged = accounts
                .purge_sent(&op, secs)
                .await
                .map_err(|e| e.to_string())?;
            println!("{purged} delivered rows deleted");
            Ok(())
        }
    }
}

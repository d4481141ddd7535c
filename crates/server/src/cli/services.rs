//! `tessera service …`: the micro-services that obtain tokens at /api/auth/internal/auth/.

use super::offline_accounts;
use crate::config::Config;
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};
use tessera_core::{Secret, Timestamp};

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Register a service. Its secret is read from standard input; when none is given, one is
    /// generated and printed once.
    Add {
        /// The name the service logs in with (its `serviceName`).
        name: String,
    },
    /// List the services (never their secrets).
    List,
    /// Replace a service's secret (read from standard input, or generated and printed once).
    Rotate {
        /// The service whose secret is replaced.
        name: String,
    },
    /// Remove a service; the tokens it holds expire on their own.
    Remove {
        /// The service to remove.
        name: String,
    },
}

pub(super) async fn run(
    config: &Config,
    may_create: bool,
    command: ServiceCommand,
) -> Result<(), String> {
    let accounts = offline_accounts(config, may_create).await?;
    match command {
        ServiceCommand::Add { name } => {
            let given = read_optional_secret()?;
            let generated = given.is_none();
            let secret = accounts
                .add_service(&name, given)
                .await
                .map_err(|e| e.to_string())?;
            report_secret(&name, "added", generated.then_some(&secret));
        }
        ServiceCommand::Rotate { name } => {
            let given = read_optional_secret()?;
            let generated = given.is_none();
            let secret = accounts
                .rotate_service(&name, given)
                .await
                .map_err(|e| e.to_string())?;
            report_secret(&name, "rotated", generated.then_some(&secret));
        }
        ServiceCommand::Remove { name } => {
            accounts
                .remove_service(&name)
                .await
                .map_err(|e| e.to_string())?;
            println!("service {name} removed");
        }
        ServiceCommand::List => {
            for s in accounts.services().await.map_err(|e| e.to_string())? {
                let when = |t: i64| format!("{} UTC", Timestamp(t).python_datetime_str());
                let rotated = s.rotated_at.map_or_else(|| "never".to_owned(), when);
                println!(
                    "{}\tcreated {}\trotated {}",
                    s.name,
                    when(s.created_at),
                    rotated
                );
            }
        }
    }
    Ok(())
}

fn report_secret(name: &str, what: &str, generated: Option<&Secret>) {
    println!("service {name} {what}");
    if let Some(secret) = generated {
        println!("secret (shown once): {}", secret.expose());
    }
}

/// A secret from standard input when one is piped in; `None` (generate one) otherwise.
fn read_optional_secret() -> Result<Option<Secret>, String> {
    if std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let line = line.trim_end_matches(['\r', '\n']);
    Ok((!line.is_empty()).then(|| Secret::new(line)))
}

//! The command line: `serve`, `migrate`, `user …`, `mail …`, `service …`, `keys generate`,
//! `import django`; each group of commands in its own module.

mod mail;
mod output;
mod services;
mod users;

pub use mail::MailCommand;
pub use services::ServiceCommand;
pub use users::UserCommand;

use crate::app;
use crate::config::Config;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use tessera_core::SystemClock;

#[derive(Debug, Parser)]
#[command(
    name = "tessera",
    version,
    about = "A self-hostable authentication service"
)]
pub struct Cli {
    /// A TOML file with the same settings as the TESSERA_* variables (lower-case names).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Let a `user` or `service` command create a new SQLite database when there is none
    /// (`serve`, `migrate` and `import` always may).
    #[arg(long, global = true)]
    pub create: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve HTTP until Ctrl-C or SIGTERM.
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Find, show and manage accounts (each change is recorded as an event).
    #[command(subcommand)]
    User(UserCommand),
    /// The outbox: failed, pending and sent mail and webhook POSTs; retry and purge.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Manage the micro-services that obtain tokens at /api/auth/internal/auth/.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// Signing keys for asymmetric JWT algorithms.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Take in the accounts of another system.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Read a Django database (Djoser or the Auth API; sqlite://PATH or postgres://…) and take
    /// in its users, SimpleJWT refresh tokens, django-otp TOTP devices and services.
    /// TESSERA_SECRET_KEY must be Django's SECRET_KEY for its links and tokens to work.
    Django {
        /// The Django database URL.
        url: String,
        /// The user table, when it is not found by itself.
        #[arg(long)]
        user_table: Option<String>,
        /// Read and check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Exit with success even when rows were skipped.
        #[arg(long)]
        allow_skips: bool,
        /// Rows per transaction.
        #[arg(long, default_value_t = 1000)]
        batch: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Write a new private key (PKCS#8 PEM, mode 0600) for TESSERA_JWT_PRIVATE_KEY_FILE.
    Generate {
        /// RS256, RS512, ES256 or EdDSA.
        #[arg(long)]
        algorithm: String,
        /// The file to create; an existing file is never replaced.
        #[arg(long)]
        out: PathBuf,
    },
}

pub async fn run(cli: Cli, config: Config) -> Result<(), String> {
    match cli.command {
        // The service says it in its log, in the log's format.
        Command::Serve => tracing::info!(database = %config.database_url.describe(), "opening"),
        Command::Keys(_) => {}
        _ => eprintln!("tessera: using {}", config.database_url.describe()),
    }
    match cli.command {
        Command::Serve => {
            let running = app::start(&config, app::Overrides::default())
                .await
                .map_err(|e| e.to_string())?;
            running.until_signal().await;
            Ok(())
        }
        Command::Migrate => {
            let opened = app::open_store(&config, true)
                .await
                .map_err(|e| e.to_string())?;
            match opened.applied.as_slice() {
                [] => println!("database is up to date"),
                applied => {
                    println!("applied {} migrations:", applied.len());
                    for migration in applied {
                        println!("  {migration}");
                    }
                }
            }
            Ok(())
        }
        Command::Service(command) => services::run(&config, cli.create, command).await,
        Command::Keys(KeysCommand::Generate { algorithm, out }) => {
            let pem = crate::keys::generate(&algorithm)?;
            crate::keys::write_private(&out, &pem)?;
            println!("wrote a {algorithm} private key to {}", out.display());
            println!(
                "set TESSERA_JWT_ALGORITHM={algorithm} and TESSERA_JWT_PRIVATE_KEY_FILE={}",
                out.display()
            );
            Ok(())
        }
        Command::Import(ImportCommand::Django {
            url,
            user_table,
            dry_run,
            allow_skips,
            batch,
        }) => {
            // Django's tokens and links need Django's key: never a generated one.
            if config.secret_key.is_none() {
                return Err(
                    "set TESSERA_SECRET_KEY to Django's SECRET_KEY before importing".into(),
                );
            }
            // Filling a new database is what an import is for, as `migrate` makes one.
            let accounts = offline_accounts(&config, true).await?;
            let options = crate::import::Options {
                url,
                user_table,
                dry_run,
                allow_skips,
                batch,
            };
            crate::import::django(&accounts, &options).await
        }
        Command::User(command) => users::run(&config, cli.create, command).await,
        Command::Mail(command) => mail::run(&config, cli.create, command).await,
    }
}

/// The use cases for a command run beside the service (no mail worker, no shared limits).
pub(crate) async fn offline_accounts(
    config: &Config,
    may_create: bool,
) -> Result<tessera_core::accounts::Accounts, String> {
    let keys = app::keys(config, may_create).map_err(|e| e.to_string())?;
    let store = app::open_store(config, may_create)
        .await
        .map_err(|e| e.to_string())?
        .store;
    app::accounts(
        config,
        keys,
        store,
        Arc::new(SystemClock),
        Arc::new(tessera_limits::MemoryLimiter::new()),
        app::Wakes::default(),
    )
    .map_err(|e| e.to_string())
}

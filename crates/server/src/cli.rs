//! The command line: `serve`, `migrate`, `user create`, `service …`, `keys generate`, `import django`.

use crate::app;
use crate::config::Config;
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use tessera_core::accounts::{AccountKind, RegisterError, Registration};
use tessera_core::domain::{EmailAddress, Lang, Password, Profile, Username};
use tessera_core::{Secret, SystemClock, Timestamp};
use tokio::sync::Notify;

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
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
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

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an active account. The password is read from standard input (or prompted for).
    Create {
        /// The account's e-mail address (its login in the Djoser dialect).
        #[arg(long)]
        email: String,
        /// The account's username (its login in the Auth API dialect).
        #[arg(long)]
        username: String,
        /// May see and manage every account.
        #[arg(long)]
        staff: bool,
        /// Staff with every permission (Django's is_superuser); implies --staff.
        #[arg(long)]
        superuser: bool,
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
        Command::Service(command) => service(&config, cli.create, command).await,
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
        Command::User(UserCommand::Create {
            email,
            username,
            staff,
            superuser,
        }) => {
            let account = (email.as_str(), username.as_str());
            create_user(&config, cli.create, account, staff || superuser, superuser).await
        }
    }
}

async fn create_user(
    config: &Config,
    may_create: bool,
    (email, username): (&str, &str),
    staff: bool,
    superuser: bool,
) -> Result<(), String> {
    let email = EmailAddress::parse(email).map_err(|e| format!("--email: {e}"))?;
    let username = Username::parse(username).map_err(|e| format!("--username: {e}"))?;
    let password = Password::parse(read_password()?).map_err(|e| format!("password: {e}"))?;
    let accounts = offline_accounts(config, may_create).await?;
    let registration = Registration {
        email,
        username,
        password,
        profile: Profile::default(),
        lang: Lang::default(),
        kind: AccountKind::Operator { staff, superuser },
    };
    match accounts.register(registration).await {
        Ok(user) => {
            println!("created user {} ({})", user.id.0, user.email);
            Ok(())
        }
        Err(RegisterError::Taken { email, username }) => Err(format!(
            "already taken:{}{}",
            if email { " email" } else { "" },
            if username { " username" } else { "" }
        )),
        Err(RegisterError::WeakPassword(problems)) => {
            Err(tessera_http::django::password_messages(&problems).join(" "))
        }
        Err(RegisterError::Internal(e)) => Err(e.to_string()),
    }
}

/// A prompt without echo on a terminal; otherwise the first line of standard input.
fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Password (again): ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the passwords differ".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn service(config: &Config, may_create: bool, command: ServiceCommand) -> Result<(), String> {
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

/// The use cases for a command run beside the service (no mail worker, no shared limits).
async fn offline_accounts(
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
        Arc::new(Notify::new()),
    )
    .map_err(|e| e.to_string())
}

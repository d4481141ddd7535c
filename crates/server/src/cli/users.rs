//! `tessera user …`: create accounts, and the operator's use cases on them (find, show,
//! deactivate, delete, staff, reset the password or 2FA, end sessions, resend the first
//! mail, events), each recorded as an event done from the command line.

use super::offline_accounts;
use super::output::{json, print_detail, print_events, table, when, yes_no};
use crate::config::Config;
use clap::{Args, Subcommand};
use std::io::{BufRead, IsTerminal};
use tessera_core::accounts::{
    AccountKind, AccountRef, Accounts, Operator, RegisterError, Registration,
};
use tessera_core::domain::{EmailAddress, Lang, Password, Profile, User, Username};
use tessera_core::events::{EventKind, EventQuery};
use tessera_core::ports::UserSearch;
use tessera_http::admin::view;

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
    /// List accounts, filtered, a page at a time.
    List(ListArgs),
    /// One account: its state, sessions, 2FA, last login and last seen, recent events.
    Show {
        /// The account: its id, e-mail address or username.
        account: String,
        #[arg(long)]
        json: bool,
    },
    /// Refuse the account's logins and end every session at once.
    Deactivate { account: String },
    /// Let a deactivated account log in again.
    Reactivate { account: String },
    /// Delete the account and everything that hangs on it.
    Delete { account: String },
    /// Grant staff rights (`--revoke` takes them).
    Staff {
        account: String,
        #[arg(long)]
        revoke: bool,
    },
    /// Make the password unusable, end every session and mail a reset link.
    ResetPassword { account: String },
    /// Remove the second factor (a lost phone): factor, codes and waiting logins go; the
    /// owner is mailed.
    #[command(name = "reset-2fa")]
    Reset2fa { account: String },
    /// End every session of the account.
    EndSessions { account: String },
    /// Mail the activation link again (never activated) or the verification mail
    /// (address unverified).
    Resend { account: String },
    /// The audit events, newest first (of one account, or of all).
    Events {
        /// Only this account's (its id, e-mail address or username).
        account: Option<String>,
        /// Only events of this kind (`login.failed`, `account.deleted`…).
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Part of the username or e-mail address.
    #[arg(long)]
    search: Option<String>,
    #[arg(long)]
    active: Option<bool>,
    #[arg(long)]
    staff: Option<bool>,
    #[arg(long)]
    two_fa: Option<bool>,
    #[arg(long, default_value_t = 50)]
    limit: i64,
    #[arg(long, default_value_t = 0)]
    offset: i64,
    #[arg(long)]
    json: bool,
}

pub(super) async fn run(
    config: &Config,
    may_create: bool,
    command: UserCommand,
) -> Result<(), String> {
    if let UserCommand::Create {
        email,
        username,
        staff,
        superuser,
    } = command
    {
        let account = (email.as_str(), username.as_str());
        return create_user(config, may_create, account, staff || superuser, superuser).await;
    }
    let accounts = offline_accounts(config, may_create).await?;
    let op = Operator::Cli;
    match command {
        UserCommand::Create { .. } => unreachable!("handled above"),
        UserCommand::List(args) => list(&accounts, args).await,
        UserCommand::Show {
            account,
            json: as_json,
        } => {
            let user = find(&accounts, &account).await?;
            let detail = accounts
                .account_detail(user)
                .await
                .map_err(|e| e.to_string())?;
            match as_json {
                true => json(&view::detail(&detail)),
                false => print_detail(&view::detail(&detail)),
            }
            Ok(())
        }
        UserCommand::Events {
            account,
            kind,
            limit,
            json: as_json,
        } => {
            events(
                &accounts,
                account.as_deref(),
                kind.as_deref(),
                limit,
                as_json,
            )
            .await
        }
        UserCommand::Resend { account } => {
            let user = find(&accounts, &account).await?;
            let resent = accounts
                .resend_first_mail(&op, &user)
                .await
                .map_err(|e| e.to_string())?;
            println!("queued the {} mail to {}", resent.as_str(), user.email);
            Ok(())
        }
        UserCommand::Deactivate { account } => act(&accounts, &account, Action::Deactivate).await,
        UserCommand::Reactivate { account } => act(&accounts, &account, Action::Reactivate).await,
        UserCommand::Delete { account } => act(&accounts, &account, Action::Delete).await,
        UserCommand::Staff { account, revoke } => {
            act(&accounts, &account, Action::Staff(!revoke)).await
        }
        UserCommand::ResetPassword { account } => {
            act(&accounts, &account, Action::ResetPassword).await
        }
        UserCommand::Reset2fa { account } => act(&accounts, &account, Action::ResetTwoFactor).await,
        UserCommand::EndSessions { account } => act(&accounts, &account, Action::EndSessions).await,
    }
}

/// An operator's change to one account.
#[derive(Debug, Clone, Copy)]
enum Action {
    Deactivate,
    Reactivate,
    Delete,
    Staff(bool),
    ResetPassword,
    ResetTwoFactor,
    EndSessions,
}

impl Action {
    /// What became of the account, as the command says it.
    fn done(self) -> &'static str {
        match self {
            Self::Deactivate => "deactivated; its sessions ended",
            Self::Reactivate => "reactivated",
            Self::Delete => "deleted",
            Self::Staff(true) => "is staff",
            Self::Staff(false) => "is no longer staff",
            Self::ResetPassword => "has an unusable password; a reset link is queued",
            Self::ResetTwoFactor => "logs in with the password alone now; the owner is told",
            Self::EndSessions => "has no session left",
        }
    }
}

/// Run `action` on the account `which` names, from the command line, and say what became of
/// it.
async fn act(accounts: &Accounts, which: &str, action: Action) -> Result<(), String> {
    let user = find(accounts, which).await?;
    let op = Operator::Cli;
    let done = match action {
        Action::Deactivate => accounts.set_account_active(&op, &user, false).await,
        Action::Reactivate => accounts.set_account_active(&op, &user, true).await,
        Action::Delete => accounts.remove_account(&op, &user).await,
        Action::Staff(on) => accounts.set_account_staff(&op, &user, on).await,
        Action::ResetPassword => accounts.force_password_reset(&op, &user).await,
        Action::ResetTwoFactor => accounts.reset_two_factor(&op, &user).await,
        Action::EndSessions => accounts.end_sessions_of(&op, &user).await,
    };
    done.map_err(|e| e.to_string())?;
    println!(
        "user {} ({}) {}",
        user.id.0,
        user.username.as_str(),
        action.done()
    );
    Ok(())
}

async fn find(accounts: &Accounts, which: &str) -> Result<User, String> {
    accounts
        .find_account(&AccountRef::parse(which))
        .await
        .map_err(|e| format!("{which}: {e}"))
}

async fn list(accounts: &Accounts, args: ListArgs) -> Result<(), String> {
    let search = UserSearch {
        text: args.search,
        active: args.active,
        staff: args.staff,
        two_fa: args.two_fa,
        limit: args.limit.clamp(1, 10_000),
        offset: args.offset.max(0),
    };
    let page = accounts
        .find_users(&search)
        .await
        .map_err(|e| e.to_string())?;
    if args.json {
        json(&view::page(&page));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = page
        .users
        .iter()
        .map(|l| {
            let u = &l.user;
            vec![
                u.id.0.to_string(),
                u.username.as_str().to_owned(),
                u.email.as_str().to_owned(),
                yes_no(u.is_active).to_owned(),
                yes_no(u.is_staff).to_owned(),
                yes_no(u.two_fa_enabled).to_owned(),
                when(u.last_login.map(|t| t.0)),
                when(l.last_seen),
            ]
        })
        .collect();
    let header = [
        "ID",
        "USERNAME",
        "EMAIL",
        "ACTIVE",
        "STAFF",
        "2FA",
        "LAST LOGIN",
        "LAST SEEN",
    ];
    println!("{}", table(&header, &rows));
    let shown = page.users.len() as i64;
    println!("{shown} of {} accounts", page.total);
    Ok(())
}

async fn events(
    accounts: &Accounts,
    account: Option<&str>,
    kind: Option<&str>,
    limit: i64,
    as_json: bool,
) -> Result<(), String> {
    let user = match account {
        Some(which) => Some(find(accounts, which).await?.id),
        None => None,
    };
    let kind = match kind {
        Some(k) => Some(
            EventKind::parse(k)
                .ok_or_else(|| format!("--kind: no kind of event is named {k:?}"))?,
        ),
        None => None,
    };
    let query = EventQuery {
        user,
        kind,
        before: None,
        limit: limit.clamp(1, 10_000),
    };
    let found = accounts.events(&query).await.map_err(|e| e.to_string())?;
    let shown: Vec<serde_json::Value> = found.iter().map(view::event).collect();
    match as_json {
        true => json(&serde_json::Value::Array(shown)),
        false => print_events(&shown),
    }
    Ok(())
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

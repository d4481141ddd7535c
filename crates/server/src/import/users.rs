//! Django's user table: finding it (`auth_user` or a custom user model's), the columns it
//! carries over, and each row as a Tessera account or the reason it cannot be one.

use super::source::{Source, quote};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;
use tessera_core::Timestamp;
use tessera_core::domain::{EmailAddress, Lang, Profile, ProfileField, User, UserId, Username};
use tessera_core::passwords::{DjangoHash, StoredHash};

/// The columns every Django user table has (`AbstractBaseUser` with an e-mail field).
const REQUIRED: [&str; 4] = ["id", "password", "last_login", "email"];
/// The other columns Tessera keeps.
const KNOWN: [&str; 9] = [
    "is_superuser",
    "is_staff",
    "is_active",
    "date_joined",
    "username",
    "lang",
    "two_fa_enabled",
    "two_fa_enable",
    "email_verified",
];

/// The user table: `--user-table`, or the one table with Django's user columns.
pub fn find_table(source: &Source, given: Option<&str>) -> Result<String, String> {
    if let Some(name) = given {
        let missing: Vec<&str> = REQUIRED
            .into_iter()
            .filter(|c| source.column(name, c).is_none())
            .collect();
        return match (source.has_table(name), missing.is_empty()) {
            (false, _) => Err(format!("--user-table {name}: no such table")),
            (true, false) => Err(format!(
                "--user-table {name}: no column {}",
                missing.join(", ")
            )),
            (true, true) => Ok(name.to_owned()),
        };
    }
    let found: Vec<&String> = source
        .tables
        .keys()
        .filter(|t| REQUIRED.iter().all(|c| source.column(t, c).is_some()))
        .filter(|t| source.column(t, "is_active").is_some())
        .collect();
    match found[..] {
        [one] => Ok(one.clone()),
        [] => Err("no Django user table found (a table with id, password, last_login, email and is_active); name it with --user-table".into()),
        _ => Err(format!(
            "several tables look like Django's user table ({}); name one with --user-table",
            found.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The columns of the user table Tessera does not carry over.
pub fn unknown_columns(source: &Source, table: &str) -> Vec<String> {
    let profile = ProfileField::ALL.map(ProfileField::name);
    source.tables[table]
        .iter()
        .filter(|c| {
            let c = c.to_ascii_lowercase();
            !REQUIRED.contains(&c.as_str())
                && !KNOWN.contains(&c.as_str())
                && !profile.contains(&c.as_str())
        })
        .cloned()
        .collect()
}

/// `SELECT` of one page of users (`$1` the last id read, `$2` the page size), every value
/// as BIGINT or TEXT, columns the table lacks as their Django default.
pub fn select(source: &Source, table: &str) -> String {
    let col = |name: &str| source.column(table, name);
    let text = |name: &str| col(name).map_or_else(|| "''".to_owned(), |c| source.text(c));
    let flag = |name: &str, default: i64| {
        col(name).map_or_else(|| default.to_string(), |c| source.flag(c))
    };
    let epoch = |name: &str| col(name).map_or_else(|| "NULL".to_owned(), |c| source.epoch(c));
    let two_fa = match col("two_fa_enabled").or_else(|| col("two_fa_enable")) {
        Some(c) => source.flag(c),
        // django-otp alone: a confirmed device is what turns 2FA on.
        None if source.has_table("otp_totp_totpdevice") => format!(
            "CAST(CASE WHEN EXISTS (SELECT 1 FROM otp_totp_totpdevice d WHERE d.user_id = u.id AND {}) THEN 1 ELSE 0 END AS BIGINT)",
            source.flag("confirmed")
        ),
        None => "0".to_owned(),
    };
    let profile: Vec<String> = ProfileField::ALL.iter().map(|f| text(f.name())).collect();
    format!(
        "SELECT {id}, {password}, {email}, {username}, {active}, {staff}, {superuser}, {last_login},
            {joined}, {lang}, {two_fa}, {profile} FROM {table} u WHERE {id} > $1 ORDER BY {id} LIMIT $2",
        id = source.int("id"),
        password = text("password"),
        email = text("email"),
        username = text("username"),
        active = flag("is_active", 1),
        staff = flag("is_staff", 0),
        superuser = flag("is_superuser", 0),
        last_login = epoch("last_login"),
        joined = epoch("date_joined"),
        lang = text("lang"),
        profile = profile.join(", "),
        table = quote(table),
    )
}

/// Why a Django user is not taken in, found before any write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unfit {
    #[error("the e-mail address {0:?} does not parse")]
    Email(String),
    #[error("the address {theirs} differs from user {by}'s {first} only by case")]
    EmailCase {
        by: i64,
        first: String,
        theirs: String,
    },
    #[error("the address {0} is user {1}'s too")]
    EmailTwice(String, i64),
    #[error("unknown password hasher {0:?}")]
    Hasher(String),
    #[error("the username is longer than 150 characters")]
    Username,
}

impl Unfit {
    /// In a few words, to count rows by.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Email(_) => "address that does not parse",
            Self::EmailCase { .. } => "address differing only by case",
            Self::EmailTwice(..) => "address twice",
            Self::Hasher(_) => "unknown password hasher",
            Self::Username => "username too long",
        }
    }
}

/// What has been seen of the source so far: duplicate addresses (Django's uniqueness is
/// case-sensitive, Tessera's is not) show up in a dry run too.
#[derive(Default)]
pub struct Seen {
    emails: HashMap<String, (i64, String)>,
}

/// One row: its id and username (for the report), and the account or why not.
pub fn account(
    row: &AnyRow,
    seen: &mut Seen,
    now: Timestamp,
) -> Result<(i64, String, Result<User, Unfit>), sqlx::Error> {
    let id: i64 = row.try_get(0)?;
    let get = |i: usize| row.try_get::<String, _>(i);
    let flag = |i: usize| row.try_get::<i64, _>(i).map(|v| v != 0);
    let (password, raw_email, raw_username) = (get(1)?, get(2)?, get(3)?);
    let mut profile = Profile::default();
    for (i, field) in ProfileField::ALL.into_iter().enumerate() {
        profile.set(field, get(11 + i)?);
    }
    let is_active = flag(4)?;
    let user = |email: EmailAddress, username: Username| User {
        id: UserId(id),
        email,
        username,
        password_hash: StoredHash::from_stored(password.clone()),
        is_active,
        is_staff: false,
        is_superuser: false,
        last_login: None,
        date_joined: now,
        profile,
        lang: Lang::default(),
        two_fa_enabled: false,
        // As Tessera's own migration counted Djoser's accounts: an activated account
        // proved its address by following the activation mail.
        email_verified: is_active,
    };
    let checked = check(id, &password, &raw_email, &raw_username, seen).map(|(e, u)| user(e, u));
    let checked = match checked {
        Ok(mut u) => {
            u.is_staff = flag(5)?;
            u.is_superuser = flag(6)?;
            u.last_login = row.try_get::<Option<i64>, _>(7)?.map(Timestamp);
            u.date_joined = row.try_get::<Option<i64>, _>(8)?.map_or(now, Timestamp);
            u.lang = Lang::parse(&get(9)?).unwrap_or_default();
            u.two_fa_enabled = flag(10)?;
            Ok(u)
        }
        Err(e) => Err(e),
    };
    Ok((id, raw_username, checked))
}

/// The address (kept as Django stored it: it is in the hash of the links Django mailed),
/// the username, the hasher, and the address not seen before in another case.
fn check(
    id: i64,
    password: &str,
    raw_email: &str,
    raw_username: &str,
    seen: &mut Seen,
) -> Result<(EmailAddress, Username), Unfit> {
    let parsed = EmailAddress::parse(raw_email).map_err(|_| Unfit::Email(raw_email.to_owned()))?;
    let email = if raw_email == raw_email.trim() {
        EmailAddress::from_trusted(raw_email.to_owned())
    } else {
        parsed
    };
    if let DjangoHash::Unknown(name) = DjangoHash::classify(password) {
        return Err(Unfit::Hasher(name));
    }
    let username = match raw_username.trim() {
        "" => email.as_str().to_owned(),
        name => name.to_owned(),
    };
    if username.chars().count() > 150 {
        return Err(Unfit::Username);
    }
    match seen.emails.get(&email.key()) {
        Some((by, first)) if first == email.as_str() => {
            return Err(Unfit::EmailTwice(first.clone(), *by));
        }
        Some((by, first)) => {
            return Err(Unfit::EmailCase {
                by: *by,
                first: first.clone(),
                theirs: email.as_str().to_owned(),
            });
        }
        None => {
            seen.emails
                .insert(email.key(), (id, email.as_str().to_owned()));
        }
    }
    Ok((email, Username::from_trusted(username)))
}

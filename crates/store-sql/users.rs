// Shared by both store crates, which `include!` it: The `users` table: look-ups, the bearer read, insert, update, delete.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::{backend, write_error};
use sqlx::Executor;
use tessera_core::domain::{EmailAddress, NewUser, User, UserId};
use tessera_core::ports::StoreError;
use tessera_core::records::{BearerRecord, UserRecord};

/// The `UserRecord` in a row read with the user columns of `by_id` and others beside them.
macro_rules! user_record {
    ($r:ident) => {
        UserRecord {
            id: $r.id,
            email: $r.email,
            username: $r.username,
            password_hash: $r.password_hash,
            is_active: $r.is_active,
            is_staff: $r.is_staff,
            is_superuser: $r.is_superuser,
            last_login: $r.last_login,
            date_joined: $r.date_joined,
            first_name: $r.first_name,
            last_name: $r.last_name,
            phone: $r.phone,
            address_line_1: $r.address_line_1,
            address_line_2: $r.address_line_2,
            city: $r.city,
            state: $r.state,
            postcode: $r.postcode,
            country: $r.country,
            lang: $r.lang,
            two_fa_enabled: $r.two_fa_enabled,
            email_verified: $r.email_verified,
        }
    };
}
pub(crate) use user_record;

pub(crate) async fn by_id<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users WHERE id = $1"#, id.0)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(User::from))
}

/// The account an access token names, its token cutoff and kept session, and whether the
/// token's session has ended: one read for every bearer check.
pub(crate) async fn bearer<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    session: Option<&str>,
) -> Result<Option<BearerRecord>, StoreError> {
    let row = sqlx::query!(r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool", tokens_valid_after, tokens_kept_session,
        EXISTS (SELECT 1 FROM sessions WHERE sessions.id = $2 AND revoked_at IS NOT NULL)
            AS "session_ended!: bool"
        FROM users WHERE id = $1"#, id.0, session)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(|r| BearerRecord {
        user: user_record!(r),
        tokens_valid_after: r.tokens_valid_after,
        tokens_kept_session: r.tokens_kept_session,
        session_ended: r.session_ended,
    }))
}

/// From now on, access tokens issued before `now` are void but those of `keep`.
pub(crate) async fn void_tokens_before<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    keep: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE users SET tokens_valid_after = $1, tokens_kept_session = $2 WHERE id = $3",
        now,
        keep,
        id.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn by_email<'e>(
    db: impl Executor<'e, Database = Db>,
    email: &EmailAddress,
) -> Result<Option<User>, StoreError> {
    let key = email.key();
    let row = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users WHERE email_key = $1"#, key)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(User::from))
}

pub(crate) async fn by_username<'e>(
    db: impl Executor<'e, Database = Db>,
    username: &str,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users WHERE username = $1"#, username)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(User::from))
}

pub(crate) async fn all<'e>(db: impl Executor<'e, Database = Db>) -> Result<Vec<User>, StoreError> {
    let rows = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users ORDER BY id"#)
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub(crate) async fn username_taken<'e>(
    db: impl Executor<'e, Database = Db>,
    username: &str,
    except: Option<UserId>,
) -> Result<bool, StoreError> {
    let except = except.map_or(0, |id| id.0);
    let row = sqlx::query!(
        "SELECT id FROM users WHERE username = $1 AND id <> $2",
        username,
        except
    )
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.is_some())
}

pub(crate) async fn insert<'e>(
    db: impl Executor<'e, Database = Db>,
    u: &NewUser,
) -> Result<UserId, StoreError> {
    let (email, key, username, hash) = (
        u.email.as_str(),
        u.email.key(),
        u.username.as_str(),
        u.password_hash.as_str(),
    );
    let p = &u.profile;
    let lang = u.lang.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO users (email, email_key, username, password_hash, is_active, is_staff,
            is_superuser, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
            city, state, postcode, country, lang)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id AS "id!""#,
        email, key, username, hash, u.is_active, u.is_staff, u.is_superuser, u.date_joined.0,
        p.first_name, p.last_name, p.phone, p.address_line_1, p.address_line_2, p.city, p.state,
        p.postcode, p.country, lang
    )
    .fetch_one(db)
    .await
    .map_err(write_error)?;
    Ok(UserId(id))
}

/// The fields an owner edits: username, the address's spelling, language and profile.
pub(crate) async fn save_profile<'e>(
    db: impl Executor<'e, Database = Db>,
    u: &User,
) -> Result<(), StoreError> {
    let (email, key, username, lang) = (
        u.email.as_str(),
        u.email.key(),
        u.username.as_str(),
        u.lang.as_str(),
    );
    let p = &u.profile;
    sqlx::query!(
        "UPDATE users SET email = $1, email_key = $2, username = $3, lang = $4,
            first_name = $5, last_name = $6, phone = $7, address_line_1 = $8,
            address_line_2 = $9, city = $10, state = $11, postcode = $12, country = $13
        WHERE id = $14",
        email,
        key,
        username,
        lang,
        p.first_name,
        p.last_name,
        p.phone,
        p.address_line_1,
        p.address_line_2,
        p.city,
        p.state,
        p.postcode,
        p.country,
        u.id.0
    )
    .execute(db)
    .await
    .map_err(write_error)?;
    Ok(())
}

pub(crate) async fn set_password_hash<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    hash: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        hash,
        id.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Replace `from` with `to` only while `from` is still the stored hash.
pub(crate) async fn upgrade_password_hash<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    from: &str,
    to: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3",
        to,
        id.0,
        from
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn record_login<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query!("UPDATE users SET last_login = $1 WHERE id = $2", at, id.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}

pub(crate) async fn set_active<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    active: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE users SET is_active = $1 WHERE id = $2",
        active,
        id.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Whether logging in needs a second factor.
pub(crate) async fn set_two_fa_enabled<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
    on: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE users SET two_fa_enabled = $1 WHERE id = $2",
        on,
        id.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(crate) async fn delete<'e>(
    db: impl Executor<'e, Database = Db>,
    id: UserId,
) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM users WHERE id = $1", id.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}

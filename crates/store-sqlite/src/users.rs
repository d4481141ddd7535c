//! The `users` table on SQLite: look-ups, insert, update, delete.

use crate::{backend, write_error};
use sqlx::SqliteExecutor;
use tessera_core::domain::{EmailAddress, NewUser, User, UserId};
use tessera_core::ports::StoreError;
use tessera_core::records::UserRecord;

pub(crate) async fn by_id<'e>(
    db: impl SqliteExecutor<'e>,
    id: UserId,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users WHERE id = ?"#, id.0)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(User::from))
}

pub(crate) async fn by_email<'e>(
    db: impl SqliteExecutor<'e>,
    email: &EmailAddress,
) -> Result<Option<User>, StoreError> {
    let key = email.key();
    let row = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users WHERE email_key = ?"#, key)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(User::from))
}

pub(crate) async fn by_username<'e>(
    db: impl SqliteExecutor<'e>,
    username: &str,
) -> Result<Option<User>, StoreError> {
    let row = sqlx::query_as!(UserRecord, r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool" FROM users WHERE username = ?"#, username)
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.map(User::from))
}

pub(crate) async fn all<'e>(db: impl SqliteExecutor<'e>) -> Result<Vec<User>, StoreError> {
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
    db: impl SqliteExecutor<'e>,
    username: &str,
    except: Option<UserId>,
) -> Result<bool, StoreError> {
    let except = except.map_or(0, |id| id.0);
    let row = sqlx::query!(
        "SELECT id FROM users WHERE username = ? AND id <> ?",
        username,
        except
    )
    .fetch_optional(db)
    .await
    .map_err(backend)?;
    Ok(row.is_some())
}

pub(crate) async fn insert<'e>(
    db: impl SqliteExecutor<'e>,
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
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        email,
        key,
        username,
        hash,
        u.is_active,
        u.is_staff,
        u.is_superuser,
        u.date_joined.0,
        p.first_name,
        p.last_name,
        p.phone,
        p.address_line_1,
        p.address_line_2,
        p.city,
        p.state,
        p.postcode,
        p.country,
        lang
    )
    .fetch_one(db)
    .await
    .map_err(write_error)?;
    Ok(UserId(id))
}

pub(crate) async fn update<'e>(db: impl SqliteExecutor<'e>, u: &User) -> Result<(), StoreError> {
    let (email, key, username, hash) = (
        u.email.as_str(),
        u.email.key(),
        u.username.as_str(),
        u.password_hash.as_str(),
    );
    let last_login = u.last_login.map(|t| t.0);
    let lang = u.lang.as_str();
    let p = &u.profile;
    sqlx::query!(
        "UPDATE users SET email = ?, email_key = ?, username = ?, password_hash = ?, is_active = ?,
            is_staff = ?, is_superuser = ?, last_login = ?, first_name = ?, last_name = ?, phone = ?,
            address_line_1 = ?, address_line_2 = ?, city = ?, state = ?, postcode = ?, country = ?,
            lang = ?, two_fa_enabled = ?, email_verified = ?
        WHERE id = ?",
        email, key, username, hash, u.is_active, u.is_staff, u.is_superuser, last_login,
        p.first_name, p.last_name, p.phone, p.address_line_1, p.address_line_2, p.city, p.state,
        p.postcode, p.country, lang, u.two_fa_enabled, u.email_verified, u.id.0
    )
    .execute(db)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Whether logging in needs a second factor.
pub(crate) async fn set_two_fa_enabled<'e>(
    db: impl SqliteExecutor<'e>,
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

pub(crate) async fn delete<'e>(db: impl SqliteExecutor<'e>, id: UserId) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM users WHERE id = ?", id.0)
        .execute(db)
        .await
        .map_err(backend)?;
    Ok(())
}

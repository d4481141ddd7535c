//! Taking in another system's accounts, refresh tokens and TOTP factors on SQLite: a batch
//! bound as one JSON array (SQLite binds no arrays) and written in one `INSERT … SELECT … FROM
//! json_each(…)` a table, never over what is there (`ON CONFLICT DO NOTHING`; the `WHERE`
//! tells SQLite's parser the upsert from a join); each returns the keys it wrote.

use crate::backend;
use serde_json::{Value, json};
use sqlx::SqliteConnection;
use std::collections::HashSet;
use tessera_core::domain::User;
use tessera_core::ports::StoreError;
use tessera_core::records::{ImportedTokenRecord, TotpFactorRecord};

fn array(rows: impl Iterator<Item = Value>) -> String {
    Value::Array(rows.collect()).to_string()
}

/// Insert accounts with their own ids; the ids written (those not written met an id,
/// address or username taken).
pub(crate) async fn users(
    db: &mut SqliteConnection,
    users: &[&User],
) -> Result<HashSet<i64>, StoreError> {
    let rows = array(users.iter().map(|u| {
        let p = &u.profile;
        json!({
            "id": u.id.0, "email": u.email.as_str(), "email_key": u.email.key(),
            "username": u.username.as_str(), "password_hash": u.password_hash.as_str(),
            "is_active": u.is_active, "is_staff": u.is_staff, "is_superuser": u.is_superuser,
            "last_login": u.last_login.map(|t| t.0), "date_joined": u.date_joined.0,
            "first_name": p.first_name, "last_name": p.last_name, "phone": p.phone,
            "address_line_1": p.address_line_1, "address_line_2": p.address_line_2,
            "city": p.city, "state": p.state, "postcode": p.postcode, "country": p.country,
            "lang": u.lang.as_str(), "two_fa_enabled": u.two_fa_enabled,
            "email_verified": u.email_verified,
        })
    }));
    let ids = sqlx::query_scalar!(
        r#"INSERT INTO users (id, email, email_key, username, password_hash, is_active, is_staff,
            is_superuser, last_login, date_joined, first_name, last_name, phone, address_line_1,
            address_line_2, city, state, postcode, country, lang, two_fa_enabled, email_verified)
        SELECT value ->> 'id', value ->> 'email', value ->> 'email_key', value ->> 'username',
            value ->> 'password_hash', value ->> 'is_active', value ->> 'is_staff',
            value ->> 'is_superuser', value ->> 'last_login', value ->> 'date_joined',
            value ->> 'first_name', value ->> 'last_name', value ->> 'phone',
            value ->> 'address_line_1', value ->> 'address_line_2', value ->> 'city',
            value ->> 'state', value ->> 'postcode', value ->> 'country', value ->> 'lang',
            value ->> 'two_fa_enabled', value ->> 'email_verified'
        FROM json_each($1) WHERE TRUE
        ON CONFLICT DO NOTHING
        RETURNING id AS "id!""#,
        rows
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(ids.into_iter().collect())
}

/// Record refresh tokens of existing accounts; the jtis written (the others were known, or
/// their account is not here).
pub(crate) async fn outstanding(
    db: &mut SqliteConnection,
    tokens: &[&ImportedTokenRecord],
) -> Result<HashSet<String>, StoreError> {
    let rows = array(tokens.iter().map(|t| {
        json!({"jti": t.jti, "user_id": t.user_id, "created_at": t.created_at,
               "expires_at": t.expires_at})
    }));
    let jtis = sqlx::query_scalar!(
        r#"INSERT INTO outstanding_tokens (jti, user_id, created_at, expires_at)
         SELECT value ->> 'jti', value ->> 'user_id', value ->> 'created_at',
             value ->> 'expires_at'
         FROM json_each($1) WHERE value ->> 'user_id' IN (SELECT id FROM users)
         ON CONFLICT DO NOTHING
         RETURNING jti AS "jti!""#,
        rows
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(jtis.into_iter().collect())
}

/// Blacklist the tokens the other system blacklisted (those blacklisted here already stay
/// as they are).
pub(crate) async fn blacklisted(
    db: &mut SqliteConnection,
    tokens: &[&ImportedTokenRecord],
) -> Result<(), StoreError> {
    if tokens.iter().all(|t| t.blacklisted_at.is_none()) {
        return Ok(());
    }
    let rows = array(tokens.iter().filter_map(|t| {
        let at = t.blacklisted_at?;
        Some(json!({"jti": t.jti, "blacklisted_at": at, "expires_at": t.expires_at}))
    }));
    sqlx::query!(
        "INSERT INTO blacklisted_tokens (jti, blacklisted_at, expires_at)
         SELECT value ->> 'jti', value ->> 'blacklisted_at', value ->> 'expires_at'
         FROM json_each($1) WHERE TRUE
         ON CONFLICT (jti) DO NOTHING",
        rows
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Insert TOTP factors of existing accounts that have none; the accounts written.
pub(crate) async fn totp_factors(
    db: &mut SqliteConnection,
    factors: &[&TotpFactorRecord],
) -> Result<HashSet<i64>, StoreError> {
    let rows = array(factors.iter().map(|f| {
        json!({"user_id": f.user_id, "secret": f.secret, "confirmed_at": f.confirmed_at,
               "last_step": f.last_step, "created_at": f.created_at})
    }));
    let ids = sqlx::query_scalar!(
        r#"INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at)
         SELECT value ->> 'user_id', value ->> 'secret', value ->> 'confirmed_at',
             value ->> 'last_step', value ->> 'created_at'
         FROM json_each($1) WHERE value ->> 'user_id' IN (SELECT id FROM users)
         ON CONFLICT DO NOTHING
         RETURNING user_id AS "user_id!""#,
        rows
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(ids.into_iter().collect())
}

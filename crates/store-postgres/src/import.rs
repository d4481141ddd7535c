//! Taking in another system's accounts, refresh tokens and TOTP factors on PostgreSQL: a
//! batch in one `INSERT … SELECT … FROM UNNEST(…)` a table (a column an array), never over
//! what is there (`ON CONFLICT DO NOTHING`); each returns the keys it wrote.

use crate::backend;
use sqlx::PgConnection;
use std::collections::HashSet;
use tessera_core::domain::User;
use tessera_core::ports::StoreError;
use tessera_core::records::{ImportedTokenRecord, TotpFactorRecord};

/// Insert accounts with their own ids; the ids written (those not written met an id,
/// address or username taken).
pub(crate) async fn users(
    db: &mut PgConnection,
    users: &[&User],
) -> Result<HashSet<i64>, StoreError> {
    let column = |f: fn(&User) -> String| users.iter().map(|u| f(u)).collect::<Vec<_>>();
    let flag = |f: fn(&User) -> bool| users.iter().map(|u| f(u)).collect::<Vec<_>>();
    let id: Vec<i64> = users.iter().map(|u| u.id.0).collect();
    let last_login: Vec<Option<i64>> = users.iter().map(|u| u.last_login.map(|t| t.0)).collect();
    let date_joined: Vec<i64> = users.iter().map(|u| u.date_joined.0).collect();
    let ids = sqlx::query_scalar!(
        r#"INSERT INTO users (id, email, email_key, username, password_hash, is_active, is_staff,
            is_superuser, last_login, date_joined, first_name, last_name, phone, address_line_1,
            address_line_2, city, state, postcode, country, lang, two_fa_enabled, email_verified)
        SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[],
            $6::BOOLEAN[], $7::BOOLEAN[], $8::BOOLEAN[], $9::BIGINT[], $10::BIGINT[], $11::TEXT[],
            $12::TEXT[], $13::TEXT[], $14::TEXT[], $15::TEXT[], $16::TEXT[], $17::TEXT[],
            $18::TEXT[], $19::TEXT[], $20::TEXT[], $21::BOOLEAN[], $22::BOOLEAN[])
        ON CONFLICT DO NOTHING
        RETURNING id"#,
        &id,
        &column(|u| u.email.as_str().to_owned()),
        &column(|u| u.email.key()),
        &column(|u| u.username.as_str().to_owned()),
        &column(|u| u.password_hash.as_str().to_owned()),
        &flag(|u| u.is_active),
        &flag(|u| u.is_staff),
        &flag(|u| u.is_superuser),
        &last_login as &[Option<i64>],
        &date_joined,
        &column(|u| u.profile.first_name.clone()),
        &column(|u| u.profile.last_name.clone()),
        &column(|u| u.profile.phone.clone()),
        &column(|u| u.profile.address_line_1.clone()),
        &column(|u| u.profile.address_line_2.clone()),
        &column(|u| u.profile.city.clone()),
        &column(|u| u.profile.state.clone()),
        &column(|u| u.profile.postcode.clone()),
        &column(|u| u.profile.country.clone()),
        &column(|u| u.lang.as_str().to_owned()),
        &flag(|u| u.two_fa_enabled),
        &flag(|u| u.email_verified)
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(ids.into_iter().collect())
}

/// Record refresh tokens of existing accounts; the jtis written (the others were known, or
/// their account is not here).
pub(crate) async fn outstanding(
    db: &mut PgConnection,
    tokens: &[&ImportedTokenRecord],
) -> Result<HashSet<String>, StoreError> {
    let jti: Vec<String> = tokens.iter().map(|t| t.jti.clone()).collect();
    let user_id: Vec<i64> = tokens.iter().map(|t| t.user_id).collect();
    let created_at: Vec<i64> = tokens.iter().map(|t| t.created_at).collect();
    let expires_at: Vec<i64> = tokens.iter().map(|t| t.expires_at).collect();
    let jtis = sqlx::query_scalar!(
        "INSERT INTO outstanding_tokens (jti, user_id, created_at, expires_at)
         SELECT t.jti, t.user_id, t.created_at, t.expires_at
         FROM UNNEST($1::TEXT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[])
             AS t (jti, user_id, created_at, expires_at)
         WHERE EXISTS (SELECT 1 FROM users WHERE users.id = t.user_id)
         ON CONFLICT DO NOTHING
         RETURNING jti",
        &jti,
        &user_id,
        &created_at,
        &expires_at
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(jtis.into_iter().collect())
}

/// Blacklist the tokens the other system blacklisted (those blacklisted here already stay
/// as they are).
pub(crate) async fn blacklisted(
    db: &mut PgConnection,
    tokens: &[&ImportedTokenRecord],
) -> Result<(), StoreError> {
    let dropped: Vec<(&str, i64, i64)> = tokens
        .iter()
        .filter_map(|t| Some((t.jti.as_str(), t.blacklisted_at?, t.expires_at)))
        .collect();
    if dropped.is_empty() {
        return Ok(());
    }
    let jti: Vec<String> = dropped.iter().map(|t| t.0.to_owned()).collect();
    let at: Vec<i64> = dropped.iter().map(|t| t.1).collect();
    let expires_at: Vec<i64> = dropped.iter().map(|t| t.2).collect();
    sqlx::query!(
        "INSERT INTO blacklisted_tokens (jti, blacklisted_at, expires_at)
         SELECT * FROM UNNEST($1::TEXT[], $2::BIGINT[], $3::BIGINT[])
         ON CONFLICT (jti) DO NOTHING",
        &jti,
        &at,
        &expires_at
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Insert TOTP factors of existing accounts that have none; the accounts written.
pub(crate) async fn totp_factors(
    db: &mut PgConnection,
    factors: &[&TotpFactorRecord],
) -> Result<HashSet<i64>, StoreError> {
    let user_id: Vec<i64> = factors.iter().map(|f| f.user_id).collect();
    let secret: Vec<String> = factors.iter().map(|f| f.secret.clone()).collect();
    let confirmed_at: Vec<Option<i64>> = factors.iter().map(|f| f.confirmed_at).collect();
    let last_step: Vec<i64> = factors.iter().map(|f| f.last_step).collect();
    let created_at: Vec<i64> = factors.iter().map(|f| f.created_at).collect();
    let ids = sqlx::query_scalar!(
        "INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at)
         SELECT f.user_id, f.secret, f.confirmed_at, f.last_step, f.created_at
         FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[])
             AS f (user_id, secret, confirmed_at, last_step, created_at)
         WHERE EXISTS (SELECT 1 FROM users WHERE users.id = f.user_id)
         ON CONFLICT DO NOTHING
         RETURNING user_id",
        &user_id,
        &secret,
        &confirmed_at as &[Option<i64>],
        &last_step,
        &created_at
    )
    .fetch_all(db)
    .await
    .map_err(backend)?;
    Ok(ids.into_iter().collect())
}

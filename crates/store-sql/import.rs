// Shared by both store crates, which `include!` it: Taking in accounts, refresh tokens and TOTP factors from another system (`tessera import`), never overwriting what is here.
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use sqlx::Executor;
use tessera_core::domain::User;
use tessera_core::ports::StoreError;
use tessera_core::records::{ImportedTokenRecord, TotpFactorRecord};

/// Insert an account with its own id; `false` when its id, address or username is taken.
pub(crate) async fn user<'e>(
    db: impl Executor<'e, Database = Db>,
    u: &User,
) -> Result<bool, StoreError> {
    let (email, key, username, hash, lang) = (
        u.email.as_str(),
        u.email.key(),
        u.username.as_str(),
        u.password_hash.as_str(),
        u.lang.as_str(),
    );
    let p = &u.profile;
    let last_login = u.last_login.map(|t| t.0);
    let done = sqlx::query!(
        "INSERT INTO users (id, email, email_key, username, password_hash, is_active, is_staff,
            is_superuser, last_login, date_joined, first_name, last_name, phone, address_line_1,
            address_line_2, city, state, postcode, country, lang, two_fa_enabled, email_verified)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20, $21, $22)
        ON CONFLICT DO NOTHING",
        u.id.0,
        email,
        key,
        username,
        hash,
        u.is_active,
        u.is_staff,
        u.is_superuser,
        last_login,
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
        lang,
        u.two_fa_enabled,
        u.email_verified
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// Record a refresh token of an existing account; `false` when known or without account.
pub(crate) async fn outstanding<'e>(
    db: impl Executor<'e, Database = Db>,
    t: &ImportedTokenRecord,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "INSERT INTO outstanding_tokens (jti, user_id, created_at, expires_at)
         SELECT $1, id, $3, $4 FROM users WHERE id = $2
         ON CONFLICT DO NOTHING",
        t.jti,
        t.user_id,
        t.created_at,
        t.expires_at
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// Insert a TOTP factor of an existing account that has none.
pub(crate) async fn totp_factor<'e>(
    db: impl Executor<'e, Database = Db>,
    f: &TotpFactorRecord,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at)
         SELECT id, $2, $3, $4, $5 FROM users WHERE id = $1
         ON CONFLICT DO NOTHING",
        f.user_id,
        f.secret,
        f.confirmed_at,
        f.last_step,
        f.created_at
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

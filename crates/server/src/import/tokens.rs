//! SimpleJWT's token blacklist tables: every outstanding refresh token with its account, and
//! when it was blacklisted (`token_blacklist_outstandingtoken` / `…_blacklistedtoken`).

use super::source::Source;
use sqlx::Row;
use sqlx::any::AnyRow;
use tessera_core::records::ImportedTokenRecord;

pub const OUTSTANDING: &str = "token_blacklist_outstandingtoken";
const BLACKLISTED: &str = "token_blacklist_blacklistedtoken";

/// `SELECT` of one page of tokens with an account (`$1` the last id read, `$2` the size).
pub fn select(source: &Source) -> Option<String> {
    if !source.has_table(OUTSTANDING) {
        return None;
    }
    let blacklisted_at = if source.has_table(BLACKLISTED) {
        format!(
            "(SELECT MIN({}) FROM {BLACKLISTED} b WHERE b.token_id = o.id)",
            source.epoch("blacklisted_at")
        )
    } else {
        "NULL".to_owned()
    };
    Some(format!(
        "SELECT {id}, {jti}, {user}, {created}, {expires}, {blacklisted_at}
         FROM {OUTSTANDING} o WHERE o.user_id IS NOT NULL AND {id} > $1 ORDER BY {id} LIMIT $2",
        id = source.int("id"),
        jti = source.text("jti"),
        user = source.int("user_id"),
        created = source.epoch("created_at"),
        expires = source.epoch("expires_at"),
    ))
}

/// One row: its id, and the token.
pub fn token(row: &AnyRow) -> Result<(i64, ImportedTokenRecord), sqlx::Error> {
    let id = row.try_get(0)?;
    let expires_at: Option<i64> = row.try_get(4)?;
    let token = ImportedTokenRecord {
        jti: row.try_get(1)?,
        user_id: row.try_get(2)?,
        created_at: row.try_get::<Option<i64>, _>(3)?.unwrap_or(0),
        expires_at: expires_at.unwrap_or(0),
        blacklisted_at: row.try_get(5)?,
    };
    Ok((id, token))
}

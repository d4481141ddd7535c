// Shared by both store crates, which `include!` it: the operator's reads and writes of
// accounts (search with filters and last-seen times, the staff flag).
// Every query here is compile-checked against each crate's database (its `sqlx.toml` and
// `.sqlx/`); `Db` is the including crate's database.

use crate::Db;
use crate::backend;
use crate::users::user_record;
use sqlx::Executor;
use tessera_core::domain::UserId;
use tessera_core::ports::{StoreError, UserListing, UserSearch};
use tessera_core::records::UserRecord;

/// A `LIKE` pattern that finds `text` anywhere, its own `%`, `_` and `\` taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The accounts `search` asks for, by id, with how many there are in all.
pub(crate) async fn find<'e>(
    db: impl Executor<'e, Database = Db>,
    search: &UserSearch,
) -> Result<(i64, Vec<UserListing>), StoreError> {
    let pattern = search.text.as_deref().map(contains_pattern);
    let rows = sqlx::query!(r#"SELECT id AS "id!", email, username, password_hash,
        is_active AS "is_active: bool", is_staff AS "is_staff: bool", is_superuser AS "is_superuser: bool",
        last_login, date_joined, first_name, last_name, phone, address_line_1, address_line_2,
        city, state, postcode, country, lang, two_fa_enabled AS "two_fa_enabled: bool",
        email_verified AS "email_verified: bool",
        (SELECT MAX(s.last_used_at) FROM sessions s WHERE s.user_id = users.id) AS "last_seen: i64",
        COUNT(*) OVER () AS "total!: i64"
        FROM users
        WHERE COALESCE(LOWER(username) LIKE $1 ESCAPE '\' OR email_key LIKE $1 ESCAPE '\', $1 IS NULL)
          AND COALESCE(is_active = $2, $2 IS NULL) AND COALESCE(is_staff = $3, $3 IS NULL)
          AND COALESCE(two_fa_enabled = $4, $4 IS NULL)
        ORDER BY id LIMIT $5 OFFSET $6"#,
        pattern, search.active, search.staff, search.two_fa, search.limit, search.offset)
    .fetch_all(db)
    .await
    .map_err(backend)?;
    let total = rows.first().map_or(0, |r| r.total);
    let listings = rows
        .into_iter()
        .map(|r| UserListing {
            last_seen: r.last_seen,
            user: user_record!(r).into(),
        })
        .collect();
    Ok((total, listings))
}

/// When the account last used Tessera (its latest session refresh or login).
pub(crate) async fn last_seen<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query!(
        r#"SELECT MAX(last_used_at) AS "last_seen: i64" FROM sessions WHERE user_id = $1"#,
        user.0
    )
    .fetch_one(db)
    .await
    .map_err(backend)?;
    Ok(row.last_seen)
}

pub(crate) async fn set_staff<'e>(
    db: impl Executor<'e, Database = Db>,
    user: UserId,
    staff: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE users SET is_staff = $1 WHERE id = $2",
        staff,
        user.0
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

// Shared by both store crates, which `include!` it: applying the including crate's
// migrations (`MIGRATOR`) and telling which ones this run applied. `Db` is the including
// crate's database.

use crate::{MIGRATOR, backend};
use sqlx::migrate::Migrate;
use tessera_core::ports::StoreError;

/// Apply the migrations the database lacks; each one applied, as `version description`.
pub(crate) async fn apply(pool: &sqlx::Pool<crate::Db>) -> Result<Vec<String>, StoreError> {
    let mut conn = pool.acquire().await.map_err(backend)?;
    conn.ensure_migrations_table(&MIGRATOR.table_name)
        .await
        .map_err(backend)?;
    let before: Vec<i64> = conn
        .list_applied_migrations(&MIGRATOR.table_name)
        .await
        .map_err(backend)?
        .iter()
        .map(|m| m.version)
        .collect();
    MIGRATOR.run(&mut *conn).await.map_err(backend)?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !before.contains(&m.version))
        .map(|m| format!("{} {}", m.version, m.description))
        .collect())
}

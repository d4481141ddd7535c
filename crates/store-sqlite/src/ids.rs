//! The ids of new accounts on SQLite: `AUTOINCREMENT` follows the highest id ever written by
//! itself (`sqlite_sequence`); past `highest` too, when that is higher.

use crate::backend;
use sqlx::SqliteConnection;
use tessera_core::ports::StoreError;

pub(crate) async fn follow_imported(
    db: &mut SqliteConnection,
    highest: i64,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE sqlite_sequence SET seq = MAX(seq, $1) WHERE name = 'users'",
        highest
    )
    .execute(&mut *db)
    .await
    .map_err(backend)?;
    sqlx::query!(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'users', $1
         WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users')",
        highest
    )
    .execute(db)
    .await
    .map_err(backend)?;
    Ok(())
}

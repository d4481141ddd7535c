//! The ids of new accounts on PostgreSQL: after accounts were written with ids of their own,
//! the identity sequence of `users.id` is moved past the highest one (and past `highest`).

use crate::backend;
use sqlx::PgConnection;
use tessera_core::ports::StoreError;

pub(crate) async fn follow_imported(db: &mut PgConnection, highest: i64) -> Result<(), StoreError> {
    sqlx::query!(
        "SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST(MAX(id), $1)) FROM users",
        highest
    )
    .fetch_one(db)
    .await
    .map_err(backend)?;
    Ok(())
}

//! The Auth API's `Service` model: the table with `serviceName` and `password` columns, each
//! row a Tessera service that keeps its Django password hash.

use super::source::{Source, quote};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The service table, when the source has one.
pub fn find_table(source: &Source) -> Option<&str> {
    source
        .tables
        .keys()
        .find(|t| {
            source.column(t, "servicename").is_some() && source.column(t, "password").is_some()
        })
        .map(String::as_str)
}

pub fn select(source: &Source, table: &str) -> String {
    let name = source.column(table, "servicename").unwrap_or("serviceName");
    format!(
        "SELECT {id}, {name}, {password} FROM {table} WHERE {id} > $1 ORDER BY {id} LIMIT $2",
        id = source.int("id"),
        name = source.text(name),
        password = source.text("password"),
        table = quote(table),
    )
}

/// One row: id, name, password hash.
pub fn service(row: &AnyRow) -> Result<(i64, String, String), sqlx::Error> {
    Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
}

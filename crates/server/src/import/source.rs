//! The Django database being read: a read-only connection (SQLite or PostgreSQL, through
//! sqlx's `Any` driver), its tables and columns, and the SQL spellings that differ between
//! the two (Unix seconds of a date-time, a boolean as 0/1).

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// An open Django database and what its catalogue says.
pub struct Source {
    pool: AnyPool,
    pub dialect: Dialect,
    /// Every table with its columns, in their order.
    pub tables: BTreeMap<String, Vec<String>>,
}

impl Source {
    /// Connect to `url` (`sqlite://…`, opened read-only, or `postgres://…`) and read its
    /// catalogue.
    pub async fn open(url: &str) -> Result<Self, String> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if url.starts_with("sqlite:") {
            let sep = if url.contains('?') { '&' } else { '?' };
            (Dialect::Sqlite, format!("{url}{sep}mode=ro"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_owned())
        } else {
            return Err("the Django database URL is sqlite://PATH or postgres://…".into());
        };
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .map_err(|e| format!("cannot open the Django database: {e}"))?;
        let catalogue = match dialect {
            Dialect::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' ORDER BY m.name, p.cid"
            }
            Dialect::Postgres => {
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT)
                 FROM information_schema.columns WHERE table_schema = current_schema()
                 ORDER BY table_name, ordinal_position"
            }
        };
        let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in sqlx::query(catalogue)
            .fetch_all(&pool)
            .await
            .map_err(read_error)?
        {
            let (table, column): (String, String) = (
                row.try_get(0).map_err(read_error)?,
                row.try_get(1).map_err(read_error)?,
            );
            tables.entry(table).or_default().push(column);
        }
        Ok(Self {
            pool,
            dialect,
            tables,
        })
    }

    pub fn kind(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
        }
    }

    /// The table's column of this name, as the catalogue spells it (case-insensitively, as
    /// Django's `serviceName` is `servicename` to some tools).
    pub fn column(&self, table: &str, name: &str) -> Option<&str> {
        self.tables
            .get(table)?
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name))
            .map(String::as_str)
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// One page of rows: `select` must take the last key read as `$1` and a limit as `$2`.
    pub async fn page(&self, select: &str, after: i64, limit: i64) -> Result<Vec<AnyRow>, String> {
        sqlx::query(AssertSqlSafe(select.to_owned()))
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(read_error)
    }

    /// How many rows `count` (no parameters) counts.
    pub async fn count(&self, count: &str) -> Result<i64, String> {
        let row = sqlx::query(AssertSqlSafe(count.to_owned()))
            .fetch_one(&self.pool)
            .await
            .map_err(read_error)?;
        row.try_get(0).map_err(read_error)
    }

    /// Unix seconds of a date-time column (Django keeps UTC), or NULL.
    pub fn epoch(&self, column: &str) -> String {
        let c = quote(column);
        match self.dialect {
            Dialect::Sqlite => format!("CAST(strftime('%s', {c}) AS BIGINT)"),
            Dialect::Postgres => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {c})) AS BIGINT)"),
        }
    }

    /// A boolean column as 0 or 1.
    pub fn flag(&self, column: &str) -> String {
        format!(
            "CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT)",
            quote(column)
        )
    }

    /// A column as text, `''` for NULL.
    pub fn text(&self, column: &str) -> String {
        format!("COALESCE(CAST({} AS TEXT), '')", quote(column))
    }

    /// An integer column as BIGINT.
    pub fn int(&self, column: &str) -> String {
        format!("CAST({} AS BIGINT)", quote(column))
    }
}

/// A double-quoted SQL identifier (both databases).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub fn read_error(e: sqlx::Error) -> String {
    format!("reading the Django database failed: {e}")
}

//! The stores under test (SQLite in memory; PostgreSQL when TEST_DATABASE_URL names a
//! server, in a database of its own) and the records the checks write.

use sqlx::Connection;
pub(crate) use std::sync::Arc;
use std::time::Duration;
pub(crate) use tessera_core::Timestamp;
pub(crate) use tessera_core::domain::{EmailAddress, Lang, User, UserId};
use tessera_core::domain::{NewUser, Profile, Username};
use tessera_core::mail::{MailContext, MailKind, NewMail};
pub(crate) use tessera_core::passwords::StoredHash;
pub(crate) use tessera_core::ports::{CodePurpose, MailFailure, Store, StoreError, UniqueField};
use tessera_core::records::SessionRecord;
pub(crate) use tessera_core::records::{EmailUndoRecord, TotpFactorRecord};
use tessera_core::tokens::{Claims, JwtConfig, JwtKeys, Subject, TokenType};
use tessera_store_postgres::PgStore;
use tessera_store_sqlite::SqliteStore;

pub(crate) const NOW: Timestamp = Timestamp(1_800_000_000);
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

/// A migrated, empty store: its kind, and the PostgreSQL database to drop after.
pub(crate) struct UnderTest {
    pub(crate) kind: &'static str,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) made: Option<(String, String)>,
}

/// A migrated, empty store of each kind this run has.
pub(crate) async fn stores() -> Vec<UnderTest> {
    let name = uuid::Uuid::new_v4().simple().to_string();
    let sqlite = SqliteStore::connect(
        &format!("sqlite://file:contract_{name}?mode=memory&cache=shared"),
        TIMEOUT,
    )
    .await
    .expect("an SQLite database in memory");
    sqlite.migrate().await.expect("SQLite migrations");
    let mut all = vec![UnderTest {
        kind: "sqlite",
        store: Arc::new(sqlite),
        made: None,
    }];
    if let Ok(admin) = std::env::var("TEST_DATABASE_URL")
        && !admin.is_empty()
    {
        let db = format!("tessera_contract_{name}");
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .expect("TEST_DATABASE_URL is set but PostgreSQL does not answer");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let pg = PgStore::connect(&format!("{base}/{db}"), TIMEOUT)
            .await
            .expect("a PostgreSQL database");
        pg.migrate().await.expect("PostgreSQL migrations");
        all.push(UnderTest {
            kind: "postgres",
            store: Arc::new(pg),
            made: Some((admin.clone(), db)),
        });
    }
    all
}

pub(crate) async fn drop_store(made: Option<(String, String)>) {
    if let Some((admin, db)) = made
        && let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await
    {
        let sql = format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await;
    }
}

/// Run `check` against each store of this run.
macro_rules! each_store {
    (|$store:ident, $kind:ident| $body:block) => {
        for UnderTest { kind: $kind, store: $store, made } in stores().await {
            let _ = $kind;
            $body
            drop_store(made).await;
        }
    };
}

pub(crate) fn new_user(email: &str, username: &str) -> NewUser {
    NewUser {
        email: EmailAddress::parse(email).unwrap(),
        username: Username::parse(username).unwrap(),
        password_hash: StoredHash::from_stored("argon2$x".into()),
        is_active: true,
        is_staff: false,
        is_superuser: false,
        date_joined: NOW,
        profile: Profile::default(),
        lang: Lang::default(),
    }
}

pub(crate) async fn user(store: &Arc<dyn Store>, email: &str, username: &str) -> User {
    let mut tx = store.begin().await.unwrap();
    let user = tx.insert_user(&new_user(email, username)).await.unwrap();
    tx.commit().await.unwrap();
    user
}

pub(crate) fn mail(to: &str, user: Option<UserId>) -> NewMail {
    NewMail {
        kind: MailKind::Activation,
        user_id: user,
        to: EmailAddress::parse(to).unwrap(),
        context: MailContext {
            url: Some("https://front.example/activate/MQ/abc".into()),
            ..MailContext::default()
        },
    }
}

pub(crate) fn refresh_claims(user: UserId, session: &str) -> Claims {
    let secret = tessera_core::Secret::new("contract-secret-key-0123456789abcdef");
    let keys = JwtKeys::new(&secret, JwtConfig::default());
    let who = Subject {
        user,
        username: None,
        session: Some(session),
    };
    keys.mint(TokenType::Refresh, who, NOW).1
}

pub(crate) fn session(id: &str, user: UserId) -> SessionRecord {
    SessionRecord {
        id: id.into(),
        user_id: user.0,
        created_at: NOW.0,
        last_used_at: NOW.0,
        expires_at: NOW.0 + 86_400,
        user_agent: String::new(),
        ip: String::new(),
        revoked_at: None,
    }
}

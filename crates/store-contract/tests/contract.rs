//! The `Store`/`Tx` contract, run against SQLite (a database in memory) and, when
//! TEST_DATABASE_URL names a PostgreSQL server, against a database of its own there.

use sqlx::Connection;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::Timestamp;
use tessera_core::domain::{EmailAddress, Lang, NewUser, Profile, User, UserId, Username};
use tessera_core::mail::{MailContext, MailKind, NewMail};
use tessera_core::passwords::StoredHash;
use tessera_core::ports::{CodePurpose, MailFailure, Store, StoreError, UniqueField};
use tessera_core::records::{EmailUndoRecord, SessionRecord, TotpFactorRecord};
use tessera_core::tokens::{Claims, JwtConfig, JwtKeys, Subject, TokenType};
use tessera_store_postgres::PgStore;
use tessera_store_sqlite::SqliteStore;

const NOW: Timestamp = Timestamp(1_800_000_000);
const TIMEOUT: Duration = Duration::from_secs(5);

/// A migrated, empty store: its kind, and the PostgreSQL database to drop after.
struct UnderTest {
    kind: &'static str,
    store: Arc<dyn Store>,
    made: Option<(String, String)>,
}

/// A migrated, empty store of each kind this run has.
async fn stores() -> Vec<UnderTest> {
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

async fn drop_store(made: Option<(String, String)>) {
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

fn new_user(email: &str, username: &str) -> NewUser {
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

async fn user(store: &Arc<dyn Store>, email: &str, username: &str) -> User {
    let mut tx = store.begin().await.unwrap();
    let user = tx.insert_user(&new_user(email, username)).await.unwrap();
    tx.commit().await.unwrap();
    user
}

fn mail(to: &str, user: Option<UserId>) -> NewMail {
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

fn refresh_claims(user: UserId, session: &str) -> Claims {
    let secret = tessera_core::Secret::new("contract-secret-key-0123456789abcdef");
    let keys = JwtKeys::new(&secret, JwtConfig::default());
    let who = Subject {
        user,
        username: None,
        session: Some(session),
    };
    keys.mint(TokenType::Refresh, who, NOW).1
}

fn session(id: &str, user: UserId) -> SessionRecord {
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

#[tokio::test]
async fn unique_addresses_and_names_conflict_by_field() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let mut tx = store.begin().await.unwrap();
        let taken = tx.insert_user(&new_user("ANN@x.io", "other")).await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(UniqueField::Email))),
            "{kind}: {taken:?}"
        );
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        let taken = tx.insert_user(&new_user("other@x.io", "ann")).await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(UniqueField::Username))),
            "{kind}"
        );
        drop(tx);
        let bob = user(&store, "bob@x.io", "bob").await;
        let mut tx = store.begin().await.unwrap();
        let taken = tx.set_email(bob.id, &ann.email, true).await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(UniqueField::Email))),
            "{kind}"
        );
        drop(tx);
        store.add_service("game", "h", NOW).await.unwrap();
        let taken = store.add_service("game", "h", NOW).await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(UniqueField::ServiceName))),
            "{kind}"
        );
        assert!(
            !store.set_service_secret("nope", "h", NOW).await.unwrap(),
            "{kind}"
        );
        assert!(store.remove_service("game").await.unwrap(), "{kind}");
        assert!(!store.remove_service("game").await.unwrap(), "{kind}");
    });
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_writes_nothing() {
    each_store!(|store, kind| {
        let mut tx = store.begin().await.unwrap();
        tx.insert_user(&new_user("ann@x.io", "ann")).await.unwrap();
        tx.enqueue_mail(&mail("ann@x.io", None), NOW).await.unwrap();
        drop(tx);
        let email = EmailAddress::parse("ann@x.io").unwrap();
        assert!(
            store.user_by_email(&email).await.unwrap().is_none(),
            "{kind}"
        );
        assert!(
            store.claim_mail(NOW, NOW, 10).await.unwrap().is_empty(),
            "{kind}"
        );
    });
}

#[tokio::test]
async fn blacklisting_answers_whether_it_was_new_and_rotation_marks_the_token() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let claims = refresh_claims(ann.id, "s1");
        let mut tx = store.begin().await.unwrap();
        tx.insert_session(&session("s1", ann.id)).await.unwrap();
        tx.add_outstanding(&claims).await.unwrap();
        assert!(tx.rotate_out(&claims, NOW).await.unwrap(), "{kind}");
        assert!(
            !tx.blacklist(&claims, NOW).await.unwrap(),
            "{kind}: already"
        );
        tx.commit().await.unwrap();
        let record = store.outstanding(&claims.jti).await.unwrap().unwrap();
        assert_eq!(
            (
                record.blacklisted,
                record.rotated_at,
                record.session_id.as_deref()
            ),
            (true, Some(NOW.0), Some("s1")),
            "{kind}"
        );
        assert!(store.is_blacklisted(&claims.jti).await.unwrap(), "{kind}");
    });
}

#[tokio::test]
async fn ending_sessions_keeps_the_one_asked_for_and_voids_older_access_tokens() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let (kept, ended) = (
            refresh_claims(ann.id, "kept"),
            refresh_claims(ann.id, "ended"),
        );
        let mut tx = store.begin().await.unwrap();
        for (claims, id) in [(&kept, "kept"), (&ended, "ended")] {
            tx.insert_session(&session(id, ann.id)).await.unwrap();
            tx.add_outstanding(claims).await.unwrap();
        }
        tx.blacklist_all(ann.id, Some("kept"), NOW).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!store.is_blacklisted(&kept.jti).await.unwrap(), "{kind}");
        assert!(store.is_blacklisted(&ended.jti).await.unwrap(), "{kind}");
        let live: Vec<String> = store
            .sessions(ann.id, NOW)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(live, ["kept"], "{kind}");
        let b = store.bearer(ann.id, Some("ended")).await.unwrap().unwrap();
        assert!(
            !b.admits(NOW.0 + 1, Some("ended")),
            "{kind}: an ended session"
        );
        let b = store.bearer(ann.id, Some("kept")).await.unwrap().unwrap();
        assert!(
            b.admits(NOW.0 - 60, Some("kept")),
            "{kind}: the kept session"
        );
        let b = store.bearer(ann.id, None).await.unwrap().unwrap();
        assert!(
            !b.admits(NOW.0 - 1, None),
            "{kind}: issued before the cut-off"
        );
        assert!(b.admits(NOW.0, None), "{kind}: issued at it");
    });
}

#[tokio::test]
async fn a_totp_step_and_a_confirmation_are_accepted_once() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let factor = TotpFactorRecord {
            user_id: ann.id.0,
            secret: "sealed".into(),
            confirmed_at: None,
            last_step: 0,
            created_at: NOW.0,
        };
        let mut tx = store.begin().await.unwrap();
        tx.put_totp_factor(&factor).await.unwrap();
        assert!(
            !tx.use_totp_step(ann.id, 5).await.unwrap(),
            "{kind}: not confirmed"
        );
        assert!(
            tx.confirm_totp_factor(ann.id, 5, NOW).await.unwrap(),
            "{kind}"
        );
        assert!(
            !tx.confirm_totp_factor(ann.id, 6, NOW).await.unwrap(),
            "{kind}: twice"
        );
        assert!(
            !tx.use_totp_step(ann.id, 5).await.unwrap(),
            "{kind}: replayed"
        );
        assert!(
            !tx.use_totp_step(ann.id, 4).await.unwrap(),
            "{kind}: earlier"
        );
        assert!(tx.use_totp_step(ann.id, 6).await.unwrap(), "{kind}: later");
        tx.commit().await.unwrap();
        let stored = store.totp_factor(ann.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.confirmed_at, stored.last_step),
            (Some(NOW.0), 6),
            "{kind}"
        );
    });
}

#[tokio::test]
async fn a_code_is_consumed_once_and_dies_after_too_many_guesses() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let purpose = CodePurpose::VerifyEmail;
        let expires = Some(NOW.plus_secs(600));
        let mut tx = store.begin().await.unwrap();
        tx.replace_codes(ann.id, purpose, &["a".into(), "b".into()], expires, NOW)
            .await
            .unwrap();
        assert_eq!(
            tx.live_codes(ann.id, purpose, NOW).await.unwrap(),
            2,
            "{kind}"
        );
        assert!(
            tx.consume_code(ann.id, purpose, "a", NOW).await.unwrap(),
            "{kind}"
        );
        assert!(
            !tx.consume_code(ann.id, purpose, "a", NOW).await.unwrap(),
            "{kind}"
        );
        let late = NOW.plus_secs(601);
        assert!(
            !tx.consume_code(ann.id, purpose, "b", late).await.unwrap(),
            "{kind}"
        );
        for _ in 0..3 {
            tx.code_guess_failed(ann.id, purpose, 3).await.unwrap();
        }
        assert!(
            !tx.consume_code(ann.id, purpose, "b", NOW).await.unwrap(),
            "{kind}"
        );
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn deleting_an_account_takes_everything_hanging_on_it() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let claims = refresh_claims(ann.id, "s1");
        let mut tx = store.begin().await.unwrap();
        tx.insert_session(&session("s1", ann.id)).await.unwrap();
        tx.add_outstanding(&claims).await.unwrap();
        tx.enqueue_mail(&mail("ann@x.io", Some(ann.id)), NOW)
            .await
            .unwrap();
        tx.replace_codes(ann.id, CodePurpose::Recovery, &["r".into()], None, NOW)
            .await
            .unwrap();
        let new = EmailAddress::parse("new@x.io").unwrap();
        tx.put_pending_email(ann.id, &new, NOW).await.unwrap();
        let undo = EmailUndoRecord {
            token_hash: "t".into(),
            user_id: ann.id.0,
            old_email: "old@x.io".into(),
            new_email: "ann@x.io".into(),
            created_at: NOW.0,
            expires_at: NOW.0 + 60,
        };
        tx.insert_email_undo(&undo).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        tx.delete_user(ann.id).await.unwrap();
        tx.commit().await.unwrap();
        assert!(store.user_by_id(ann.id).await.unwrap().is_none(), "{kind}");
        assert!(store.session("s1").await.unwrap().is_none(), "{kind}");
        assert!(
            store.outstanding(&claims.jti).await.unwrap().is_none(),
            "{kind}"
        );
        assert!(
            store.claim_mail(NOW, NOW, 10).await.unwrap().is_empty(),
            "{kind}"
        );
        assert!(
            store.pending_email(ann.id).await.unwrap().is_none(),
            "{kind}"
        );
        assert!(store.email_undo("t").await.unwrap().is_none(), "{kind}");
        let codes = store
            .live_codes(ann.id, CodePurpose::Recovery, NOW)
            .await
            .unwrap();
        assert_eq!(codes, 0, "{kind}");
    });
}

#[tokio::test]
async fn due_mail_is_claimed_oldest_first_once_until_its_claim_runs_out() {
    each_store!(|store, kind| {
        let mut tx = store.begin().await.unwrap();
        for i in 0..5 {
            tx.enqueue_mail(&mail(&format!("u{i}@x.io"), None), NOW)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let until = NOW.plus_secs(60);
        let first = store.claim_mail(NOW, until, 2).await.unwrap();
        let second = store.claim_mail(NOW, until, 10).await.unwrap();
        let recipients = |rows: &[tessera_core::records::MailRecord]| -> Vec<String> {
            rows.iter().map(|r| r.recipient.clone()).collect()
        };
        assert_eq!(recipients(&first), ["u0@x.io", "u1@x.io"], "{kind}");
        assert_eq!(
            recipients(&second),
            ["u2@x.io", "u3@x.io", "u4@x.io"],
            "{kind}: another claim skips the claimed"
        );
        assert!(
            store.claim_mail(NOW, until, 10).await.unwrap().is_empty(),
            "{kind}"
        );
        // Delivered, failed for a retry, let go, or left to run out.
        store.mail_sent(first[0].id, NOW).await.unwrap();
        let retry = MailFailure {
            attempts: 1,
            retry_at: Some(NOW.plus_secs(30)),
            error: "refused".into(),
        };
        store.mail_failed(first[1].id, &retry).await.unwrap();
        store.release_mail(second[0].id).await.unwrap();
        let again = store.claim_mail(NOW, until, 10).await.unwrap();
        assert_eq!(recipients(&again), ["u2@x.io"], "{kind}: the one let go");
        let later = NOW.plus_secs(61);
        let after = store
            .claim_mail(later, later.plus_secs(60), 10)
            .await
            .unwrap();
        assert_eq!(
            recipients(&after),
            ["u1@x.io", "u2@x.io", "u3@x.io", "u4@x.io"],
            "{kind}: the retry due, and the claims run out"
        );
        assert_eq!(after[0].attempts, 1, "{kind}");
        // Given up: the error kept, the context (links, codes) gone.
        let give_up = MailFailure {
            attempts: 2,
            retry_at: None,
            error: "refused again".into(),
        };
        store.mail_failed(after[0].id, &give_up).await.unwrap();
        let much_later = NOW.plus_secs(3_600);
        let left = store.claim_mail(much_later, much_later, 10).await.unwrap();
        assert!(left.iter().all(|r| r.id != after[0].id), "{kind}");
    });
}

#[tokio::test]
async fn named_writes_touch_only_their_columns_and_a_rehash_loses_to_a_change() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let old = ann.password_hash.clone();
        let reset = StoredHash::from_stored("argon2$reset".into());
        let upgraded = StoredHash::from_stored("argon2$upgraded".into());
        let mut tx = store.begin().await.unwrap();
        tx.set_two_fa_enabled(ann.id, true).await.unwrap();
        tx.set_password_hash(ann.id, &reset).await.unwrap();
        assert!(
            !tx.upgrade_password_hash(ann.id, &old, &upgraded)
                .await
                .unwrap(),
            "{kind}: the reset committed first wins"
        );
        let mut edited = ann.clone();
        edited.lang = Lang::parse("fr").unwrap();
        edited.profile.city = "Lima".into();
        tx.save_profile(&edited).await.unwrap();
        tx.commit().await.unwrap();
        let now = store.user_by_id(ann.id).await.unwrap().unwrap();
        assert_eq!(now.password_hash.as_str(), "argon2$reset", "{kind}");
        assert!(now.two_fa_enabled, "{kind}: a profile write left 2FA alone");
        assert_eq!(
            (now.lang.as_str(), now.profile.city.as_str()),
            ("fr", "Lima"),
            "{kind}"
        );
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.upgrade_password_hash(ann.id, &reset, &upgraded)
                .await
                .unwrap(),
            "{kind}"
        );
        tx.commit().await.unwrap();
    });
}

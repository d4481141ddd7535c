//! Taking in another system's rows: accounts with their own ids (never over a row that is
//! there), new ids above every id taken, refresh tokens and TOTP factors only of accounts here.

use crate::support::*;
use tessera_core::records::ImportedTokenRecord;

/// ann as another system held her, under its id.
fn theirs(here: &User, id: i64, email: &str, username: &str) -> User {
    let mut u = here.clone();
    u.id = UserId(id);
    u.email = EmailAddress::parse(email).unwrap();
    u.username = tessera_core::domain::Username::from_trusted(username.to_owned());
    u.last_login = Some(NOW);
    u.two_fa_enabled = true;
    u
}

#[tokio::test]
async fn imported_accounts_keep_their_ids_and_never_overwrite() {
    each_store!(|store, kind| {
        let here = user(&store, "here@x.io", "here").await;
        let ann = theirs(&here, 41, "Ann@x.io", "ann");
        let mut tx = store.begin().await.unwrap();
        assert!(tx.import_user(&ann).await.unwrap(), "{kind}");
        assert!(
            !tx.import_user(&ann).await.unwrap(),
            "{kind}: the same id again"
        );
        let same_address = theirs(&here, 42, "ann@X.IO", "other");
        assert!(!tx.import_user(&same_address).await.unwrap(), "{kind}");
        let same_name = theirs(&here, 43, "other@x.io", "ann");
        assert!(!tx.import_user(&same_name).await.unwrap(), "{kind}");
        tx.follow_imported_ids(UserId(100)).await.unwrap();
        tx.commit().await.unwrap();
        let stored = store.user_by_id(UserId(41)).await.unwrap().unwrap();
        assert_eq!(stored, ann, "{kind}: every field as given");
        let next = user(&store, "next@x.io", "next").await;
        assert_eq!(
            next.id,
            UserId(101),
            "{kind}: new ids above the highest read"
        );
    });
}

#[tokio::test]
async fn imported_tokens_and_factors_need_their_account() {
    each_store!(|store, kind| {
        let ann = user(&store, "ann@x.io", "ann").await;
        let token = |jti: &str, user_id: i64, blacklisted_at: Option<i64>| ImportedTokenRecord {
            jti: jti.to_owned(),
            user_id,
            created_at: NOW.0,
            expires_at: NOW.0 + 86_400,
            blacklisted_at,
        };
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.import_refresh_token(&token("a", ann.id.0, None))
                .await
                .unwrap(),
            "{kind}"
        );
        assert!(
            !tx.import_refresh_token(&token("a", ann.id.0, None))
                .await
                .unwrap(),
            "{kind}"
        );
        assert!(
            !tx.import_refresh_token(&token("b", 999, None))
                .await
                .unwrap(),
            "{kind}"
        );
        let dropped = token("c", ann.id.0, Some(NOW.0 - 5));
        assert!(tx.import_refresh_token(&dropped).await.unwrap(), "{kind}");
        let factor = |user_id: i64| TotpFactorRecord {
            user_id,
            secret: "v1.sealed".into(),
            confirmed_at: Some(NOW.0),
            last_step: 7,
            created_at: NOW.0,
        };
        assert!(
            tx.import_totp_factor(&factor(ann.id.0)).await.unwrap(),
            "{kind}"
        );
        assert!(
            !tx.import_totp_factor(&factor(ann.id.0)).await.unwrap(),
            "{kind}"
        );
        assert!(
            !tx.import_totp_factor(&factor(999)).await.unwrap(),
            "{kind}"
        );
        tx.commit().await.unwrap();
        let issued = store.outstanding("a").await.unwrap().unwrap();
        assert!(!issued.blacklisted && issued.session_id.is_none(), "{kind}");
        assert!(
            store.outstanding("c").await.unwrap().unwrap().blacklisted,
            "{kind}"
        );
        assert!(store.outstanding("b").await.unwrap().is_none(), "{kind}");
        let stored = store.totp_factor(ann.id).await.unwrap().unwrap();
        assert_eq!(stored.last_step, 7, "{kind}");
    });
}

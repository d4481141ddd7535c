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
        assert_eq!(
            tx.import_users(std::slice::from_ref(&ann)).await.unwrap(),
            [true],
            "{kind}"
        );
        assert_eq!(
            tx.import_users(std::slice::from_ref(&ann)).await.unwrap(),
            [false],
            "{kind}: the same id again"
        );
        let same_address = theirs(&here, 42, "ann@X.IO", "other");
        let same_name = theirs(&here, 43, "other@x.io", "ann");
        let fresh = theirs(&here, 44, "bo@x.io", "bo");
        assert_eq!(
            tx.import_users(&[same_address, fresh, same_name])
                .await
                .unwrap(),
            [false, true, false],
            "{kind}"
        );
        // Rows of one batch meet each other as they meet rows here.
        let batch = [
            theirs(&here, 50, "cy@x.io", "cy"),
            theirs(&here, 50, "cy2@x.io", "cy2"),
            theirs(&here, 51, "CY@x.io", "cy3"),
            theirs(&here, 52, "di@x.io", "cy"),
            theirs(&here, 53, "di@x.io", "di"),
        ];
        assert_eq!(
            tx.import_users(&batch).await.unwrap(),
            [true, false, false, false, true],
            "{kind}"
        );
        assert!(tx.import_users(&[]).await.unwrap().is_empty(), "{kind}");
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
        assert_eq!(
            tx.import_refresh_tokens(&[token("a", ann.id.0, None)])
                .await
                .unwrap(),
            [true],
            "{kind}"
        );
        let dropped = token("c", ann.id.0, Some(NOW.0 - 5));
        assert_eq!(
            tx.import_refresh_tokens(&[
                token("a", ann.id.0, None),
                token("b", 999, None),
                dropped.clone(),
                dropped,
            ])
            .await
            .unwrap(),
            [false, false, true, false],
            "{kind}: known, without account, new, twice in the batch"
        );
        let factor = |user_id: i64, last_step: i64| TotpFactorRecord {
            user_id,
            secret: "v1.sealed".into(),
            confirmed_at: Some(NOW.0),
            last_step,
            created_at: NOW.0,
        };
        assert_eq!(
            tx.import_totp_factors(&[factor(ann.id.0, 7), factor(ann.id.0, 8)])
                .await
                .unwrap(),
            [true, false],
            "{kind}: one factor an account, the first of the batch"
        );
        assert_eq!(
            tx.import_totp_factors(&[factor(ann.id.0, 9), factor(999, 7)])
                .await
                .unwrap(),
            [false, false],
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

//! Accounts: unique conflicts by field, rollback, cascades on delete, named writes.

use crate::support::*;
use tessera_core::mail::Channel;

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
async fn a_service_secret_upgrade_loses_to_a_rotation() {
    each_store!(|store, kind| {
        store.add_service("game", "old", NOW).await.unwrap();
        let upgrade = async |from: &str, to: &str| {
            store
                .upgrade_service_secret("game", from, to)
                .await
                .unwrap()
        };
        assert!(upgrade("old", "new").await, "{kind}");
        assert!(
            !upgrade("old", "newer").await,
            "{kind}: no longer the stored hash"
        );
        store
            .set_service_secret("game", "rotated", NOW)
            .await
            .unwrap();
        assert!(
            !upgrade("new", "upgraded").await,
            "{kind}: the rotation wins"
        );
        let stored = store.service("game").await.unwrap().unwrap();
        assert_eq!(stored.secret_hash, "rotated", "{kind}");
        assert!(
            !store
                .upgrade_service_secret("nope", "old", "new")
                .await
                .unwrap(),
            "{kind}"
        );
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
            store
                .claim_outbox(Channel::Mail, NOW, NOW, 10)
                .await
                .unwrap()
                .is_empty(),
            "{kind}"
        );
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
            store
                .claim_outbox(Channel::Mail, NOW, NOW, 10)
                .await
                .unwrap()
                .is_empty(),
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

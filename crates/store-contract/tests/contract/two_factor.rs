//! Two-factor state: a TOTP step and a confirmation accepted once, one-time codes.

use crate::support::*;

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

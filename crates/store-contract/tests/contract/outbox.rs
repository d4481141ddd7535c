//! The outbox: due mail claimed oldest first, once, until the claim runs out.

use crate::support::*;

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

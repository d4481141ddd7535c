//! The outbox: due mail claimed oldest first, once, until the claim runs out.

use crate::support::*;
use tessera_core::mail::Channel;

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
        let first = store
            .claim_outbox(Channel::Mail, NOW, until, 2)
            .await
            .unwrap();
        let second = store
            .claim_outbox(Channel::Mail, NOW, until, 10)
            .await
            .unwrap();
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
            store
                .claim_outbox(Channel::Mail, NOW, until, 10)
                .await
                .unwrap()
                .is_empty(),
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
        let again = store
            .claim_outbox(Channel::Mail, NOW, until, 10)
            .await
            .unwrap();
        assert_eq!(recipients(&again), ["u2@x.io"], "{kind}: the one let go");
        let later = NOW.plus_secs(61);
        let after = store
            .claim_outbox(Channel::Mail, later, later.plus_secs(60), 10)
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
        let left = store
            .claim_outbox(Channel::Mail, much_later, much_later, 10)
            .await
            .unwrap();
        assert!(left.iter().all(|r| r.id != after[0].id), "{kind}");
    });
}

#[tokio::test]
async fn webhook_rows_are_their_own_channel_and_outlive_their_account() {
    each_store!(|store, kind| {
        let owner = user(&store, "hooked@x.io", "hooked").await;
        let mut tx = store.begin().await.unwrap();
        tx.enqueue_mail(&mail("hooked@x.io", Some(owner.id)), NOW)
            .await
            .unwrap();
        let hook = tessera_core::mail::NewWebhook {
            kind: "account.deleted",
            url: "http://hooks.test/in".into(),
            body: r#"{"type":"account.deleted"}"#.into(),
        };
        tx.enqueue_webhook(&hook, NOW).await.unwrap();
        let queued = tx.queued();
        assert_eq!((queued.mails, queued.webhooks), (1, 1), "{kind}");
        tx.delete_user(owner.id).await.unwrap();
        tx.commit().await.unwrap();
        let until = NOW.plus_secs(60);
        // The account's mail went with it; its webhook did not.
        let mails = store
            .claim_outbox(Channel::Mail, NOW, until, 10)
            .await
            .unwrap();
        assert!(mails.is_empty(), "{kind}");
        let hooks = store
            .claim_outbox(Channel::Webhook, NOW, until, 10)
            .await
            .unwrap();
        assert_eq!(hooks.len(), 1, "{kind}");
        assert_eq!(hooks[0].recipient, "http://hooks.test/in", "{kind}");
        assert_eq!(hooks[0].kind, "account.deleted", "{kind}");
        // Given up, a webhook keeps its body (it carries no secret) for a retry.
        let give_up = MailFailure {
            attempts: 8,
            retry_at: None,
            error: "answered 500".into(),
        };
        store.mail_failed(hooks[0].id, &give_up).await.unwrap();
        assert!(store.outbox_depth().await.unwrap().pending == 0, "{kind}");
        let later = NOW.plus_secs(3_600);
        let again = store
            .claim_outbox(Channel::Webhook, later, later, 10)
            .await
            .unwrap();
        assert!(again.is_empty(), "{kind}");
    });
}

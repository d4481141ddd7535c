//! Sessions and refresh tokens: blacklisting results, ending sessions, the bearer read.

use crate::support::*;

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

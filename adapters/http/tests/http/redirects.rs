//! The bearer token goes to the API's origin only: a redirect to another origin (here another
//! loopback port) is not followed by any authenticated call — GET, POST, `/run_sse`, the
//! download fallback — not even a later hop inside that origin; the tokenless CDN download
//! follows redirects.

use nemo_core::error::ApiError;
use nemo_core::ids::RenderId;
use nemo_core::ports::{Backend, NoProgress};

use crate::server::{Answer, Server, harness, http, sid, token};

/// `302 Location: to`.
fn redirect(to: &str) -> Answer {
    Answer::Raw(http(302, &[("location", to)], b""))
}

/// A second origin that redirects to itself once per call, then serves `body`.
async fn other_origin(calls: usize, body: &[u8]) -> Server {
    Server::start_with(|url| {
        (0..calls).flat_map(|_| [redirect(&format!("{url}/hop2")), Answer::Raw(http(200, &[], body))]).collect()
    })
    .await
}

fn assert_not_followed(result: Result<impl std::fmt::Debug, ApiError>) {
    match result {
        Err(ApiError::BadReply { status: 302, reason, .. }) => assert!(reason.contains("not followed"), "{reason}"),
        other => panic!("expected an unfollowed redirect, got {other:?}"),
    }
}

#[tokio::test]
async fn no_authenticated_call_follows_a_redirect_to_another_origin() {
    let b_site = other_origin(4, br#"{"code":0,"data":{"available":1,"frozen":0,"total":1}}"#).await;
    let to_b = format!("{}/hop1", b_site.url);
    let h = harness(vec![redirect(&to_b), redirect(&to_b), redirect(&to_b), redirect(&to_b)]).await;
    let id = RenderId::parse("render_1").unwrap();

    assert_not_followed(h.backend.credits(&token()).await);
    assert_not_followed(h.backend.create_session(&token(), "trip", None).await);
    assert_not_followed(h.backend.send_message(&token(), &sid(), "hi").await.map(|_| ()));
    assert_not_followed(h.backend.download_render(&token(), &id, &h.path("out.mp4"), &NoProgress).await);

    let leaked: Vec<_> = b_site.requests().into_iter().filter(|r| r.header("authorization").is_some()).collect();
    assert!(leaked.is_empty(), "the token reached another origin: {leaked:?}");
    assert_eq!(h.server.requests().len(), 4);
    assert!(!std::path::Path::new(&h.path("out.mp4.part")).exists());
}

#[tokio::test]
async fn the_tokenless_cdn_download_follows_redirects() {
    let b_site = other_origin(1, b"video").await;
    let h = harness(vec![redirect(&format!("{}/hop1", b_site.url))]).await;
    let dest = h.path("out.mp4");
    let cdn = format!("{}/cdn/out.mp4", h.server.url);
    assert_eq!(h.backend.download_url(&cdn, &dest, &NoProgress).await.unwrap(), 5);
    assert_eq!(std::fs::read(&dest).unwrap(), b"video");
    assert!(b_site.requests().iter().all(|r| r.header("authorization").is_none()));
    assert_eq!(b_site.requests().len(), 2);
}

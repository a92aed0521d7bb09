//! What goes on the wire: headers on every call, the token only in `Authorization`, bodies
//! exactly per the contract; and both envelopes on the way back.

use nemo_core::draft::Draft;
use nemo_core::ids::{ClientId, RenderId, TaskId};
use nemo_core::media::MediaUrl;
use nemo_core::model::{RenderPhase, RenderRequest};
use nemo_core::ports::{Backend, NoProgress};

use crate::server::{Answer, TOKEN, harness, http, json, sid, sse_head, token};

const OK_EMPTY: &str = r#"{"code":0,"message":"ok","data":{}}"#;

#[tokio::test]
async fn every_call_carries_attribution_and_the_token_only_where_it_belongs() {
    let h = harness(vec![
        json(200, r#"{"code":0,"data":{"token":"nmv_usr_new","user_id":"anon_1","expires_at":"2026-01-08T00:00:00Z","credits":100}}"#),
        json(200, r#"{"code":0,"data":{"task_id":"t1","session_id":"7301234567890123456"}}"#),
        json(200, r#"{"code":0,"data":{"claim_token":"clm_1","expires_in":604800}}"#),
        Answer::Raw([sse_head(), b"data: {\"type\":\"heartbeat\"}\n\n".to_vec()].concat()),
        json(200, r#"{"code":0,"data":{"files":[],"session_state_applied":true}}"#),
        json(200, OK_EMPTY),
        json(200, r#"{"code":0,"data":{"available":90,"frozen":10,"total":100}}"#),
        json(200, r#"{"success":true,"data":{"id":"render_1","status":"pending","progress":0}}"#),
        json(200, r#"{"success":true,"data":{"id":"render_1","status":"processing","progress":40}}"#),
        json(200, r#"{"success":true}"#),
        Answer::Raw(http(200, &[], b"video")),
        Answer::Raw(http(200, &[], b"video")),
    ])
    .await;
    let b = &h.backend;
    let client = ClientId::generate();
    let grant = b.anonymous_token(&client).await.unwrap();
    assert_eq!((grant.user_id.as_str(), grant.credits), ("anon_1", 100));
    let session = b.create_session(&token(), "trip", Some("en")).await.unwrap();
    assert_eq!(session.session_id, sid());
    let claim = b.claim_token(&token(), &TaskId::parse("t1").unwrap(), &sid()).await.unwrap();
    assert_eq!(claim.claim_token, "clm_1");
    let events: Vec<_> = futures::StreamExt::collect(b.send_message(&token(), &sid(), "hi").await.unwrap()).await;
    assert_eq!(events.len(), 1);
    let urls = [MediaUrl::check("https://x.test/a.mp4").unwrap()];
    assert!(b.upload_urls(&token(), &sid(), &urls).await.unwrap().session_state_applied);
    assert_eq!(b.state(&token(), &sid()).await.unwrap(), Default::default());
    assert_eq!(b.credits(&token()).await.unwrap().available, 90);
    let id = RenderId::parse("render_1").unwrap();
    let draft = Draft::from_json(r#"{"t":[{"tt":0,"sg":[{}]}]}"#).unwrap();
    let request = RenderRequest { id: id.clone(), session_id: sid(), draft };
    assert_eq!(b.submit_render(&token(), &request).await.unwrap().phase, RenderPhase::Pending);
    assert_eq!(b.render_status(&token(), &id).await.unwrap().progress, 40);
    b.cancel_render(&token(), &id).await.unwrap();
    let cdn = format!("{}/cdn/out.mp4", h.server.url);
    assert_eq!(b.download_url(&cdn, &h.path("a.mp4"), &NoProgress).await.unwrap(), 5);
    assert_eq!(b.download_render(&token(), &id, &h.path("b.mp4"), &NoProgress).await.unwrap(), 5);

    let requests = h.server.requests();
    let seen: Vec<(String, String, bool)> =
        requests.iter().map(|r| (r.method.clone(), r.path.clone(), r.header("authorization").is_some())).collect();
    let expected = [
        ("POST", "/api/auth/anonymous-token", false),
        ("POST", "/api/tasks/me/with-session/nemo_agent", true),
        ("POST", "/api/auth/claim-token", true),
        ("POST", "/run_sse", true),
        ("POST", "/api/upload-video/nemo_agent/me/7301234567890123456", true),
        ("GET", "/api/state/nemo_agent/me/7301234567890123456/latest", true),
        ("GET", "/api/credits/balance/simple", true),
        ("POST", "/api/render/proxy/lambda", true),
        ("GET", "/api/render/proxy/lambda/render_1", true),
        ("POST", "/api/render/proxy/lambda/render_1/cancel", true),
        ("GET", "/cdn/out.mp4", false),
        ("GET", "/api/render/proxy/render_1/download", true),
    ];
    let expected: Vec<(String, String, bool)> =
        expected.iter().map(|(m, p, a)| ((*m).to_owned(), (*p).to_owned(), *a)).collect();
    assert_eq!(seen, expected);
    for r in &requests {
        assert_eq!(r.header("x-skill-source"), Some("nemo-video"), "{}", r.path);
        assert_eq!(r.header("x-skill-version"), Some("1.9"), "{}", r.path);
        assert_eq!(r.header("x-skill-platform"), Some("clawhub"), "{}", r.path);
        assert!(!r.path.contains(TOKEN), "{}", r.path);
        if let Some(auth) = r.header("authorization") {
            assert_eq!(auth, format!("Bearer {TOKEN}"));
        }
    }
    assert_eq!(requests[0].header("x-client-id"), Some(client.to_string().as_str()));
    assert_eq!(requests[3].header("accept"), Some("text/event-stream"));
    assert_eq!(requests[1].text(), r#"{"task_name":"trip","language":"en"}"#);
    assert_eq!(requests[2].text(), r#"{"task_id":"t1","session_id":"7301234567890123456"}"#);
    assert_eq!(
        requests[3].text(),
        r#"{"app_name":"nemo_agent","user_id":"me","session_id":"7301234567890123456","new_message":{"parts":[{"text":"hi"}]}}"#
    );
    assert_eq!(requests[4].text(), r#"{"urls":["https://x.test/a.mp4"],"source_type":"url"}"#);
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn the_render_body_carries_the_draft_bytes_exactly() {
    let draft_text = "{ \"t\" : [ {\"tt\":0, \"sg\":[{\"x\":1.50000000000000000001}]} ],\n \"big\": 123456789012345678901234567890, \"u\":\"\\u00e9\\ud83d\\ude00\", \"zz\":{} }";
    let h =
        harness(vec![json(200, r#"{"success":true,"data":{"id":"render_7","status":"pending","progress":0}}"#)]).await;
    let request = RenderRequest {
        id: RenderId::parse("render_7").unwrap(),
        session_id: sid(),
        draft: Draft::from_json(draft_text).unwrap(),
    };
    h.backend.submit_render(&token(), &request).await.unwrap();
    let body = h.server.requests()[0].text();
    assert_eq!(
        body,
        format!(
            r#"{{"id":"render_7","sessionId":"7301234567890123456","draft":{draft_text},"output":{{"format":"mp4","quality":"high"}}}}"#
        )
    );
}

#[tokio::test]
async fn the_token_never_shows_in_errors_or_debug() {
    let h = harness(vec![json(
        200,
        r#"{"code":0,"data":{"token":"nmv_usr_leak","user_id":"anon_1","expires_at":"soon"}}"#,
    )])
    .await;
    let error = h.backend.anonymous_token(&ClientId::generate()).await.unwrap_err();
    let text = format!("{error} {error:?} {:?}", h.backend);
    assert!(!text.contains("nmv_usr_"), "{text}");
}

//! The contract cases: what any implementation of the backend port must answer, each as a
//! function over a [`Harness`], so the same assertions run against every implementation.

use std::time::Duration;

use futures::StreamExt;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::{ApiError, ErrorCode};
use nemo_core::ids::{ClientId, RenderId, SessionId, Token};
use nemo_core::media::{MediaKind, MediaUrl};
use nemo_core::model::{RenderPhase, RenderRequest};
use nemo_core::ports::NoProgress;
use nemo_fake::{Endpoint, Fault};

use super::Harness;

/// A connected account with a session holding one uploaded clip.
struct Session {
    token: Token,
    session: SessionId,
}

async fn token(h: &Harness) -> Token {
    h.backend.anonymous_token(&ClientId::generate()).await.expect("anonymous token").token
}

async fn session_with_clip(h: &Harness) -> Session {
    let token = token(h).await;
    let session = h.backend.create_session(&token, "contract", Some("en")).await.expect("session").session_id;
    let clip = h.media_file("clip.mp4", 64 * 1024);
    h.backend.upload_file(&token, &session, &clip, &NoProgress).await.expect("upload");
    Session { token, session }
}

/// The events of a turn in a comparable form: the kinds in order (consecutive deltas as one)
/// and the concatenated delta text.
async fn turn(h: &Harness, s: &Session, message: &str) -> (Vec<&'static str>, String) {
    let mut stream = h.backend.send_message(&s.token, &s.session, message).await.expect("stream");
    let (mut kinds, mut text) = (Vec::new(), String::new());
    while let Some(event) = stream.next().await {
        let kind = match event.expect("no drop") {
            ChatEvent::Text { text: delta, partial: true } => {
                text.push_str(&delta);
                "delta"
            }
            ChatEvent::Text { partial: false, .. } => "text",
            ChatEvent::ToolCall { .. } => "tool_call",
            ChatEvent::ToolResult { .. } => "tool_result",
            ChatEvent::TurnComplete => "turn_complete",
            ChatEvent::Heartbeat => continue,
            other => panic!("unexpected event {other:?}"),
        };
        if kinds.last() != Some(&kind) || kind != "delta" {
            kinds.push(kind);
        }
    }
    (kinds, text)
}

fn code(result: Result<impl std::fmt::Debug, ApiError>) -> Option<ErrorCode> {
    result.expect_err("a refusal").error_code()
}

pub async fn anonymous_tokens_are_fresh_starter_accounts(h: &Harness) {
    let grant = h.backend.anonymous_token(&ClientId::generate()).await.unwrap();
    assert!(grant.token.expose().starts_with("nmv_usr_"));
    assert!(grant.user_id.is_anonymous());
    assert_eq!(grant.credits, 100);
    assert_eq!(grant.expires_at.since(h.clock_now()), Duration::from_secs(7 * 24 * 3600));
}

pub async fn the_same_client_id_renews_the_token_and_revokes_the_old_one(h: &Harness) {
    let id = ClientId::generate();
    let first = h.backend.anonymous_token(&id).await.unwrap();
    let second = h.backend.anonymous_token(&id).await.unwrap();
    assert_eq!(first.user_id, second.user_id);
    assert_ne!(first.token, second.token);
    assert_eq!(code(h.backend.credits(&first.token).await), Some(ErrorCode::TokenInvalid));
    assert!(h.backend.credits(&second.token).await.is_ok());
}

pub async fn sessions_claim_links_and_credits(h: &Harness) {
    let token = token(h).await;
    let session = h.backend.create_session(&token, "demo", None).await.unwrap();
    assert_eq!(session.session_id.as_str().len(), 19);
    assert!(session.session_id.as_str().bytes().all(|b| b.is_ascii_digit()));
    let claim = h.backend.claim_token(&token, &session.task_id, &session.session_id).await.unwrap();
    assert!(claim.claim_token.starts_with("clm_"));
    assert_eq!(claim.expires_in, 604_800);
    let credits = h.backend.credits(&token).await.unwrap();
    assert_eq!((credits.available, credits.frozen, credits.total), (100, 0, 100));
}

pub async fn a_fresh_session_has_an_empty_draft(h: &Harness) {
    let token = token(h).await;
    let session = h.backend.create_session(&token, "empty", None).await.unwrap().session_id;
    let state = h.backend.state(&token, &session).await.unwrap();
    let draft = state.draft.expect("a draft");
    assert!(!draft.is_export_ready());
    assert_eq!(draft.summary(), "Timeline (0 tracks)");
    assert!(state.video_infos.is_empty());
}

pub async fn an_unknown_session_is_1002(h: &Harness) {
    let token = token(h).await;
    let missing = SessionId::parse("1234567890123456789").unwrap();
    assert_eq!(code(h.backend.state(&token, &missing).await), Some(ErrorCode::SessionNotFound));
}

pub async fn an_uploaded_clip_becomes_a_video_track(h: &Harness) {
    let s = session_with_clip(h).await;
    let state = h.backend.state(&s.token, &s.session).await.unwrap();
    let asset = &state.video_infos[0];
    assert_eq!((asset.filename.as_str(), asset.kind), ("clip.mp4", Some(MediaKind::Video)));
    assert_eq!(asset.duration_s, Some(10.0));
    let draft = state.draft.unwrap();
    assert!(draft.is_export_ready());
    assert_eq!(draft.summary(), "Timeline (1 track): 1. Video: clip (0-10s)");
}

pub async fn urls_are_uploaded_by_reference(h: &Harness) {
    let token = token(h).await;
    let session = h.backend.create_session(&token, "urls", None).await.unwrap().session_id;
    let url = MediaUrl::check("https://example.com/media/intro.mp4").unwrap();
    let result = h.backend.upload_urls(&token, &session, &[url]).await.unwrap();
    assert_eq!(result.files.len(), 1);
    assert_eq!(result.files[0].kind, Some(MediaKind::Video));
}

pub async fn a_music_turn_streams_tool_events_then_deltas_then_the_whole_text(h: &Harness) {
    let s = session_with_clip(h).await;
    let (kinds, text) = turn(h, &s, "add music").await;
    assert_eq!(kinds, ["tool_call", "tool_result", "delta", "text", "turn_complete"]);
    assert!(text.contains("Click the Export button"), "{text}");
    let credits = h.backend.credits(&s.token).await.unwrap();
    assert_eq!((credits.available, credits.frozen), (50, 0), "the session's first edit cost 50");
}

pub async fn a_title_turn_is_silent(h: &Harness) {
    let s = session_with_clip(h).await;
    let (kinds, _) = turn(h, &s, "add a title 'Paradise Found'").await;
    assert_eq!(kinds, ["tool_call", "tool_result", "turn_complete"]);
    let draft = h.backend.state(&s.token, &s.session).await.unwrap().draft.unwrap();
    assert!(draft.summary().ends_with(r#"2. Title: "Paradise Found" (0-3s)"#), "{}", draft.summary());
}

pub async fn a_dropped_stream_ends_with_maybe_sent(h: &Harness) {
    let s = session_with_clip(h).await;
    h.fake.inject(Endpoint::SendMessage, Fault::DropStream { after_events: 1, edit_applied: true });
    let mut stream = h.backend.send_message(&s.token, &s.session, "add music").await.unwrap();
    let mut last = None;
    while let Some(item) = stream.next().await {
        last = Some(item);
    }
    assert!(matches!(last, Some(Err(ApiError::MaybeSent(_)))), "{last:?}");
}

pub async fn a_render_goes_pending_processing_completed_and_downloads(h: &Harness) {
    let s = session_with_clip(h).await;
    let draft = h.backend.state(&s.token, &s.session).await.unwrap().draft.unwrap();
    let id = RenderId::from_unix_ms(h.clock_now().unix_ms());
    let request = RenderRequest { id: id.clone(), session_id: s.session.clone(), draft };
    let submitted = h.backend.submit_render(&s.token, &request).await.unwrap();
    assert_eq!((submitted.id.clone(), submitted.phase), (id.clone(), RenderPhase::Pending));

    h.advance(Duration::from_secs(3));
    let halfway = h.backend.render_status(&s.token, &id).await.unwrap();
    assert_eq!(halfway.phase, RenderPhase::Processing);
    assert!((1..100).contains(&halfway.progress), "{}", halfway.progress);

    h.advance(Duration::from_secs(10));
    let done = h.backend.render_status(&s.token, &id).await.unwrap();
    assert_eq!(done.phase, RenderPhase::Completed);
    let url = done.output_url.expect("a result URL");

    let (direct, fallback) = (h.output("direct.mp4"), h.output("fallback.mp4"));
    let bytes = h.backend.download_url(&url, &direct, &NoProgress).await.unwrap();
    let again = h.backend.download_render(&s.token, &id, &fallback, &NoProgress).await.unwrap();
    assert_eq!(bytes, again);
    assert_eq!(std::fs::read(&direct).unwrap(), std::fs::read(&fallback).unwrap());
    assert!(!std::path::Path::new(&format!("{direct}.part")).exists());
}

pub async fn a_duplicate_render_id_is_refused(h: &Harness) {
    let s = session_with_clip(h).await;
    let draft = h.backend.state(&s.token, &s.session).await.unwrap().draft.unwrap();
    let request = RenderRequest { id: RenderId::from_unix_ms(1), session_id: s.session.clone(), draft };
    h.backend.submit_render(&s.token, &request).await.unwrap();
    let again = h.backend.submit_render(&s.token, &request).await;
    assert!(matches!(again, Err(ApiError::Refused(_))), "{again:?}");
}

pub async fn a_cancelled_render_fails(h: &Harness) {
    let s = session_with_clip(h).await;
    let draft = h.backend.state(&s.token, &s.session).await.unwrap().draft.unwrap();
    let id = RenderId::from_unix_ms(2);
    let request = RenderRequest { id: id.clone(), session_id: s.session.clone(), draft };
    h.backend.submit_render(&s.token, &request).await.unwrap();
    h.backend.cancel_render(&s.token, &id).await.unwrap();
    assert_eq!(h.backend.render_status(&s.token, &id).await.unwrap().phase, RenderPhase::Failed);
}

pub async fn every_error_code_arrives_as_its_row_of_the_table(h: &Harness) {
    let token = token(h).await;
    for (fault, expected) in [
        (ApiError::code(1001, "expired"), ErrorCode::TokenInvalid),
        (ApiError::code(1002, "no session"), ErrorCode::SessionNotFound),
        (ApiError::code(2001, "no credits"), ErrorCode::NoCredits),
        (ApiError::code(4001, "unsupported"), ErrorCode::UnsupportedFile),
        (ApiError::code(4002, "too large"), ErrorCode::FileTooLarge),
        (ApiError::status(401, "unauthorized"), ErrorCode::TokenInvalid),
        (ApiError::status(402, "free plan export blocked"), ErrorCode::ExportBlocked),
        (ApiError::status(503, "busy"), ErrorCode::Transient),
    ] {
        h.fake.inject(Endpoint::Credits, Fault::Fail(fault));
        assert_eq!(code(h.backend.credits(&token).await), Some(expected));
    }
}

pub async fn a_rate_limit_carries_its_retry_after(h: &Harness) {
    let token = token(h).await;
    let limited = ApiError::Refused(nemo_core::error::Refusal {
        status: 429,
        code: None,
        message: "slow down".into(),
        retry_after: Some(Duration::from_secs(30)),
    });
    h.fake.inject(Endpoint::Credits, Fault::Fail(limited));
    let error = h.backend.credits(&token).await.unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::RateLimited));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
}

pub async fn a_refused_message_fails_before_any_event(h: &Harness) {
    let s = session_with_clip(h).await;
    h.fake.inject(Endpoint::SendMessage, Fault::Fail(ApiError::code(2001, "no credits")));
    let refused = h.backend.send_message(&s.token, &s.session, "add music").await.map(|_| ());
    assert_eq!(code(refused), Some(ErrorCode::NoCredits));
}

pub async fn a_working_agent_sends_heartbeats_only(h: &Harness) {
    let s = session_with_clip(h).await;
    h.fake.inject(Endpoint::SendMessage, Fault::HeartbeatsOnly { duration: Duration::from_secs(90) });
    let events: Vec<_> = h.backend.send_message(&s.token, &s.session, "add music").await.unwrap().collect().await;
    assert_eq!(events.len(), 3, "one heartbeat per 30 s: {events:?}");
    assert!(events.iter().all(|e| matches!(e, Ok(ChatEvent::Heartbeat))), "{events:?}");
}

/// Submits the session's draft under `id`, shaped by a submit `fault` if any, and lets the
/// render run to its end.
async fn finished_render(h: &Harness, s: &Session, id: u64, fault: Option<Fault>) -> RenderId {
    let draft = h.backend.state(&s.token, &s.session).await.unwrap().draft.unwrap();
    let id = RenderId::from_unix_ms(id);
    if let Some(fault) = fault {
        h.fake.inject(Endpoint::SubmitRender, fault);
    }
    let request = RenderRequest { id: id.clone(), session_id: s.session.clone(), draft };
    h.backend.submit_render(&s.token, &request).await.unwrap();
    h.advance(Duration::from_secs(60));
    id
}

pub async fn a_failed_render_says_why(h: &Harness) {
    let s = session_with_clip(h).await;
    let id = finished_render(h, &s, 3, Some(Fault::RenderFails { reason: "codec exploded".into() })).await;
    let status = h.backend.render_status(&s.token, &id).await.unwrap();
    assert_eq!((status.phase, status.error.as_deref()), (RenderPhase::Failed, Some("codec exploded")));
}

pub async fn completed_without_a_url_is_still_completed(h: &Harness) {
    let s = session_with_clip(h).await;
    let id = finished_render(h, &s, 4, Some(Fault::NoOutputUrl { polls: 1 })).await;
    let first = h.backend.render_status(&s.token, &id).await.unwrap();
    assert_eq!((first.phase, first.output_url), (RenderPhase::Completed, None));
    let second = h.backend.render_status(&s.token, &id).await.unwrap();
    assert!(second.output_url.is_some());
}

pub async fn a_cdn_outage_is_a_404_and_the_fallback_route_still_serves(h: &Harness) {
    let s = session_with_clip(h).await;
    let id = finished_render(h, &s, 5, None).await;
    let url = h.backend.render_status(&s.token, &id).await.unwrap().output_url.expect("a URL");
    h.fake.inject(Endpoint::DownloadUrl, Fault::CdnDown);
    let dest = h.output("cdn.mp4");
    let refused = h.backend.download_url(&url, &dest, &NoProgress).await;
    assert!(matches!(&refused, Err(ApiError::Refused(r)) if r.status == 404), "{refused:?}");
    assert!(!std::path::Path::new(&dest).exists());
    assert!(h.backend.download_render(&s.token, &id, &dest, &NoProgress).await.unwrap() > 0);
}

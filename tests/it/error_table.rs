//! One test per row of the wire contract's error table (§3): what the user is told, what was
//! sent, and that nothing was sent twice.

use std::time::Duration;

use nemo_core::error::{ApiError, Error, Refusal};
use nemo_core::ids::{ClientId, Token};
use nemo_core::model::TokenOrigin;
use nemo_core::service::{Settings, check_file};
use nemo_fake::{Endpoint, FakeConfig, Fault, StoreContents};

use crate::support::{World, secs};

fn refusal(status: u16, retry_after: Option<Duration>) -> ApiError {
    ApiError::Refused(Refusal { status, code: None, message: String::new(), retry_after })
}

#[tokio::test]
async fn code_1001_renews_the_token_with_the_same_client_id_and_retries_once() {
    let world = World::new();
    world.nemo.login(&world.progress).await.unwrap();
    let client_id = world.stored().client_id.expect("a client id was persisted");
    let first_token = world.stored().credentials.unwrap().token;

    world.fake.inject(Endpoint::Credits, Fault::Fail(ApiError::code(1001, "token expired")));
    let credits = world.nemo.credits(&world.progress).await.expect("renewed and retried");

    assert_eq!(credits.available, 100);
    let tokens = world.calls_to(Endpoint::AnonymousToken);
    assert_eq!(tokens.len(), 2, "one token at login, one renewal");
    assert!(tokens.iter().all(|c| c.detail == client_id.to_string()), "the same client id both times");
    assert_ne!(world.stored().credentials.unwrap().token, first_token, "the stored token was replaced");
    assert_eq!(world.calls_to(Endpoint::Credits).len(), 3, "login, the refused call, the one retry");
}

#[tokio::test]
async fn code_1001_with_a_nemo_token_is_reported_not_replaced() {
    let world = World::new();
    world.nemo.login(&world.progress).await.unwrap();
    let token = world.stored().credentials.unwrap().token;
    let env = World::with_settings(Settings { env_token: Some(token), ..Settings::default() });
    env.fake.inject(Endpoint::Credits, Fault::Fail(ApiError::code(1001, "token expired")));

    let error = env.nemo.credits(&env.progress).await.unwrap_err();

    assert_eq!(error, Error::NotAuthenticated { from_env: true });
    assert_eq!(error.exit().code(), 3);
    assert!(error.hint().contains("NEMO_TOKEN"));
    assert!(env.calls_to(Endpoint::AnonymousToken).is_empty(), "the user's own token is never replaced");
    assert!(env.stored().credentials.is_none());
}

#[tokio::test]
async fn code_1001_again_after_renewal_is_not_authenticated() {
    let world = World::new();
    world.fake.inject(Endpoint::Credits, Fault::Fail(ApiError::code(1001, "expired")));
    world.fake.inject(Endpoint::Credits, Fault::Fail(ApiError::code(1001, "expired")));

    let error = world.nemo.credits(&world.progress).await.unwrap_err();

    assert_eq!(error.exit().code(), 3);
    assert_eq!(world.calls_to(Endpoint::Credits).len(), 2, "renewed once, never twice");
}

#[tokio::test]
async fn http_401_is_treated_like_1001() {
    let world = World::new();
    world.fake.inject(Endpoint::Credits, Fault::Fail(refusal(401, None)));
    assert!(world.nemo.credits(&world.progress).await.is_ok());
    assert_eq!(world.calls_to(Endpoint::AnonymousToken).len(), 2);
}

#[tokio::test]
async fn code_1002_creates_a_new_session_tells_the_user_and_retries_a_read_once() {
    let world = World::new();
    let project = world.project_with_clip().await;
    world.fake.inject(Endpoint::State, Fault::Fail(ApiError::code(1002, "session not found")));

    let report = world.nemo.tracks(&world.progress).await.expect("recovered");

    assert_ne!(report.project.session_id, project.session_id, "a new session");
    assert_eq!(report.project.name, project.name);
    assert_eq!(world.calls_to(Endpoint::CreateSession).len(), 1);
    assert_eq!(world.calls_to(Endpoint::State).len(), 2);
    assert!(world.notices().iter().any(|n| n.contains("created a new session")), "the user is told");
    assert_eq!(world.nemo.current_project().await.unwrap().session_id, report.project.session_id);
}

#[tokio::test]
async fn code_1002_on_a_chat_message_never_resends_it() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::Fail(ApiError::code(1002, "session not found")));

    let error = world.nemo.chat("add music", &world.progress).await.unwrap_err();

    assert!(matches!(error, Error::SessionReplaced { .. }), "{error:?}");
    assert!(error.to_string().contains("not sent"));
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1, "never re-sent");
    assert_eq!(world.calls_to(Endpoint::CreateSession).len(), 1, "a new session is ready");
}

#[tokio::test]
async fn code_2001_gives_anonymous_users_the_register_link() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::Fail(ApiError::code(2001, "no credits")));

    let error = world.nemo.chat("add music", &world.progress).await.unwrap_err();

    let user = world.stored().credentials.unwrap().user_id.unwrap();
    assert_eq!(error, Error::NoCredits { register_url: Some(format!("https://nemovideo.com/register?bind={user}")) });
    assert_eq!(error.exit().code(), 4);
    assert!(error.hint().contains("register?bind=anon_"));
}

#[tokio::test]
async fn code_2001_for_a_registered_user_says_top_up() {
    let world = World::new();
    world.nemo.login(&world.progress).await.unwrap();
    let token = world.stored().credentials.unwrap().token;
    let env = World::with_settings(Settings { env_token: Some(token), ..Settings::default() });
    env.fake.inject(Endpoint::Credits, Fault::Fail(ApiError::code(2001, "no credits")));

    let error = env.nemo.credits(&env.progress).await.unwrap_err();

    assert_eq!(error, Error::NoCredits { register_url: None });
    assert!(error.hint().contains("Top up"));
}

#[tokio::test]
async fn the_fake_answers_2001_when_the_credits_run_out() {
    let world = World::with_config(FakeConfig { starting_credits: 40, ..FakeConfig::default() });
    world.project_with_clip().await;

    let error = world.nemo.chat("add music", &world.progress).await.unwrap_err();

    assert!(matches!(error, Error::NoCredits { register_url: Some(_) }), "{error:?}");
}

#[tokio::test]
async fn code_4001_lists_the_supported_formats() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::UploadFile, Fault::Fail(ApiError::code(4001, "unsupported")));

    let clip = check_file("b.mp4", Some(10)).unwrap();
    let error = world.nemo.upload(&[clip], &world.progress).await.unwrap_err();

    assert_eq!(error.exit().code(), 6);
    assert!(error.hint().contains("mp4, mov, avi, webm, mkv"), "{}", error.hint());
}

#[tokio::test]
async fn code_4002_suggests_compressing() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::UploadFile, Fault::Fail(ApiError::code(4002, "too large")));

    let clip = check_file("b.mp4", Some(10)).unwrap();
    let error = world.nemo.upload(&[clip], &world.progress).await.unwrap_err();

    assert_eq!(error.exit().code(), 6);
    assert!(error.hint().contains("Compress"));
}

#[tokio::test]
async fn files_are_checked_before_any_byte_is_sent() {
    let world = World::new();
    let unsupported = check_file("notes.txt", Some(10)).unwrap_err();
    let too_large = check_file("big.mp4", Some(501 * 1000 * 1000)).unwrap_err();
    let missing = check_file("gone.mp4", None).unwrap_err();

    assert_eq!([unsupported.exit().code(), too_large.exit().code(), missing.exit().code()], [6, 6, 6]);
    assert!(unsupported.hint().contains("mp4"));
    assert!(too_large.hint().contains("500 MB"));
    assert!(world.fake.calls().is_empty());
}

#[tokio::test]
async fn http_400_on_the_token_call_makes_a_new_client_id_and_retries_once() {
    let world = World::new();
    world.fake.inject(Endpoint::AnonymousToken, Fault::Fail(refusal(400, None)));

    world.nemo.login(&world.progress).await.expect("retried with a new id");

    let calls = world.calls_to(Endpoint::AnonymousToken);
    assert_eq!(calls.len(), 2);
    assert_ne!(calls[0].detail, calls[1].detail, "a new client id");
    assert_eq!(world.stored().client_id.unwrap().to_string(), calls[1].detail, "and it was persisted");
}

#[tokio::test]
async fn the_client_id_is_reused_across_runs() {
    let id = ClientId::generate();
    let world = World::with_store(StoreContents { client_id: Some(id), ..StoreContents::default() });
    world.nemo.login(&world.progress).await.unwrap();
    assert_eq!(world.calls_to(Endpoint::AnonymousToken)[0].detail, id.to_string());
}

#[tokio::test]
async fn http_402_says_upgrade_the_plan_not_buy_credits() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SubmitRender, Fault::Fail(refusal(402, None)));

    let error = world.nemo.export("out.mp4", &world.progress).await.unwrap_err();

    assert_eq!(error, Error::ExportBlocked);
    assert_eq!(error.exit().code(), 5);
    assert!(error.to_string().contains("not a credit problem"));
    assert!(error.hint().contains("upgrade"));
    assert_eq!(world.calls_to(Endpoint::SubmitRender).len(), 1, "a plan refusal is not retried");
}

#[tokio::test]
async fn http_429_waits_for_retry_after_then_retries_once() {
    let world = World::new();
    world.nemo.login(&world.progress).await.unwrap();
    world.mark();
    world.fake.inject(Endpoint::Credits, Fault::Fail(refusal(429, Some(Duration::from_secs(7)))));

    world.nemo.credits(&world.progress).await.expect("retried");

    assert_eq!(world.sleeps(), vec![secs(7.0)]);
}

#[tokio::test]
async fn http_429_without_retry_after_waits_30_seconds() {
    let world = World::new();
    world.fake.inject(Endpoint::AnonymousToken, Fault::Fail(refusal(429, None)));

    world.nemo.login(&world.progress).await.expect("retried");

    assert_eq!(world.sleeps(), vec![secs(30.0)]);
    assert_eq!(world.calls_to(Endpoint::AnonymousToken).len(), 2);
}

#[tokio::test]
async fn http_429_twice_gives_up_with_exit_7() {
    let world = World::new();
    world.fake.inject(Endpoint::AnonymousToken, Fault::Fail(refusal(429, None)));
    world.fake.inject(Endpoint::AnonymousToken, Fault::Fail(refusal(429, None)));

    let error = world.nemo.login(&world.progress).await.unwrap_err();

    assert_eq!(error.exit().code(), 7);
    assert_eq!(world.calls_to(Endpoint::AnonymousToken).len(), 2, "one retry only");
}

#[tokio::test]
async fn a_5xx_on_a_chat_message_is_never_retried() {
    let world = World::new();
    world.project_with_clip().await;
    world.fake.inject(Endpoint::SendMessage, Fault::Fail(refusal(503, None)));

    let error = world.nemo.chat("add music", &world.progress).await.unwrap_err();

    assert_eq!(error.exit().code(), 10);
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1);
}

#[tokio::test]
async fn an_unreachable_service_exits_10() {
    let world = World::new();
    world.fake.inject(Endpoint::AnonymousToken, Fault::Fail(ApiError::NotSent("connection refused".into())));

    let error = world.nemo.login(&world.progress).await.unwrap_err();

    assert_eq!(error.exit().code(), 10);
    assert!(error.hint().contains("NEMO_API_URL"));
}

#[tokio::test]
async fn the_token_is_never_shown() {
    let world = World::new();
    world.project_with_clip().await;
    let token: Token = world.stored().credentials.unwrap().token;
    world.nemo.chat("add music", &world.progress).await.unwrap();
    let account = world.nemo.login(&world.progress).await.unwrap();
    let link = world.nemo.claim_link(&world.progress).await.unwrap();

    assert_eq!(account.origin, TokenOrigin::Anonymous);
    let seen = format!("{:?} {account:?} {link}", world.events());
    assert!(!seen.contains(token.expose()), "the token leaked: {seen}");
    assert!(link.starts_with("https://nemovideo.com/workspace/claim?ct=clm_"), "{link}");
}

//! Tokens, users, sessions and ownership.

use std::time::Duration;

use futures::executor::block_on;
use nemo_core::error::{ApiError, Refusal};
use nemo_core::ids::{SessionId, TaskId};
use nemo_core::media::LocalMedia;
use nemo_core::model::Credits;
use nemo_core::ports::{Backend, NoProgress};
use serde_json::json;

use super::{Harness, START, assert_code, client};

const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

#[test]
fn a_new_client_id_gets_a_new_user_with_credits_and_a_week_long_token() {
    let h = Harness::new();
    let grant = block_on(h.fake.anonymous_token(&client(1))).unwrap();
    assert!(grant.token.expose().starts_with("nmv_usr_"));
    assert!(grant.user_id.is_anonymous());
    assert_eq!((grant.expires_at, grant.credits), (START.plus(WEEK), 100));
    assert_eq!(block_on(h.fake.credits(&grant.token)), Ok(Credits { available: 100, frozen: 0, total: 100 }));
}

#[test]
fn the_same_client_id_gets_the_same_user_and_the_old_token_stops_working() {
    let h = Harness::new();
    let first = block_on(h.fake.anonymous_token(&client(1))).unwrap();
    h.advance(Duration::from_secs(60));
    let second = block_on(h.fake.anonymous_token(&client(1))).unwrap();
    assert_eq!(second.user_id, first.user_id);
    assert_ne!(second.token, first.token);
    assert_eq!(second.expires_at, START.plus(Duration::from_secs(60)).plus(WEEK));
    assert_code(block_on(h.fake.credits(&first.token)), 1001);
    assert!(block_on(h.fake.credits(&second.token)).is_ok());
    let other = block_on(h.fake.anonymous_token(&client(2))).unwrap();
    assert_ne!(other.user_id, first.user_id);
}

#[test]
fn tokens_expire_by_the_clock() {
    let h = Harness::new();
    let p = h.project(1);
    h.advance(WEEK - Duration::from_millis(1));
    assert!(block_on(h.fake.state(&p.token, &p.session)).is_ok());
    h.advance(Duration::from_millis(1));
    assert_code(block_on(h.fake.state(&p.token, &p.session)), 1001);
    let renewed = block_on(h.fake.anonymous_token(&client(1))).unwrap();
    assert!(block_on(h.fake.state(&renewed.token, &p.session)).is_ok(), "the user keeps the session");
}

#[test]
fn the_eleventh_client_id_is_rate_limited() {
    let h = Harness::new();
    for n in 1..=10 {
        block_on(h.fake.anonymous_token(&client(n))).unwrap();
    }
    assert_eq!(
        block_on(h.fake.anonymous_token(&client(11))),
        Err(ApiError::Refused(Refusal {
            status: 429,
            code: None,
            message: "too many anonymous tokens from this address".into(),
            retry_after: Some(Duration::from_secs(30)),
        }))
    );
    assert!(block_on(h.fake.anonymous_token(&client(3))).is_ok(), "a known client id still gets a token");
}

#[test]
fn a_session_of_another_user_or_none_is_not_found() {
    let h = Harness::new();
    let (mine, theirs) = (h.project(1), h.project(2));
    let file = LocalMedia::check("a.mp4", 1).unwrap();
    let unknown = SessionId::parse("1000000000000000000").unwrap();
    for session in [&theirs.session, &unknown] {
        assert_code(block_on(h.fake.state(&mine.token, session)), 1002);
        assert_code(block_on(h.fake.send_message(&mine.token, session, "add music")).map(|_| ()), 1002);
        assert_code(block_on(h.fake.upload_file(&mine.token, session, &file, &NoProgress)), 1002);
        assert_code(block_on(h.fake.claim_token(&mine.token, &theirs.task, session)), 1002);
    }
    assert_eq!(h.draft(&theirs), json!({"t": []}), "nothing reached the other user's session");
}

#[test]
fn a_fresh_session_has_an_empty_draft_and_no_assets() {
    let h = Harness::new();
    let p = h.project(1);
    let state = block_on(h.fake.state(&p.token, &p.session)).unwrap();
    assert_eq!(
        (state.session_id.as_ref(), state.task_id.as_ref(), state.task_name.as_deref()),
        (Some(&p.session), Some(&p.task), Some("trip"))
    );
    assert_eq!(state.draft.unwrap().as_json(), r#"{"t":[]}"#);
    assert!(state.video_infos.is_empty());
    assert_eq!(state.canvas.and_then(|c| c.ratio), Some("16:9".into()));
}

#[test]
fn claim_tokens_are_browser_tokens_for_a_session_of_its_task() {
    let h = Harness::new();
    let p = h.project(1);
    let claim = block_on(h.fake.claim_token(&p.token, &p.task, &p.session)).unwrap();
    assert!(claim.claim_token.starts_with("clm_"));
    assert_eq!(claim.expires_in, 604_800);
    assert_ne!(claim.claim_token, p.token.expose());
    let other_task = TaskId::parse("task_other").unwrap();
    assert_code(block_on(h.fake.claim_token(&p.token, &other_task, &p.session)), 1002);
}

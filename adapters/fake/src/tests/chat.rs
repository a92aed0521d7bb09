//! Chat turns: what each instruction does to the draft, the shape of the stream, and what
//! a session's first edit costs.

use std::time::Duration;

use futures::StreamExt;
use futures::executor::block_on;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use nemo_core::model::Credits;
use nemo_core::ports::Backend;
use serde_json::{Value, json};

use super::{Harness, Project, assert_code, texts};
use crate::FakeConfig;

const MUSIC_ANSWER: &str = "I've added background music (Lo-fi, 35%). Click the Export button to render your video.";

fn credits(available: i64, frozen: i64) -> Credits {
    Credits { available, frozen, total: available + frozen }
}

fn tool_call(name: &str, args: Value) -> ChatEvent {
    ChatEvent::ToolCall { name: name.into(), args }
}

fn tool_result(name: &str) -> ChatEvent {
    ChatEvent::ToolResult { name: name.into(), result: json!({"status": "success"}) }
}

#[test]
fn a_title_is_added_silently() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let events = h.turn(&p, "add a title 'Paradise Found'");
    assert_eq!(
        events,
        [tool_call("add_title", json!({"text": "Paradise Found"})), tool_result("add_title"), ChatEvent::TurnComplete]
    );
    assert_eq!(
        h.draft(&p).pointer("/t/1"),
        Some(&json!({"tt": 7, "m": {"role": "title"}, "sg": [{"tx": "Paradise Found", "st": 0, "d": 3000}]}))
    );
}

#[test]
fn music_is_answered_after_its_tool_in_deltas_then_the_whole_text_with_a_gui_phrase() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let events = h.turn(&p, "add background music");
    let texts = texts(&events);
    let (deltas, whole): (Vec<_>, Vec<_>) = texts.iter().partition(|(_, partial)| *partial);
    assert!(deltas.len() > 1, "{deltas:?}");
    assert_eq!(deltas.iter().map(|(text, _)| text.as_str()).collect::<String>(), MUSIC_ANSWER);
    assert_eq!(whole, [&(MUSIC_ANSWER.to_owned(), false)]);
    let n = deltas.len();
    assert_eq!(
        events[..2],
        [tool_call("add_background_music", json!({"track": "Lo-fi"})), tool_result("add_background_music")]
    );
    assert!(events[2..2 + n].iter().all(|e| matches!(e, ChatEvent::Text { partial: true, .. })));
    assert_eq!(
        events[2 + n..],
        [ChatEvent::Text { text: MUSIC_ANSWER.into(), partial: false }, ChatEvent::TurnComplete]
    );
    assert_eq!(
        h.draft(&p).pointer("/t/1"),
        Some(&json!({"tt": 1, "m": {"role": "bgm", "name": "Lo-fi"}, "sg": [
            {"src": "lofi.mp3", "nm": "Lo-fi", "st": 0, "d": 10_000, "in": 0, "vol": 35}
        ]}))
    );
}

#[test]
fn volume_trim_and_mute_change_the_draft_and_say_so() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.turn(&p, "add bgm");
    let check = |message: &str, answer: &str, pointer: &str, value: Value| {
        let events = h.turn(&p, message);
        assert_eq!(texts(&events).last(), Some(&(answer.to_owned(), false)), "{message}");
        assert_eq!(h.draft(&p).pointer(pointer), Some(&value), "{message}");
    };
    check("set the music volume to 60%", "The background music volume is now 60%.", "/t/1/sg/0/vol", json!(60));
    check("trim it to 4 s", "Done — the video is now 4 seconds long.", "/t/0/sg/0/d", json!(4000));
    check("mute", "The video's original sound is now muted.", "/t/0/sg/0/vol", json!(0));
    assert_eq!(h.draft(&p)["d"], json!(4000));
}

#[test]
fn anything_else_gets_a_text_answer_and_no_edit() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let before = h.draft(&p);
    let events = h.turn(&p, "make it pop");
    assert!(events.iter().all(|e| matches!(e, ChatEvent::Text { .. } | ChatEvent::TurnComplete)), "{events:?}");
    let answer = texts(&events).last().unwrap().0.clone();
    assert!(answer.starts_with("I can ") && answer.contains("add a title"), "{answer}");
    assert_eq!(h.draft(&p), before);
    assert_eq!(h.fake.credits_of(&p.user), credits(100, 0), "text answers are free");
}

#[test]
fn an_edit_without_a_video_asks_for_an_upload_and_costs_nothing() {
    let h = Harness::new();
    let p = h.project(1);
    let events = h.turn(&p, "add music");
    assert_eq!(texts(&events).last().unwrap().0, "Please upload a video first, then tell me how to edit it.");
    assert_eq!(h.draft(&p), json!({"t": []}));
    assert_eq!(h.fake.credits_of(&p.user), credits(100, 0));
}

#[test]
fn the_first_edit_of_a_session_is_frozen_while_the_turn_runs_then_deducted() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let stream = block_on(h.fake.send_message(&p.token, &p.session, "add music")).unwrap();
    assert_eq!(block_on(h.fake.credits(&p.token)), Ok(credits(50, 50)));
    let _events: Vec<_> = block_on(stream.collect());
    assert_eq!(block_on(h.fake.credits(&p.token)), Ok(credits(50, 0)));
    h.turn(&p, "mute");
    assert_eq!(h.fake.credits_of(&p.user), credits(50, 0), "later edits of the session are free");
    let second = block_on(h.fake.create_session(&p.token, "second", None)).unwrap();
    let p2 = Project { session: second.session_id, task: second.task_id, ..p };
    h.upload(&p2, "b.mp4");
    h.turn(&p2, "mute");
    assert_eq!(h.fake.credits_of(&p2.user), credits(0, 0));
}

#[test]
fn an_edit_the_user_cannot_pay_is_refused_with_2001() {
    let h = Harness::with(FakeConfig { starting_credits: 40, ..FakeConfig::default() });
    let p = h.project_with_video(1);
    let refused = block_on(h.fake.send_message(&p.token, &p.session, "add music")).map(|_| ());
    let Err(ApiError::Refused(refusal)) = &refused else { panic!("{refused:?}") };
    assert!(refusal.message.contains(&format!("https://fake.nemovideo.invalid/register?bind={}", p.user)));
    assert_code(refused, 2001);
    assert_eq!(h.draft(&p).pointer("/t/1"), None);
    assert_eq!(h.fake.credits_of(&p.user), credits(40, 0));
    assert!(!h.turn(&p, "hello").is_empty(), "text answers still work");
}

#[test]
fn agent_work_sends_heartbeats_and_the_edit_lands_with_the_tool_result() {
    let h = Harness::with(FakeConfig { turn_work: Duration::from_secs(75), ..FakeConfig::default() });
    let p = h.project_with_video(1);
    let mut stream = block_on(h.fake.send_message(&p.token, &p.session, "add a title 'Slow'")).unwrap();
    let mut next = || block_on(stream.next()).map(Result::unwrap);
    assert!(matches!(next(), Some(ChatEvent::ToolCall { .. })));
    assert_eq!([next(), next()], [Some(ChatEvent::Heartbeat), Some(ChatEvent::Heartbeat)]);
    assert_eq!(h.draft(&p).pointer("/t/1"), None, "still working");
    assert_eq!(h.fake.credits_of(&p.user), credits(50, 50));
    assert!(matches!(next(), Some(ChatEvent::ToolResult { .. })));
    assert!(h.draft(&p).pointer("/t/1").is_some());
    assert_eq!(next(), Some(ChatEvent::TurnComplete));
    assert_eq!(h.fake.credits_of(&p.user), credits(50, 50), "the turn ends when the stream does");
    assert_eq!(next(), None);
    assert_eq!(h.fake.credits_of(&p.user), credits(50, 0));
    assert_eq!(h.clock.sleeps(), [Duration::from_secs(30), Duration::from_secs(30), Duration::from_secs(15)]);
}

#[test]
fn a_turn_the_client_stops_reading_still_finishes_on_the_server() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let mut stream = block_on(h.fake.send_message(&p.token, &p.session, "add music")).unwrap();
    assert!(block_on(stream.next()).is_some());
    drop(stream);
    assert_eq!(h.draft(&p).pointer("/t/1/m/role"), Some(&json!("bgm")));
    assert_eq!(h.fake.credits_of(&p.user), credits(50, 0));
}

//! The script of one chat turn: the events the agent framework streams, the clock sleeps
//! between them, and the moment the edit lands on the server — shaped by the reply and by a
//! stream fault, before anything runs.
//!
//! A normal turn, in the order a real agent-framework (ADK) run streams it: the tool call, the
//! configured work (a heartbeat per 30 s of it), the edit, the tool result, then the model's
//! answer as text deltas (three pieces), the whole text again (not partial), then
//! `TurnComplete`. Parts without a reason to exist are left out: no
//! text events for a silent answer, no tool events for a turn without an edit.

use std::time::Duration;

use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use serde_json::json;

use nemo_editor::Reply;

use crate::faults::Fault;

/// How often a working agent sends a keep-alive.
pub(crate) const HEARTBEAT_EVERY: Duration = Duration::from_secs(30);

/// The trailer of [`Fault::TemporaryIssueTrailer`].
pub(crate) const TEMPORARY_ISSUE: &str = "I encountered a temporary issue. Please try again.";

/// One step of a turn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// Deliver an event.
    Emit(ChatEvent),
    /// Sleep on the clock.
    Sleep(Duration),
    /// The edit lands in the session's draft.
    Apply,
    /// The connection drops: deliver this error and end.
    Fail(ApiError),
}

/// The steps of a turn answering with `reply` after `work` of agent time, shaped by `fault`
/// (a stream fault for `send_message`, or none).
pub(crate) fn build(reply: &Reply, work: Duration, fault: Option<&Fault>) -> Vec<Step> {
    match fault {
        Some(Fault::HeartbeatsOnly { duration }) => working(*duration),
        Some(Fault::SilentAnswer) => normal(&Reply { text: None, ..reply.clone() }, work),
        Some(Fault::TemporaryIssueTrailer) => {
            let mut steps = normal(reply, work);
            let trailer = Step::Emit(ChatEvent::Text { text: TEMPORARY_ISSUE.into(), partial: false });
            steps.insert(steps.len() - 1, trailer);
            steps
        }
        Some(Fault::DropStream { after_events, edit_applied }) => {
            dropped(normal(reply, work), *after_events, *edit_applied && reply.change.is_some())
        }
        _ => normal(reply, work),
    }
}

fn normal(reply: &Reply, work: Duration) -> Vec<Step> {
    let mut steps = Vec::new();
    if let Some(change) = &reply.change {
        let (name, args) = change.tool_call();
        steps.push(Step::Emit(ChatEvent::ToolCall { name: name.into(), args: args.clone() }));
        steps.extend(working(work));
        steps.push(Step::Apply);
        steps.push(Step::Emit(ChatEvent::ToolResult { name: name.into(), result: json!({"status": "success"}) }));
    }
    if let Some(text) = &reply.text {
        steps.extend(deltas(text).into_iter().map(|delta| Step::Emit(ChatEvent::Text { text: delta, partial: true })));
        steps.push(Step::Emit(ChatEvent::Text { text: text.clone(), partial: false }));
    }
    steps.push(Step::Emit(ChatEvent::TurnComplete));
    steps
}

/// A heartbeat after every 30 s of `duration`, then the rest of it asleep.
fn working(duration: Duration) -> Vec<Step> {
    let beats = duration.as_millis() / HEARTBEAT_EVERY.as_millis();
    let rest = duration.saturating_sub(HEARTBEAT_EVERY * u32::try_from(beats).unwrap_or(u32::MAX));
    let mut steps: Vec<Step> =
        (0..beats).flat_map(|_| [Step::Sleep(HEARTBEAT_EVERY), Step::Emit(ChatEvent::Heartbeat)]).collect();
    if !rest.is_zero() {
        steps.push(Step::Sleep(rest));
    }
    steps
}

/// `steps` cut after `after_events` events, then the drop; the edit lands only if `applied`.
fn dropped(steps: Vec<Step>, after_events: usize, applied: bool) -> Vec<Step> {
    let mut events = 0;
    let mut kept: Vec<Step> = steps
        .into_iter()
        .take_while(|step| {
            let more = events < after_events;
            events += usize::from(matches!(step, Step::Emit(_)));
            more || !matches!(step, Step::Emit(_))
        })
        .filter(|step| *step != Step::Apply)
        .collect();
    if applied {
        kept.push(Step::Apply);
    }
    kept.push(Step::Fail(ApiError::MaybeSent("stream dropped".into())));
    kept
}

/// The answer in (at most) three pieces, split between words.
fn deltas(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    words.chunks(words.len().div_ceil(3).max(1)).map(|chunk| chunk.concat()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str, partial: bool) -> Step {
        Step::Emit(ChatEvent::Text { text: text.into(), partial })
    }

    fn edit_reply() -> Reply {
        let mut session = nemo_editor::Session::default();
        session.drafts.commit(|draft| nemo_editor::draft::edit::append_video(draft, "/a.mp4", "a", 1000));
        Reply { text: Some("Muted it now.".into()), ..session.reply("mute", None) }
    }

    #[test]
    fn deltas_put_the_text_back_together() {
        for sample in ["", "one", "one two", "I've added background music (Lo-fi, 35%). Click the Export button."] {
            let pieces = deltas(sample);
            assert!(pieces.len() <= 3, "{pieces:?}");
            assert_eq!(pieces.concat(), sample);
        }
    }

    #[test]
    fn an_edit_turn_streams_tool_work_edit_result_deltas_text_complete() {
        let steps = build(&edit_reply(), Duration::from_secs(65), None);
        let (call, result) = (
            Step::Emit(ChatEvent::ToolCall { name: "mute_video".into(), args: json!({}) }),
            Step::Emit(ChatEvent::ToolResult { name: "mute_video".into(), result: json!({"status": "success"}) }),
        );
        let beat = [Step::Sleep(HEARTBEAT_EVERY), Step::Emit(ChatEvent::Heartbeat)];
        let mut expected = vec![call];
        expected.extend(beat.clone());
        expected.extend(beat);
        expected.extend([Step::Sleep(Duration::from_secs(5)), Step::Apply, result]);
        expected.extend([text("Muted ", true), text("it ", true), text("now.", true)]);
        expected.extend([text("Muted it now.", false), Step::Emit(ChatEvent::TurnComplete)]);
        assert_eq!(steps, expected);
    }

    #[test]
    fn a_text_turn_has_no_tool_events() {
        let reply = Reply::text("Hi");
        assert_eq!(
            build(&reply, Duration::from_secs(60), None),
            [text("Hi", true), text("Hi", false), Step::Emit(ChatEvent::TurnComplete)]
        );
    }

    #[test]
    fn stream_faults_reshape_the_turn() {
        let silent = build(&edit_reply(), Duration::ZERO, Some(&Fault::SilentAnswer));
        assert!(
            silent.contains(&Step::Apply) && !silent.iter().any(|s| matches!(s, Step::Emit(ChatEvent::Text { .. })))
        );

        let trailer = build(&edit_reply(), Duration::ZERO, Some(&Fault::TemporaryIssueTrailer));
        assert_eq!(trailer[trailer.len() - 2], text(TEMPORARY_ISSUE, false));
        assert_eq!(trailer[trailer.len() - 3], text("Muted it now.", false));

        let beats =
            build(&edit_reply(), Duration::ZERO, Some(&Fault::HeartbeatsOnly { duration: Duration::from_secs(90) }));
        assert_eq!(beats.len(), 6);
        assert!(beats.iter().all(|s| matches!(s, Step::Sleep(_) | Step::Emit(ChatEvent::Heartbeat))));
    }

    #[test]
    fn a_dropped_stream_ends_in_an_error_with_or_without_the_edit() {
        let drop = |after_events, edit_applied| {
            build(&edit_reply(), Duration::ZERO, Some(&Fault::DropStream { after_events, edit_applied }))
        };
        let lost = Step::Fail(ApiError::MaybeSent("stream dropped".into()));
        let call = Step::Emit(ChatEvent::ToolCall { name: "mute_video".into(), args: json!({}) });
        assert_eq!(drop(1, false), [call, lost.clone()]);
        assert_eq!(drop(0, true), [Step::Apply, lost.clone()]);
        let late = drop(5, false);
        assert_eq!(late.len(), 6);
        assert!(!late.contains(&Step::Apply));
        let applied = drop(5, true);
        assert_eq!(applied.iter().filter(|s| **s == Step::Apply).count(), 1);
        assert_eq!(applied.last(), Some(&lost));
    }
}

//! The rules for showing one chat turn: a pure state machine fed [`ChatEvent`]s as they arrive
//! (with the current time) that decides what the user sees ([`TurnOutput`]).
//!
//! - Text deltas are shown once; the whole message that repeats them is not shown again.
//! - Text comes out in sentence-complete chunks, so a GUI phrase split across deltas reaches
//!   the caller's GUI translation whole. The incomplete tail is held until the message ends.
//! - Tool calls are progress ([`TurnOutput::Activity`]), never chat text.
//! - Heartbeats only: "still working" every two minutes, timed out after ten.
//! - A trailing "I encountered a temporary issue" after normal text is never shown.
//! - Model and run errors fail the turn, after what was held is shown; a run error (the run
//!   raised) is told apart, since it fails the turn whatever text came before.
//! - Bounded and linear: a turn keeps and shows at most [`Turn::MAX_TEXT`] of text (the rest
//!   is dropped, said once by [`TurnOutput::Truncated`]); a tail without a sentence end is
//!   held at most [`Turn::MAX_HELD`], so a reply without punctuation still streams; each byte
//!   is scanned for sentence ends once.

use std::mem;
use std::time::Duration;

use super::event::ChatEvent;
use crate::time::Timestamp;

/// The phrase of the service's trailing non-answer, lower case.
const TEMPORARY_ISSUE: &str = "i encountered a temporary issue";

/// What the user is shown in answer to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnOutput {
    /// Text to show, a sentence-complete chunk (or the rest of a message that ended).
    Text(String),
    /// A tool is working: a label for a spinner (`editing… (add_text)`), never chat text.
    Activity(String),
    /// Every two minutes of heartbeats only: the turn is still running.
    StillWorking {
        /// How long since the turn started.
        elapsed: Duration,
    },
    /// Ten minutes of heartbeats only: the caller abandons the stream and goes to recovery.
    TimedOut,
    /// A model error (`code: message`).
    Failed(String),
    /// A run error (its message): the agent's run raised, so the turn failed.
    RunFailed(String),
    /// The reply reached [`Turn::MAX_TEXT`]: what follows is not shown. Said once.
    Truncated {
        /// The cap, in bytes.
        limit: usize,
    },
}

/// One chat turn being shown. Feed it every event with [`Turn::on_event`] and the end of the
/// stream with [`Turn::on_close`]; show what they return, in order.
///
/// A message is the text between message ends: a full (`partial: false`) text, a tool call, an
/// error, a time-out or the close. A full text that extends the deltas before it adds only the
/// missing suffix; one that differs from them in another way is not shown (the deltas already
/// were, and showing both would repeat the message).
///
/// A message that starts (trimmed, any case) with "I encountered a temporary issue" is held
/// whole; it is shown when the turn ends (close, error or time-out) only if no normal text was
/// shown in the turn, before or after it. Once timed out, the turn ignores everything, the
/// close included.
#[derive(Debug, Clone)]
pub struct Turn {
    started: Timestamp,
    /// The last meaningful event (anything but a heartbeat or an opaque event), or the start.
    quiet_since: Timestamp,
    /// The later of `quiet_since` and the last [`TurnOutput::StillWorking`].
    notice_since: Timestamp,
    timed_out: bool,
    shown: String,
    has_text: bool,
    /// The current message, as its deltas arrived.
    message: String,
    /// How many bytes of `message` have been shown.
    released: usize,
    /// No sentence ends in `message` between `released` and this offset.
    scanned: usize,
    /// The reply reached [`Turn::MAX_TEXT`]; text is no longer kept or shown.
    truncated: bool,
    /// The previous message when it was made of deltas and ended (at a tool call) before its
    /// full text arrived: that full text may still come, and must not be shown again.
    awaiting_full: String,
    /// A temporary-issue message that was the only text when it ended, shown at the close if
    /// no normal text follows it.
    lone_issue: Option<String>,
    tool_calls: usize,
    /// Bytes looked at for sentence ends (the linear-work check of the tests).
    #[cfg(test)]
    work: usize,
}

impl Turn {
    /// The most text one turn keeps and shows: 1 MiB, about 150,000 words.
    pub const MAX_TEXT: usize = 1024 * 1024;
    /// The longest tail held back waiting for a sentence end: 16 KiB.
    pub const MAX_HELD: usize = 16 * 1024;
    /// How often heartbeats only produce [`TurnOutput::StillWorking`].
    pub const STILL_WORKING_EVERY: Duration = Duration::from_secs(2 * 60);
    /// How long heartbeats only may last before [`TurnOutput::TimedOut`].
    pub const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

    /// A turn whose message was sent at `started`.
    #[must_use]
    pub fn new(started: Timestamp) -> Self {
        Self {
            started,
            quiet_since: started,
            notice_since: started,
            timed_out: false,
            shown: String::new(),
            has_text: false,
            message: String::new(),
            released: 0,
            scanned: 0,
            truncated: false,
            awaiting_full: String::new(),
            lone_issue: None,
            tool_calls: 0,
            #[cfg(test)]
            work: 0,
        }
    }

    /// What to show for `event`, received at `now`. Once the turn timed out, nothing.
    #[must_use]
    pub fn on_event(&mut self, event: &ChatEvent, now: Timestamp) -> Vec<TurnOutput> {
        let mut out = Vec::new();
        if self.timed_out {
            return out;
        }
        if !matches!(event, ChatEvent::Heartbeat | ChatEvent::Opaque(_)) {
            self.quiet_since = now;
            self.notice_since = now;
        }
        match event {
            ChatEvent::Text { .. } if self.truncated => {}
            ChatEvent::Text { text, partial: true } => {
                if self.message.is_empty() {
                    self.awaiting_full.clear();
                }
                self.append(text, &mut out);
                if !self.truncated && !could_be_temporary_issue(&self.message) {
                    self.release_sentences(&mut out);
                }
            }
            ChatEvent::Text { text, partial: false } => {
                let text = self.unseen_part_of_full_text(text);
                if let Some(missing) = text.strip_prefix(self.message.as_str()) {
                    self.append(missing, &mut out);
                }
                self.end_message(&mut out);
            }
            ChatEvent::ToolCall { name, .. } => {
                self.awaiting_full.clone_from(&self.message);
                self.end_message(&mut out);
                self.tool_calls += 1;
                out.push(TurnOutput::Activity(activity_label(name)));
            }
            ChatEvent::ModelError { code, message } => {
                self.finish(&mut out);
                out.push(TurnOutput::Failed(model_failure(code, message)));
            }
            ChatEvent::RunError { message } => {
                self.finish(&mut out);
                out.push(TurnOutput::RunFailed(message.clone()));
            }
            ChatEvent::Heartbeat => self.on_heartbeat(now, &mut out),
            ChatEvent::ToolResult { .. } | ChatEvent::TurnComplete | ChatEvent::Opaque(_) => {}
        }
        out
    }

    /// The stream closed normally: what was held, shown. Once timed out, nothing. (The time
    /// is taken for symmetry with [`Turn::on_event`]; no rule depends on it.)
    #[must_use]
    pub fn on_close(&mut self, _now: Timestamp) -> Vec<TurnOutput> {
        let mut out = Vec::new();
        if !self.timed_out {
            self.finish(&mut out);
        }
        out
    }

    /// All text shown so far: the concatenation of the [`TurnOutput::Text`] outputs.
    #[must_use]
    pub fn shown_text(&self) -> &str {
        &self.shown
    }

    /// Whether any non-whitespace text was shown.
    #[must_use]
    pub fn has_text(&self) -> bool {
        self.has_text
    }

    /// How many tool calls were seen.
    #[must_use]
    pub fn tool_calls(&self) -> usize {
        self.tool_calls
    }

    /// Whether ten minutes of heartbeats only timed the turn out.
    #[must_use]
    pub fn is_timed_out(&self) -> bool {
        self.timed_out
    }

    fn on_heartbeat(&mut self, now: Timestamp, out: &mut Vec<TurnOutput>) {
        if now.since(self.quiet_since) >= Self::HEARTBEAT_TIMEOUT {
            self.finish(out);
            self.timed_out = true;
            out.push(TurnOutput::TimedOut);
        } else if now.since(self.notice_since) >= Self::STILL_WORKING_EVERY {
            self.notice_since = now;
            out.push(TurnOutput::StillWorking { elapsed: now.since(self.started) });
        }
    }

    /// Shows the complete sentences of the current message not shown yet.
    /// A full text that repeats a message whose deltas were already shown before a tool call
    /// interrupted it adds only what those deltas lacked.
    fn unseen_part_of_full_text<'t>(&mut self, text: &'t str) -> &'t str {
        let previous = mem::take(&mut self.awaiting_full);
        if !self.message.is_empty() || previous.is_empty() {
            return text;
        }
        match text.strip_prefix(previous.as_str()) {
            Some(rest) => rest,
            None if previous.starts_with(text) => "",
            None => text,
        }
    }

    /// Adds `text` to the current message, within [`Turn::MAX_TEXT`] for the whole turn (one
    /// byte kept for the newline a message may start with). Past it: what is held is shown,
    /// then [`TurnOutput::Truncated`], and no text is kept any more.
    fn append(&mut self, text: &str, out: &mut Vec<TurnOutput>) {
        let held = self.message.len() - self.released;
        let room = (Self::MAX_TEXT - 1).saturating_sub(self.shown.len() + held);
        if text.len() <= room {
            self.message.push_str(text);
            return;
        }
        let mut cut = room;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.message.push_str(&text[..cut]);
        self.release(self.message.len(), out);
        self.truncated = true;
        out.push(TurnOutput::Truncated { limit: Self::MAX_TEXT });
    }

    /// Shows the complete sentences of the current message not shown yet, scanning each byte
    /// once; a tail longer than [`Turn::MAX_HELD`] is shown without waiting for its end.
    fn release_sentences(&mut self, out: &mut Vec<TurnOutput>) {
        loop {
            let from = self.scanned.max(self.released);
            #[cfg(test)]
            {
                self.work += self.message.len() - from;
            }
            match sentence_end(&self.message, from) {
                Ok(end) => self.release(end, out),
                Err(resume) => {
                    self.scanned = resume;
                    break;
                }
            }
        }
        if self.message.len() - self.released > Self::MAX_HELD {
            self.release(self.message.len(), out);
        }
    }

    /// Shows the current message up to byte `end`, after a newline when this starts the
    /// message and the text before it does not end with whitespace.
    fn release(&mut self, end: usize, out: &mut Vec<TurnOutput>) {
        let chunk = &self.message[self.released..end];
        if chunk.is_empty() {
            return;
        }
        let newline = self.released == 0 && !self.shown.is_empty() && !self.shown.ends_with(char::is_whitespace);
        let text = if newline { format!("\n{chunk}") } else { chunk.to_owned() };
        self.has_text |= !chunk.trim().is_empty();
        self.shown.push_str(&text);
        self.released = end;
        out.push(TurnOutput::Text(text));
    }

    /// Shows what is left of the current message and starts the next one.
    fn release_all(&mut self, out: &mut Vec<TurnOutput>) {
        self.release_sentences(out);
        self.release(self.message.len(), out);
        self.message.clear();
        self.released = 0;
        self.scanned = 0;
    }

    /// The current message ended: shows what is left of it, or keeps it aside if it is the
    /// temporary-issue phrase (dropped when normal text was shown).
    fn end_message(&mut self, out: &mut Vec<TurnOutput>) {
        if is_temporary_issue(&self.message) {
            let message = mem::take(&mut self.message);
            if !self.has_text && self.lone_issue.is_none() {
                self.lone_issue = Some(message);
            }
        } else {
            self.release_all(out);
        }
    }

    /// The turn is over (closed, failed or timed out): shows everything held.
    fn finish(&mut self, out: &mut Vec<TurnOutput>) {
        self.end_message(out);
        if let Some(issue) = self.lone_issue.take().filter(|_| !self.has_text) {
            self.message = issue;
            self.release_all(out);
        }
    }
}

/// The end of the first complete sentence ending in `text[from..]`, with the whitespace after
/// it: after a newline or `。！？`, or after `.!?;` followed by whitespace (so `1.5` and `v2.0`
/// do not end one; at the end of `text` the next delta decides). `Err(resume)` when there is
/// none yet: no sentence ends before `resume` (the last character, which may need the next).
fn sentence_end(text: &str, from: usize) -> Result<usize, usize> {
    let mut chars = text[from..].char_indices().map(|(at, c)| (from + at, c)).peekable();
    let mut last = from;
    while let Some((at, c)) = chars.next() {
        last = at;
        let ends = match c {
            '\n' | '。' | '！' | '？' => true,
            '.' | '!' | '?' | ';' => chars.peek().is_some_and(|&(_, next)| next.is_whitespace()),
            _ => false,
        };
        if ends {
            let mut end = at + c.len_utf8();
            while let Some((space_at, space)) = chars.next_if(|&(_, next)| next.is_whitespace()) {
                end = space_at + space.len_utf8();
            }
            return Ok(end);
        }
    }
    Err(last)
}

/// Whether `message` (trimmed, any case) starts with the temporary-issue phrase.
fn is_temporary_issue(message: &str) -> bool {
    issue_start(message).is_some_and(|start| start.len() >= TEMPORARY_ISSUE.len()) && could_be_temporary_issue(message)
}

/// Whether `message` (trimmed, any case) starts with the temporary-issue phrase or could still
/// become it with more text.
fn could_be_temporary_issue(message: &str) -> bool {
    issue_start(message).is_some_and(|start| {
        let len = start.len().min(TEMPORARY_ISSUE.len());
        start.as_bytes()[..len].eq_ignore_ascii_case(&TEMPORARY_ISSUE.as_bytes()[..len])
    })
}

/// `message` without its leading whitespace, when that is at most 64 characters (a message
/// that opens with more is not the phrase); looks at a bounded start only.
fn issue_start(message: &str) -> Option<&str> {
    for (n, (at, c)) in message.char_indices().enumerate() {
        if !c.is_whitespace() {
            return Some(&message[at..]);
        }
        if n == 64 {
            return None;
        }
    }
    Some("")
}

/// The spinner label for a call of `tool`.
fn activity_label(tool: &str) -> String {
    match tool.trim() {
        "" => "editing…".to_owned(),
        tool => format!("editing… ({tool})"),
    }
}

/// A model error as the user reads it: `code: message`, or whichever of them is there.
fn model_failure(code: &str, message: &str) -> String {
    match (code.trim(), message.trim()) {
        ("", "") => "the model failed".to_owned(),
        (code, "") => code.to_owned(),
        ("", message) => message.to_owned(),
        (code, message) => format!("{code}: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// One input of a turn: an event, or the stream closing.
    #[derive(Debug, Clone)]
    enum Step {
        Event(ChatEvent),
        Close,
    }

    /// Feeds `steps` (seconds after the start, input) to a new turn and checks the outputs,
    /// and that the shown text is their text.
    fn check(steps: &[(u64, Step)], expected: &[TurnOutput]) -> Turn {
        let (turn, outputs) = run(steps);
        assert_eq!(outputs, expected);
        turn
    }

    fn run(steps: &[(u64, Step)]) -> (Turn, Vec<TurnOutput>) {
        let start = Timestamp::from_unix_ms(1_800_000_000_000);
        let mut turn = Turn::new(start);
        let mut outputs = Vec::new();
        for (secs, step) in steps {
            let now = start.plus(Duration::from_secs(*secs));
            outputs.extend(match step {
                Step::Event(event) => turn.on_event(event, now),
                Step::Close => turn.on_close(now),
            });
        }
        assert_eq!(turn.shown_text(), texts(&outputs));
        (turn, outputs)
    }

    fn texts(outputs: &[TurnOutput]) -> String {
        outputs
            .iter()
            .filter_map(|output| match output {
                TurnOutput::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn at(secs: u64, event: ChatEvent) -> (u64, Step) {
        (secs, Step::Event(event))
    }

    fn delta(secs: u64, text: &str) -> (u64, Step) {
        at(secs, ChatEvent::Text { text: text.to_owned(), partial: true })
    }

    fn full(secs: u64, text: &str) -> (u64, Step) {
        at(secs, ChatEvent::Text { text: text.to_owned(), partial: false })
    }

    fn tool(secs: u64, name: &str) -> (u64, Step) {
        at(secs, ChatEvent::ToolCall { name: name.to_owned(), args: json!({"text": "Paradise Found"}) })
    }

    fn beat(secs: u64) -> (u64, Step) {
        at(secs, ChatEvent::Heartbeat)
    }

    fn close(secs: u64) -> (u64, Step) {
        (secs, Step::Close)
    }

    fn text(text: &str) -> TurnOutput {
        TurnOutput::Text(text.to_owned())
    }

    fn still(secs: u64) -> TurnOutput {
        TurnOutput::StillWorking { elapsed: Duration::from_secs(secs) }
    }

    fn editing(tool: &str) -> TurnOutput {
        TurnOutput::Activity(format!("editing… ({tool})"))
    }

    #[test]
    fn partial_deltas_then_full_text_show_once() {
        check(
            &[delta(0, "Adding a title. "), delta(1, "Done."), full(2, "Adding a title. Done."), close(3)],
            &[text("Adding a title. "), text("Done.")],
        );
    }

    #[test]
    fn full_text_extending_the_deltas_shows_only_the_missing_suffix() {
        check(
            &[delta(0, "Title added. "), full(1, "Title added. It runs 0-3s."), close(2)],
            &[text("Title added. "), text("It runs 0-3s.")],
        );
    }

    #[test]
    fn full_text_differing_from_the_deltas_is_not_shown_again() {
        check(&[delta(0, "Adding the title"), full(1, "Added the title."), close(2)], &[text("Adding the title")]);
    }

    #[test]
    fn full_text_after_a_tool_call_does_not_repeat_the_deltas_before_it() {
        let steps = [delta(1, "Added music. "), tool(2, "add_music"), full(3, "Added music. ")];
        check(&steps, &[text("Added music. "), editing("add_music")]);
        let extended = [delta(1, "Added music. "), tool(2, "add_music"), full(3, "Added music. Enjoy.")];
        assert_eq!(texts(&run(&extended).1), "Added music. Enjoy.");
        let other = [delta(1, "One. "), tool(2, "x"), full(3, "Two.")];
        assert_eq!(texts(&run(&other).1), "One. Two.");
    }

    #[test]
    fn full_text_without_deltas_is_shown() {
        check(&[full(0, "Done. Title added."), close(1)], &[text("Done. "), text("Title added.")]);
    }

    #[test]
    fn consecutive_messages_are_separated_by_a_newline_unless_whitespace_ends_the_first() {
        check(
            &[
                delta(0, "Adding a title."),
                full(1, "Adding a title."),
                tool(2, "add_text"),
                delta(3, "Done.\n"),
                full(4, "Done.\n"),
                delta(5, "Anything else?"),
                close(6),
            ],
            &[text("Adding a title."), editing("add_text"), text("\nDone.\n"), text("Anything else?")],
        );
    }

    #[test]
    fn text_is_emitted_in_sentence_complete_chunks() {
        check(
            &[delta(0, "Click the Ex"), delta(1, "port button. Th"), delta(2, "en share it!"), close(3)],
            &[text("Click the Export button. "), text("Then share it!")],
        );
    }

    #[test]
    fn decimal_points_and_versions_do_not_end_a_sentence() {
        check(
            &[delta(0, "Speed set to 1."), delta(1, "5x in v2.0 of"), delta(2, " the clip. Next"), close(3)],
            &[text("Speed set to 1.5x in v2.0 of the clip. "), text("Next")],
        );
    }

    #[test]
    fn cjk_punctuation_semicolons_and_newlines_end_sentences() {
        check(
            &[delta(0, "标题已添加。请"), delta(1, "确认！好"), delta(2, "a; b\nc"), close(3)],
            &[text("标题已添加。"), text("请确认！"), text("好a; "), text("b\n"), text("c")],
        );
    }

    #[test]
    fn held_tail_is_flushed_when_the_message_ends() {
        check(
            &[delta(0, "Adding a ti"), tool(1, "add_text"), delta(2, "Almost th"), full(3, "Almost there"), close(4)],
            &[text("Adding a ti"), editing("add_text"), text("\nAlmost there")],
        );
        check(&[delta(0, "Almost"), close(1)], &[text("Almost")]);
    }

    #[test]
    fn tool_calls_and_results_are_activity_not_text() {
        let turn = check(
            &[
                tool(0, "add_text"),
                at(1, ChatEvent::ToolResult { name: "add_text".into(), result: json!({"ok": true}) }),
                tool(2, " "),
                close(3),
            ],
            &[editing("add_text"), TurnOutput::Activity("editing…".into())],
        );
        assert_eq!(turn.tool_calls(), 2);
        assert!(!turn.has_text());
    }

    #[test]
    fn opaque_and_turn_complete_emit_nothing() {
        check(&[at(0, ChatEvent::Opaque(json!({"what": "else"}))), at(1, ChatEvent::TurnComplete), close(2)], &[]);
    }

    #[test]
    fn still_working_every_two_minutes_of_heartbeats() {
        let mut steps = vec![delta(60, "On it.\n")];
        steps.extend((3..=14).map(|k| beat(k * 30)));
        check(&steps, &[text("On it.\n"), still(180), still(300), still(420)]);
    }

    #[test]
    fn opaque_events_do_not_restart_the_heartbeat_clock_but_meaningful_ones_do() {
        check(
            &[beat(60), at(90, ChatEvent::Opaque(json!({}))), beat(120), tool(150, "trim"), beat(240), beat(270)],
            &[still(120), editing("trim"), still(270)],
        );
    }

    #[test]
    fn ten_minutes_of_heartbeats_only_times_out() {
        let mut steps: Vec<_> = (1..=11).map(|k| beat(k * 60)).collect();
        steps.extend([full(700, "Late."), close(710)]);
        let turn = check(&steps, &[still(120), still(240), still(360), still(480), TurnOutput::TimedOut]);
        assert!(turn.is_timed_out());
        assert!(!turn.has_text());
    }

    #[test]
    fn timing_out_shows_held_text_first() {
        check(
            &[delta(0, "Rendering the"), beat(300), beat(600)],
            &[still(300), text("Rendering the"), TurnOutput::TimedOut],
        );
    }

    #[test]
    fn trailing_temporary_issue_is_ignored_after_normal_text() {
        let turn = check(
            &[
                full(0, "Title added."),
                delta(1, "I encountered a "),
                delta(2, "temporary issue."),
                full(3, "I encountered a temporary issue."),
                full(4, "  i ENCOUNTERED a Temporary Issue. Please try again.  "),
                close(5),
            ],
            &[text("Title added.")],
        );
        assert_eq!(turn.shown_text(), "Title added.");
    }

    #[test]
    fn temporary_issue_as_the_only_text_is_shown_at_close() {
        check(
            &[full(0, "I encountered a temporary issue. Please try again."), tool(1, "add_text"), close(2)],
            &[editing("add_text"), text("I encountered a temporary issue. "), text("Please try again.")],
        );
    }

    #[test]
    fn temporary_issue_before_normal_text_is_not_shown() {
        check(
            &[full(0, "I encountered a temporary issue."), tool(1, "add_text"), full(2, "Done."), close(3)],
            &[editing("add_text"), text("Done.")],
        );
    }

    #[test]
    fn text_that_could_start_the_temporary_issue_is_held_until_it_diverges() {
        check(
            &[delta(0, " I enc"), delta(1, "ountered"), delta(2, " an error. Retrying."), close(3)],
            &[text(" I encountered an error. "), text("Retrying.")],
        );
        check(&[delta(0, "I encountered a"), close(1)], &[text("I encountered a")]);
    }

    #[test]
    fn model_and_run_errors_fail_after_showing_held_text() {
        check(
            &[
                delta(0, "Adding the ti"),
                at(1, ChatEvent::ModelError { code: "SAFETY".into(), message: "blocked".into() }),
                at(2, ChatEvent::RunError { message: "RuntimeError: boom".into() }),
            ],
            &[
                text("Adding the ti"),
                TurnOutput::Failed("SAFETY: blocked".into()),
                TurnOutput::RunFailed("RuntimeError: boom".into()),
            ],
        );
        check(
            &[at(0, ChatEvent::ModelError { code: "SAFETY".into(), message: String::new() })],
            &[TurnOutput::Failed("SAFETY".into())],
        );
    }

    #[test]
    fn simple_typed_text_events_only_partial_then_close_show_everything_once() {
        check(
            &[delta(0, "Title "), delta(1, "added: \"Paradise Found\" (0-3s)."), close(2)],
            &[text("Title added: \"Paradise Found\" (0-3s).")],
        );
    }

    #[test]
    fn a_flood_of_text_keeps_at_most_the_cap_streams_and_says_so_once() {
        let start = Timestamp::from_unix_ms(0);
        let mut turn = Turn::new(start);
        let words = "word, word and more words without an end ".repeat(3);
        let delta = ChatEvent::Text { text: words.clone(), partial: true };
        let mut outputs = Vec::new();
        let mut first_text_at = None;
        for n in 0..30_000 {
            outputs.extend(turn.on_event(&delta, start));
            if first_text_at.is_none() && outputs.iter().any(|o| matches!(o, TurnOutput::Text(_))) {
                first_text_at = Some(n);
            }
        }
        outputs.extend(turn.on_event(&ChatEvent::Text { text: "x".repeat(1 << 20), partial: false }, start));
        outputs.extend(turn.on_close(start));
        // 3.7 MB sent, then a 1 MiB whole text: 1 MiB kept, shown as it came (a chunk at least every 16 KiB or so).
        assert!(turn.shown_text().len() <= Turn::MAX_TEXT, "{}", turn.shown_text().len());
        assert!(turn.shown_text().len() > Turn::MAX_TEXT - 200);
        assert!(turn.message.len() <= Turn::MAX_TEXT && turn.awaiting_full.is_empty());
        assert_eq!(outputs.iter().filter(|o| matches!(o, TurnOutput::Truncated { .. })).count(), 1);
        assert!(first_text_at.is_some_and(|n| n * words.len() <= Turn::MAX_HELD), "{first_text_at:?}");
        let chunks = outputs.iter().filter(|o| matches!(o, TurnOutput::Text(_))).count();
        assert!(chunks >= Turn::MAX_TEXT / (Turn::MAX_HELD + words.len()), "{chunks}");
        assert_eq!(turn.shown_text(), texts(&outputs));
    }

    #[test]
    fn the_work_is_linear_in_the_text() {
        // Deltas one byte long, with sentence ends and without: each byte is looked at for a
        // sentence end a bounded number of times, whatever the split.
        for pattern in ["a", "a.", " ", "1.5 x. "] {
            let start = Timestamp::from_unix_ms(0);
            let mut turn = Turn::new(start);
            let text = pattern.repeat(200_000 / pattern.len());
            for c in text.chars() {
                let _ = turn.on_event(&ChatEvent::Text { text: c.to_string(), partial: true }, start);
            }
            let _ = turn.on_close(start);
            assert!(turn.work <= 3 * text.len(), "{pattern:?}: {} bytes looked at for {} sent", turn.work, text.len());
            assert_eq!(turn.shown_text(), text);
        }
    }

    /// Texts rich in sentence ends, decimals, CJK and the temporary-issue phrase.
    fn message_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 .!?;,\n\r。！？é]{0,60}",
            "[ ]{0,2}(I|i) (encountered|ENCOUNTERED) a temporary (issue|is)[a-z .!?]{0,20}",
        ]
    }

    /// `text` cut at char boundaries chosen by `cuts`.
    fn split(text: &str, cuts: &[prop::sample::Index]) -> Vec<String> {
        let bounds: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
        let mut at: Vec<usize> = cuts.iter().map(|cut| *cut.get(&bounds)).chain([0, text.len()]).collect();
        at.sort_unstable();
        at.dedup();
        at.windows(2).map(|pair| text[pair[0]..pair[1]].to_owned()).collect()
    }

    fn any_event() -> impl Strategy<Value = ChatEvent> {
        prop_oneof![
            ("[a-zI .!?\n。]{0,12}", any::<bool>()).prop_map(|(text, partial)| ChatEvent::Text { text, partial }),
            "[a-z_]{0,8}".prop_map(|name| ChatEvent::ToolCall { name, args: json!({}) }),
            "[a-z_]{0,8}".prop_map(|name| ChatEvent::ToolResult { name, result: json!(null) }),
            Just(ChatEvent::Heartbeat),
            Just(ChatEvent::Heartbeat),
            Just(ChatEvent::TurnComplete),
            ("[A-Z]{0,6}", "[a-z ]{0,8}").prop_map(|(code, message)| ChatEvent::ModelError { code, message }),
            "[a-z ]{0,8}".prop_map(|message| ChatEvent::RunError { message }),
            Just(ChatEvent::Opaque(json!({"x": 1}))),
            Just(ChatEvent::Text { text: "I encountered a temporary issue.".into(), partial: false }),
        ]
    }

    proptest! {
        #[test]
        fn any_split_into_deltas_then_the_full_text_shows_it_exactly_once(
            message in message_text(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
            ends_with_full_text in any::<bool>(),
        ) {
            let mut steps: Vec<_> = split(&message, &cuts).iter().map(|part| delta(0, part)).collect();
            if ends_with_full_text {
                steps.push(full(1, &message));
            }
            steps.push(close(2));
            let (turn, _) = run(&steps);
            prop_assert_eq!(turn.shown_text(), message);
        }

        #[test]
        fn any_event_sequence_never_panics_and_shown_text_is_the_text_outputs(
            events in prop::collection::vec((0u64..400, any_event()), 0..40),
            closed in any::<bool>(),
        ) {
            let mut secs = 0;
            let mut steps: Vec<_> = events.into_iter().map(|(gap, event)| { secs += gap; at(secs, event) }).collect();
            if closed {
                steps.push(close(secs));
            }
            let (turn, outputs) = run(&steps);
            let timeouts = outputs.iter().filter(|output| **output == TurnOutput::TimedOut).count();
            prop_assert_eq!(timeouts, usize::from(turn.is_timed_out()));
            if turn.is_timed_out() {
                prop_assert_eq!(outputs.last(), Some(&TurnOutput::TimedOut));
            }
        }

        #[test]
        fn still_working_count_for_evenly_spaced_heartbeats(n in 0u64..80, spacing in 1u64..300) {
            let (turn, outputs) = run(&(1..=n).map(|k| beat(k * spacing)).collect::<Vec<_>>());
            let still_working = outputs.iter().filter(|output| matches!(output, TurnOutput::StillWorking { .. })).count();
            // A notice every `every` heartbeats, each strictly before the ten-minute time-out.
            let every = 120u64.div_ceil(spacing);
            let expected = (n / every).min(599 / (every * spacing));
            prop_assert_eq!(u64::try_from(still_working).unwrap(), expected);
            prop_assert_eq!(turn.is_timed_out(), n * spacing >= 600);
        }
    }
}

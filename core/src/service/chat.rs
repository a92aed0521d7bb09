//! A chat turn: read the state before, send the message once, show the stream by the turn
//! rules (GUI phrases translated), and never leave the user with silence — a silent turn is
//! reported from the state diff, and a dropped or timed-out turn is recovered by reading the
//! state (30 s, then every 60 s, five reads), **never by re-sending the message**.

use std::time::Duration;

use futures::StreamExt;

use super::Nemo;
use super::projects::is_session_lost;
use crate::chat::turn::{Turn, TurnOutput};
use crate::draft::{self, Draft};
use crate::error::Error;
use crate::gui::{self, GuiAction};
use crate::model::Project;
use crate::ports::{Backend, Clock, EventStream, Progress, ProgressEvent, Store};

/// The first wait of the disconnect recovery.
pub const RECOVERY_FIRST_WAIT: Duration = Duration::from_secs(30);
/// The wait between later recovery reads.
pub const RECOVERY_NEXT_WAIT: Duration = Duration::from_secs(60);
/// How many unchanged reads end the recovery.
pub const RECOVERY_READS: u32 = 5;

/// What a turn came to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TurnReport {
    /// The agent's text as shown (translated; empty for a silent turn).
    pub text: String,
    /// GUI actions found in the text, for the caller to perform (export, show tracks...).
    pub actions: Vec<GuiAction>,
    /// The changes to the timeline, in sentences.
    pub changes: Vec<String>,
    /// Whether the stream dropped or timed out and the outcome was read from the state.
    pub recovered: bool,
    /// A model failure the agent reported after some text (shown as a warning; a run
    /// error is [`Error::RunFailed`] instead).
    pub warning: Option<String>,
}

/// How the stream of a turn ended.
enum StreamEnd {
    Closed,
    Dropped(String),
    /// The run raised (a run error came): the turn failed, with this message.
    RunFailed(String),
}

/// The failures a turn reported, as they came.
#[derive(Default)]
struct Failures {
    /// The last model error.
    model: Option<String>,
    /// The last run error.
    run: Option<String>,
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// `chat MESSAGE`: one turn with the agent in the current project.
    ///
    /// # Errors
    /// [`Error::NoProject`]; [`Error::SessionReplaced`] when the session was gone (the
    /// message was not sent); [`Error::TurnLost`] when the stream dropped and five state reads
    /// showed no change (the message was not re-sent); [`Error::AgentFailed`] for a model
    /// error with no text; [`Error::RunFailed`] when the run raised, with what changed (read
    /// from the state; never re-sent); connection and refusal errors (2001...).
    pub async fn chat(&self, message: &str, progress: &dyn Progress) -> Result<TurnReport, Error> {
        let (project, before) = self.read_state(self.current_project().await?, progress).await?;
        let before = before.draft;
        let backend = &*self.backend;
        let session_id = &project.session_id;
        let sent =
            self.call(progress, |token| async move { backend.send_message(&token, session_id, message).await }).await;
        let stream = match sent {
            Ok(stream) => stream,
            Err(error) if is_session_lost(&error) => {
                let fresh = self.replace_session(&project, progress).await?;
                return Err(Error::SessionReplaced { project: fresh.name });
            }
            Err(Error::ConnectionLost(reason)) => {
                return self.recover_turn(project, before, reason, progress).await;
            }
            Err(error) => return Err(error),
        };
        let mut report = TurnReport::default();
        match self.show_turn(stream, &mut report, progress).await? {
            StreamEnd::Closed => self.finish_turn(project, before, report, progress).await,
            StreamEnd::Dropped(reason) => self.recover_turn(project, before, reason, progress).await,
            StreamEnd::RunFailed(message) => Err(self.run_failed(project, before, message, progress).await),
        }
    }

    /// Reads the stream to its end by the turn rules, reporting text and activity as it goes.
    async fn show_turn(
        &self,
        mut stream: EventStream,
        report: &mut TurnReport,
        progress: &dyn Progress,
    ) -> Result<StreamEnd, Error> {
        let mut turn = Turn::new(self.clock.now());
        let mut failures = Failures::default();
        let end = loop {
            let outputs = match stream.next().await {
                Some(Ok(event)) => turn.on_event(&event, self.clock.now()),
                Some(Err(error)) => break StreamEnd::Dropped(error.to_string()),
                None => {
                    let outputs = turn.on_close(self.clock.now());
                    present(outputs, report, &mut failures, progress);
                    break StreamEnd::Closed;
                }
            };
            present(outputs, report, &mut failures, progress);
            if turn.is_timed_out() {
                break StreamEnd::Dropped("only keep-alives for 10 minutes".into());
            }
        };
        drop(stream);
        if let Some(message) = failures.run {
            return Ok(StreamEnd::RunFailed(message));
        }
        match failures.model {
            Some(message) if !turn.has_text() => Err(Error::AgentFailed(message)),
            Some(message) => {
                report.warning = Some(message);
                Ok(end)
            }
            None => Ok(end),
        }
    }

    /// After a closed stream: reads the state, names the changes, and speaks for a silent turn.
    async fn finish_turn(
        &self,
        project: Project,
        before: Option<Draft>,
        mut report: TurnReport,
        progress: &dyn Progress,
    ) -> Result<TurnReport, Error> {
        let (_, after) = self.read_state(project, progress).await?;
        report.changes = changes(before.as_ref(), after.draft.as_ref());
        if report.text.trim().is_empty() {
            let notice = if report.changes.is_empty() {
                "The editor finished without a reply and the timeline did not change.".to_owned()
            } else {
                silent_edit_notice(&report.changes)
            };
            progress.report(ProgressEvent::Notice(notice));
        }
        Ok(report)
    }

    /// After a run error: reads the state to say what changed (a failed read is said too,
    /// not raised: the run's failure is the error). Never re-sends.
    async fn run_failed(
        &self,
        project: Project,
        before: Option<Draft>,
        message: String,
        progress: &dyn Progress,
    ) -> Error {
        let changes = match self.read_state(project, progress).await {
            Ok((_, after)) => Some(changes(before.as_ref(), after.draft.as_ref())),
            Err(_) => None,
        };
        Error::RunFailed { message, changes }
    }

    /// After a drop or a timeout: wait 30 s and read the state; changed → report it; unchanged →
    /// wait 60 s and read again; five unchanged reads → [`Error::TurnLost`]. Never re-sends.
    async fn recover_turn(
        &self,
        project: Project,
        before: Option<Draft>,
        reason: String,
        progress: &dyn Progress,
    ) -> Result<TurnReport, Error> {
        progress.report(ProgressEvent::Notice(format!(
            "The connection to the editor was lost ({reason}). Your message was not sent again; checking the timeline instead."
        )));
        let mut project = project;
        let mut wait = RECOVERY_FIRST_WAIT;
        for _ in 0..RECOVERY_READS {
            progress.report(ProgressEvent::Waiting { reason: "waiting for the edit to land".into(), duration: wait });
            self.clock.sleep(wait).await;
            wait = RECOVERY_NEXT_WAIT;
            let (next, state) = match self.read_state(project.clone(), progress).await {
                Ok(read) => read,
                Err(Error::Unreachable(_) | Error::ConnectionLost(_) | Error::RateLimited { .. }) => continue,
                Err(Error::Api(error)) if error.is_retryable() => continue,
                Err(error) => return Err(error),
            };
            project = next;
            if state.draft != before {
                let changes = changes(before.as_ref(), state.draft.as_ref());
                progress.report(ProgressEvent::Notice(format!("The edit went through. {}", changes.join("; "))));
                return Ok(TurnReport { changes, recovered: true, ..TurnReport::default() });
            }
        }
        Err(Error::TurnLost { reads: RECOVERY_READS })
    }
}

/// What is said for an edit the editor made without a word: `Done. <the changes>`.
#[must_use]
pub fn silent_edit_notice(changes: &[String]) -> String {
    format!("Done. {}", changes.join("; "))
}

/// Shows turn outputs: text translated from GUI language, activity as progress.
fn present(outputs: Vec<TurnOutput>, report: &mut TurnReport, failures: &mut Failures, progress: &dyn Progress) {
    for output in outputs {
        match output {
            TurnOutput::Text(text) => {
                let translated = gui::translate(&text);
                for action in translated.actions {
                    if !report.actions.contains(&action) {
                        report.actions.push(action);
                    }
                }
                if !translated.text.is_empty() {
                    progress.report(ProgressEvent::AgentText(translated.text.clone()));
                    report.text.push_str(&translated.text);
                }
            }
            TurnOutput::Activity(label) => progress.report(ProgressEvent::Activity(label)),
            TurnOutput::StillWorking { elapsed } => progress.report(ProgressEvent::StillWorking { elapsed }),
            TurnOutput::TimedOut => {}
            TurnOutput::Truncated { limit } => progress.report(ProgressEvent::Notice(format!(
                "The editor's reply passed {} MiB; the rest of it is not shown.",
                limit / (1024 * 1024)
            ))),
            TurnOutput::Failed(message) => failures.model = Some(message),
            TurnOutput::RunFailed(message) => failures.run = Some(message),
        }
    }
}

/// The changes between two drafts, in sentences.
fn changes(before: Option<&Draft>, after: Option<&Draft>) -> Vec<String> {
    match (before, after) {
        (Some(before), Some(after)) => draft::diff(before, after).iter().map(ToString::to_string).collect(),
        (None, Some(after)) if after.is_export_ready() => vec![after.summary()],
        _ => Vec::new(),
    }
}

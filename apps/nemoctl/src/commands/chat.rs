//! `chat [MESSAGE]`: every message goes through the core's message use case (the intent
//! router: export, credits, tracks, uploads, else a chat turn) — in this process, or in nemod
//! with `--backend daemon` — and [`show`] prints any answer the same way for both. Without
//! MESSAGE: an interactive session on a terminal, else one message per line of stdin.

use std::io::IsTerminal;
use std::path::PathBuf;

use nemo_core::gui::GuiAction;
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::service::FoundFile;
use nemo_daemon_client::wire::{ActionView, ChatAnswer, TurnView};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::media::{self, Exported};
use super::prompt::Prompt;
use super::{Ctx, account, interruptible, projects};
use crate::config::Config;
use crate::failure::CliError;
use crate::report::{self, Reporter};

/// `chat [MESSAGE]` in this process.
pub async fn chat(ctx: &Ctx<'_>, message: Option<String>) -> Result<(), CliError> {
    converse(ctx.config, ctx.reporter, message, async |text: &str| handle(ctx, text).await).await
}

/// One message, or a conversation: `handle` carries out each message (here or in nemod).
///
/// # Errors
/// The message's failure; in a piped conversation, the first failure (its exit code).
pub async fn converse(
    config: &Config,
    reporter: &Reporter,
    message: Option<String>,
    handle: impl AsyncFn(&str) -> Result<(), CliError>,
) -> Result<(), CliError> {
    if let Some(message) = message {
        return handle(&message).await;
    }
    if std::io::stdin().is_terminal() && !reporter.is_json() {
        interactive(config, reporter, &handle).await
    } else {
        lines(&handle).await
    }
}

/// One message per line of stdin; stops at the first failure (its exit code).
async fn lines(handle: &impl AsyncFn(&str) -> Result<(), CliError>) -> Result<(), CliError> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await.map_err(|e| CliError::Input(format!("stdin: {e}")))? {
        if !line.trim().is_empty() {
            handle(line.trim()).await?;
        }
    }
    Ok(())
}

/// The interactive session: a line editor ([`Prompt`]), one message per line. Ctrl-C while
/// waiting stops the wait (the message is never sent again); Ctrl-C at the prompt clears the
/// line; Ctrl-D leaves.
async fn interactive(
    config: &Config,
    reporter: &Reporter,
    handle: &impl AsyncFn(&str) -> Result<(), CliError>,
) -> Result<(), CliError> {
    eprintln!("nemoctl chat: say what to do (\"trim the pauses\", \"export\", \"credits\"); Ctrl-D quits.");
    for hint in config.profile.hints.iter().take(2) {
        eprintln!("  e.g. {hint}");
    }
    let mut prompt = Prompt::open(&config.state_dir)?;
    // The prompt blocks this thread; nothing else runs between two messages.
    while let Some(line) = prompt.next()? {
        let result = handle(&line).await;
        // Nothing may be left drawing over the next prompt.
        reporter.finish();
        match result {
            Ok(()) => {}
            Err(CliError::Interrupted) => {
                eprintln!("Stopped waiting; the message was not sent again. `status` shows the timeline.");
            }
            Err(error) => reporter.error(&error),
        }
    }
    Ok(())
}

/// Where the files a message names are: `~/` from `HOME`, relative names from this
/// process's working directory.
pub struct Finder {
    home: Option<PathBuf>,
    cwd: Option<PathBuf>,
}

impl Finder {
    /// From the environment.
    pub fn from_process() -> Self {
        Self { home: std::env::var_os("HOME").map(PathBuf::from), cwd: std::env::current_dir().ok() }
    }

    /// The file `token` names, if it exists.
    pub fn find(&self, token: &str) -> Option<FoundFile> {
        nemo_storage::find_file(token, self.home.as_deref(), self.cwd.as_deref())
    }

    /// The working directory, for nemod to find relative names the same way.
    pub fn cwd(&self) -> Option<String> {
        self.cwd.as_ref().map(|cwd| cwd.to_string_lossy().into_owned())
    }
}

/// Routes one message and carries it out in this process; an export runs in the foreground.
async fn handle(ctx: &Ctx<'_>, message: &str) -> Result<(), CliError> {
    let finder = Finder::from_process();
    let find = |token: &str| finder.find(token);
    let progress = SilentEditIsTheResult(ctx.reporter);
    let outcome = interruptible(ctx.nemo.message(message, &find, &progress)).await?;
    match ChatAnswer::of(outcome) {
        Ok(answer) => show(ctx.reporter, &answer.offline_if(ctx.offline())),
        Err(project) => {
            let output = media::default_output(ctx, &project);
            let report = interruptible(media::export_to(&ctx.nemo, &output, ctx.reporter)).await?;
            Exported::of(&report).show(ctx.reporter, Some("export"));
        }
    }
    Ok(())
}

/// Prints the answer to a message.
pub fn show(reporter: &Reporter, answer: &ChatAnswer) {
    match answer {
        ChatAnswer::Chat(turn) => show_turn(reporter, turn),
        ChatAnswer::Credits(credits) => account::show_credits(reporter, credits),
        ChatAnswer::Tracks(tracks) => projects::show_tracks(reporter, tracks),
        ChatAnswer::Upload(uploaded) if uploaded.files.is_empty() => reporter.done(
            "Name the file or URL to upload: `nemoctl upload PATH|URL...` (or say \"upload clip.mp4\").",
            json!({"intent": "upload", "files": []}),
        ),
        ChatAnswer::Upload(uploaded) => media::show_uploads(reporter, uploaded),
        ChatAnswer::Export(accepted) => report::queued(reporter, &accepted.job),
    }
}

/// A chat turn's result: the editor's text was already shown as it streamed, so only the
/// changes and what its GUI phrases mean here are printed.
fn show_turn(reporter: &Reporter, turn: &TurnView) {
    if let Some(warning) = &turn.warning {
        reporter.warn(&format!("The editor reported a problem after its reply: {warning}"));
    }
    let actions: Vec<GuiAction> = turn.actions.iter().map(ActionView::to_action).collect();
    let mut lines = Vec::new();
    if !turn.changes.is_empty() {
        // A silent edit's changes are the answer: stdout, even under -q.
        let lead = if turn.text.trim().is_empty() { "Done." } else { "Changed:" };
        lines.push(format!("{lead} {}", turn.changes.join("; ")));
    }
    lines.extend(actions.iter().filter_map(action_hint).map(str::to_owned));
    reporter.done(
        &lines.join("\n"),
        json!({
            "intent": "chat",
            "text": turn.text,
            "changes": turn.changes,
            "actions": actions.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>(),
            "recovered": turn.recovered,
            "warning": turn.warning,
        }),
    );
}

/// The core tells a silent edit as a notice ("Done. Title added: …") on stderr; the turn's
/// result prints the changes on stdout, so for people the notice is not shown twice. JSON
/// lines keep it (the `done` object carries the changes too).
pub struct SilentEditIsTheResult<'a>(pub &'a Reporter);

impl Progress for SilentEditIsTheResult<'_> {
    fn report(&self, event: ProgressEvent) {
        if !self.0.is_json() && matches!(&event, ProgressEvent::Notice(text) if is_silent_edit(text)) {
            return;
        }
        self.0.report(event);
    }
}

/// A quick edit's progress: the core's notice of a silent edit is the editor's answer, so it
/// is printed as one (on stdout).
pub struct SilentEditIsTheAnswer<'a>(pub &'a Reporter);

impl Progress for SilentEditIsTheAnswer<'_> {
    fn report(&self, event: ProgressEvent) {
        match event {
            ProgressEvent::Notice(text) if is_silent_edit(&text) => self.0.answer(&text),
            other => self.0.report(other),
        }
    }
}

/// Whether a notice is the core's telling of a silent edit ([`silent_edit_notice`]).
///
/// [`silent_edit_notice`]: nemo_core::service::silent_edit_notice
fn is_silent_edit(notice: &str) -> bool {
    notice.starts_with("Done. ")
}

/// What the editor's GUI-style suggestion means at the command line.
fn action_hint(action: &GuiAction) -> Option<&'static str> {
    match action {
        GuiAction::Export => Some("To export: `nemoctl export` (or say \"export\")."),
        GuiAction::ShowTracks | GuiAction::ShowState => Some("To see the timeline: `nemoctl tracks`."),
        GuiAction::ShowCredits => Some("To see the balance: `nemoctl credits`."),
        _ => None,
    }
}

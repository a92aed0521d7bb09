//! `chat [MESSAGE]`: every message goes through the core's intent router; export, credits,
//! tracks and uploads run here, everything else is a chat turn. Without MESSAGE: an
//! interactive session on a terminal, else one message per line of stdin.

use std::io::{IsTerminal, Write};
use std::path::Path;

use nemo_core::gui::GuiAction;
use nemo_core::intent::{Intent, route};
use nemo_core::ports::{Progress, ProgressEvent};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::{Ctx, account, ctrl_c, interruptible, media, projects};
use crate::failure::CliError;
use crate::report::Reporter;

/// The name of a project `chat` creates when none is selected.
const NEW_PROJECT: &str = "untitled";

/// `chat [MESSAGE]`.
pub async fn chat(ctx: &Ctx<'_>, message: Option<String>) -> Result<(), CliError> {
    if let Some(message) = message {
        return handle(ctx, &message).await;
    }
    if std::io::stdin().is_terminal() && !ctx.reporter.is_json() { interactive(ctx).await } else { lines(ctx).await }
}

/// One message per line of stdin; stops at the first failure (its exit code).
async fn lines(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await.map_err(|e| CliError::Input(format!("stdin: {e}")))? {
        if !line.trim().is_empty() {
            handle(ctx, line.trim()).await?;
        }
    }
    Ok(())
}

/// The interactive session: a prompt on stderr, one message per line. Ctrl-C while waiting
/// stops the wait (the message is never sent again); Ctrl-C or Ctrl-D at the prompt quits.
async fn interactive(ctx: &Ctx<'_>) -> Result<(), CliError> {
    eprintln!("nemoctl chat: say what to do (\"trim the pauses\", \"export\", \"credits\"); Ctrl-D quits.");
    for hint in ctx.config.profile.hints.iter().take(2) {
        eprintln!("  e.g. {hint}");
    }
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        eprint!("nemo> ");
        let _ = std::io::stderr().flush();
        let line = tokio::select! {
            line = lines.next_line() => line.map_err(|e| CliError::Input(format!("stdin: {e}")))?,
            () = ctrl_c() => None,
        };
        let Some(line) = line else {
            eprintln!();
            return Ok(());
        };
        if line.trim().is_empty() {
            continue;
        }
        match handle(ctx, line.trim()).await {
            Ok(()) => {}
            Err(CliError::Interrupted) => {
                eprintln!("\nStopped waiting; the message was not sent again. `status` shows the timeline.");
            }
            Err(error) => ctx.reporter.error(&error),
        }
    }
}

/// Whether a token of a message names an existing local file (`~/` expanded).
fn is_media_file(token: &str) -> bool {
    expand_home(token).is_file()
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => Path::new(path).to_path_buf(),
    }
}

/// Routes one message and runs what it asks for.
async fn handle(ctx: &Ctx<'_>, message: &str) -> Result<(), CliError> {
    let intent = route(message, &is_media_file);
    match intent {
        Intent::Credits => account::credits(ctx).await,
        Intent::Tracks => {
            ctx.nemo.current_or_new_project(NEW_PROJECT, ctx.reporter).await?;
            projects::tracks(ctx).await
        }
        Intent::Export => {
            ctx.nemo.current_or_new_project(NEW_PROJECT, ctx.reporter).await?;
            let report = media::export_current(ctx).await?;
            let mut value = media::export_json(&report);
            value["intent"] = json!("export");
            ctx.reporter.done(&media::export_text(&report), value);
            Ok(())
        }
        Intent::Upload { sources } if sources.is_empty() => {
            ctx.reporter.done(
                "Name the file or URL to upload: `nemoctl upload PATH|URL...` (or say \"upload clip.mp4\").",
                json!({"intent": "upload", "files": []}),
            );
            Ok(())
        }
        Intent::Upload { sources } => {
            let sources: Vec<String> = sources
                .iter()
                .map(|s| if s.starts_with("~/") { expand_home(s).to_string_lossy().into_owned() } else { s.clone() })
                .collect();
            media::upload(ctx, &sources).await
        }
        Intent::Chat => turn(ctx, message).await,
    }
}

/// A chat turn with the editor.
async fn turn(ctx: &Ctx<'_>, message: &str) -> Result<(), CliError> {
    ctx.nemo.current_or_new_project(NEW_PROJECT, ctx.reporter).await?;
    let report = interruptible(ctx.nemo.chat(message, &SilentEditIsTheResult(ctx.reporter))).await?;
    if let Some(warning) = &report.warning {
        ctx.reporter.warn(&format!("The editor reported a problem after its reply: {warning}"));
    }
    let mut lines = Vec::new();
    if !report.changes.is_empty() {
        // A silent edit's changes are the answer: stdout, even under -q.
        let lead = if report.text.trim().is_empty() { "Done." } else { "Changed:" };
        lines.push(format!("{lead} {}", report.changes.join("; ")));
    }
    for action in &report.actions {
        if let Some(hint) = action_hint(action) {
            lines.push(hint.to_owned());
        }
    }
    ctx.reporter.done(
        &lines.join("\n"),
        json!({
            "intent": "chat",
            "text": report.text,
            "changes": report.changes,
            "actions": report.actions.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>(),
            "recovered": report.recovered,
            "warning": report.warning,
        }),
    );
    Ok(())
}

/// The core tells a silent edit as a notice ("Done. Title added: …") on stderr; `turn` prints
/// the changes on stdout as the turn's result, so for people the notice is not shown twice.
/// JSON lines keep it (the `done` object carries the changes too).
struct SilentEditIsTheResult<'a>(&'a Reporter);

impl Progress for SilentEditIsTheResult<'_> {
    fn report(&self, event: ProgressEvent) {
        if !self.0.is_json() && matches!(&event, ProgressEvent::Notice(text) if text.starts_with("Done. ")) {
            return;
        }
        self.0.report(event);
    }
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

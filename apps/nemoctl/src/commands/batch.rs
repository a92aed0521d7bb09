//! `batch SPEC [--jobs N]`: many quick edits, each its own project and render, N at a time
//! (in this process, or all handed to nemod, which runs `--max-jobs` at once). A failure does
//! not stop the others; a summary table ends it; any failure → exit 1.

use std::path::{Path, PathBuf};

use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;

use super::Ctx;
use super::media::{Exported, edit_target, quick_edit};
use crate::failure::CliError;
use crate::report::{Reporter, table};

/// One entry of the spec file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The media.
    pub files: Vec<PathBuf>,
    /// The instruction.
    pub prompt: String,
    /// Where the video goes.
    #[serde(default)]
    pub output: Option<PathBuf>,
}

/// The TOML form: `[[edit]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSpec {
    edit: Vec<Entry>,
}

/// Reads the spec: by its extension (`.json`, `.toml`), else JSON then TOML.
///
/// # Errors
/// [`CliError::Input`] when it cannot be read or is not a spec.
pub fn read_spec(path: &Path) -> Result<Vec<Entry>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let json = || serde_json::from_str::<Vec<Entry>>(&text).map_err(|e| e.to_string());
    let toml = || toml::from_str::<TomlSpec>(&text).map(|spec| spec.edit).map_err(|e| e.message().to_owned());
    let entries = match ext.as_deref() {
        Some("json") => json(),
        Some("toml") => toml(),
        _ => json().or_else(|_| toml()),
    };
    let entries = entries.map_err(|e| {
        CliError::Input(format!(
            "{} is not a batch spec ({e}); expected a JSON list of {{\"files\", \"prompt\", \"output\"}} or TOML [[edit]] tables",
            path.display()
        ))
    })?;
    if let Some(n) = entries.iter().position(|e| e.files.is_empty()) {
        return Err(CliError::Input(format!("{}: entry {} has no files", path.display(), n + 1)));
    }
    // Relative paths are relative to the spec's folder, as in Cargo.toml.
    let base = path.parent().unwrap_or(Path::new(""));
    let entries: Vec<Entry> = entries
        .into_iter()
        .map(|e| Entry {
            files: e.files.iter().map(|f| base.join(f)).collect(),
            output: e.output.map(|o| base.join(o)),
            prompt: e.prompt,
        })
        .collect();
    if let Some((first, second, output)) = twice_written(&entries) {
        return Err(CliError::Input(format!(
            "{}: entries {first} and {second} both write {}; give each its own output",
            path.display(),
            output.display()
        )));
    }
    Ok(entries)
}

/// The first two entries (1-based) that write one output, and that output (as `edit` names it
/// without `-o`, `.` components left out).
fn twice_written(entries: &[Entry]) -> Option<(usize, usize, PathBuf)> {
    let outputs: Vec<PathBuf> =
        entries.iter().map(|e| edit_target(&e.files, e.output.clone()).1.components().collect()).collect();
    outputs.iter().enumerate().find_map(|(second, output)| {
        let first = outputs[..second].iter().position(|o| o == output)?;
        Some((first + 1, second + 1, output.clone()))
    })
}

struct Outcome {
    item: usize,
    output: String,
    result: Result<Exported, CliError>,
}

/// `batch` in this process.
pub async fn batch(ctx: &Ctx<'_>, spec: &Path, jobs: usize) -> Result<(), CliError> {
    let entries = read_spec(spec)?;
    // One token for every entry, obtained before they run side by side.
    ctx.nemo.login(ctx.reporter).await?;
    run_batch(ctx.reporter, entries, jobs, async |entry: &Entry, reporter: &Reporter| {
        let nemo = ctx.wiring.scoped(None);
        let edit = quick_edit(&nemo, &entry.files, &entry.prompt, entry.output.clone(), ctx.offline(), reporter);
        super::interruptible(edit).await
    })
    .await
}

/// Runs every entry with `run`, `jobs` at a time, each reporting as its item; then prints the
/// summary table.
///
/// # Errors
/// [`CliError::BatchFailed`] when any entry failed, [`CliError::Interrupted`].
pub async fn run_batch(
    reporter: &Reporter,
    entries: Vec<Entry>,
    jobs: usize,
    run: impl AsyncFn(&Entry, &Reporter) -> Result<Exported, CliError>,
) -> Result<(), CliError> {
    let total = entries.len();
    let run = &run;
    let mut outcomes: Vec<Outcome> = futures::stream::iter(entries.into_iter().enumerate())
        .map(|(index, entry)| async move {
            let item = index + 1;
            let reporter = reporter.for_item(item);
            let result = run(&entry, &reporter).await;
            let output = match &result {
                Ok(exported) => exported.output.clone(),
                Err(_) => entry.output.as_ref().map_or_else(|| "-".into(), |o| o.to_string_lossy().into_owned()),
            };
            if let Err(error) = &result {
                reporter.error(error);
            }
            Outcome { item, output, result }
        })
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    outcomes.sort_by_key(|o| o.item);
    if outcomes.iter().any(|o| matches!(o.result, Err(CliError::Interrupted))) {
        return Err(CliError::Interrupted);
    }
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for outcome in &outcomes {
        let (status, detail) = match &outcome.result {
            Ok(exported) => ("ok", format!("{} bytes", exported.bytes)),
            Err(error) => ("failed", format!("exit {}: {}", error.exit_code(), error.message())),
        };
        rows.push([outcome.item.to_string(), status.to_owned(), outcome.output.clone(), detail]);
        items.push(match &outcome.result {
            Ok(exported) => json!({"item": outcome.item, "ok": true, "result": exported.json()}),
            Err(error) => json!({
                "item": outcome.item, "ok": false, "output": outcome.output,
                "code": error.exit_code(), "message": error.message(), "hint": error.hint(),
            }),
        });
    }
    let summary =
        format!("{}\n{} of {total} edits succeeded", table(["#", "STATUS", "OUTPUT", "DETAIL"], rows), total - failed);
    reporter.done(&summary, json!({"ok": total - failed, "failed": failed, "items": items}));
    if failed > 0 { Err(CliError::BatchFailed { failed, total }) } else { Ok(()) }
}

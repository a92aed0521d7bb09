//! `batch SPEC [--jobs N]`: many quick edits, each its own project and render, N at a time.
//! A failure does not stop the others; a summary table ends it; any failure → exit 1.

use std::path::{Path, PathBuf};

use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;

use super::Ctx;
use super::media::{edit_json, quick_edit};
use crate::failure::CliError;
use crate::report::table;

/// One entry of the spec file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    files: Vec<PathBuf>,
    prompt: String,
    #[serde(default)]
    output: Option<PathBuf>,
}

/// The TOML form: `[[edit]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSpec {
    edit: Vec<Entry>,
}

/// Reads the spec: by its extension (`.json`, `.toml`), else JSON then TOML.
fn read_spec(path: &Path) -> Result<Vec<Entry>, CliError> {
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
    Ok(entries
        .into_iter()
        .map(|e| Entry {
            files: e.files.iter().map(|f| base.join(f)).collect(),
            output: e.output.map(|o| base.join(o)),
            prompt: e.prompt,
        })
        .collect())
}

struct Outcome {
    item: usize,
    output: String,
    result: Result<(u64, serde_json::Value), CliError>,
}

/// `batch`.
pub async fn batch(ctx: &Ctx<'_>, spec: &Path, jobs: usize) -> Result<(), CliError> {
    let entries = read_spec(spec)?;
    // One token for every entry, obtained before they run side by side.
    ctx.nemo.login(ctx.reporter).await?;
    let total = entries.len();
    let mut outcomes: Vec<Outcome> = futures::stream::iter(entries.into_iter().enumerate())
        .map(|(index, entry)| async move {
            let item = index + 1;
            let reporter = ctx.reporter.for_item(item);
            let nemo = ctx.wiring.scoped(None);
            let output = entry.output.clone();
            let result = super::interruptible(quick_edit(&nemo, &entry.files, &entry.prompt, output, &reporter)).await;
            let output = match &result {
                Ok((_, export)) => export.output.clone(),
                Err(_) => entry.output.as_ref().map_or_else(|| "-".into(), |o| o.to_string_lossy().into_owned()),
            };
            if let Err(error) = &result {
                reporter.error(error);
            }
            Outcome { item, output, result: result.map(|(turn, export)| (export.bytes, edit_json(&turn, &export))) }
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
            Ok((bytes, _)) => ("ok", format!("{bytes} bytes")),
            Err(error) => ("failed", format!("exit {}: {}", error.exit_code(), error.message())),
        };
        rows.push([outcome.item.to_string(), status.to_owned(), outcome.output.clone(), detail]);
        items.push(match &outcome.result {
            Ok((_, value)) => json!({"item": outcome.item, "ok": true, "result": value}),
            Err(error) => json!({
                "item": outcome.item, "ok": false, "output": outcome.output,
                "code": error.exit_code(), "message": error.message(), "hint": error.hint(),
            }),
        });
    }
    let summary =
        format!("{}\n{} of {total} edits succeeded", table(["#", "STATUS", "OUTPUT", "DETAIL"], rows), total - failed);
    ctx.reporter.done(&summary, json!({"ok": total - failed, "failed": failed, "items": items}));
    if failed > 0 { Err(CliError::BatchFailed { failed, total }) } else { Ok(()) }
}

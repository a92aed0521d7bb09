//! `upload`, `export`, `edit`: media in, video out.

use std::path::{Path, PathBuf};

use nemo_core::error::Error;
use nemo_core::model::Asset;
use nemo_core::ports::Progress;
use nemo_core::service::{ExportReport, TurnReport, UploadSource, check_file};
use nemo_daemon_client::wire::asset_json;
use serde_json::{Value, json};

use super::{Ctx, interruptible};
use crate::failure::CliError;
use crate::wiring::Service;

/// Checks every file or URL before anything is sent (format, size, existence).
///
/// # Errors
/// [`Error::MediaRefused`] or [`Error::FileUnreadable`] for the first bad one.
pub fn check_sources(sources: &[String]) -> Result<Vec<UploadSource>, Error> {
    sources
        .iter()
        .map(|source| {
            let size = std::fs::metadata(source).ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
            check_file(source, size)
        })
        .collect()
}

/// `upload PATH|URL...`.
pub async fn upload(ctx: &Ctx<'_>, sources: &[String]) -> Result<(), CliError> {
    let checked = check_sources(sources)?;
    let assets = interruptible(ctx.nemo.upload(&checked, ctx.reporter)).await?;
    let text = assets.iter().map(describe).collect::<Vec<_>>().join("\n");
    ctx.reporter.done(&text, json!({"files": assets.iter().map(asset_json).collect::<Vec<_>>()}));
    Ok(())
}

fn describe(asset: &Asset) -> String {
    let mut text = format!("Uploaded {}", asset.filename);
    let kind = asset.kind.map(|k| k.as_str().to_owned());
    let details: Vec<String> = [
        kind,
        asset.duration_s.map(|d| format!("{d:.1} s")),
        asset.width.zip(asset.height).map(|(w, h)| format!("{w}x{h}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !details.is_empty() {
        text.push_str(&format!(" ({})", details.join(", ")));
    }
    text
}

/// `export [-o FILE]` in the foreground (`--detach` is nemod's: see `daemon.rs`).
pub async fn export(ctx: &Ctx<'_>, output: Option<PathBuf>) -> Result<(), CliError> {
    let project = ctx.nemo.current_project().await?;
    let output = output.unwrap_or_else(|| ctx.config.output_dir.join(format!("{}.mp4", file_safe(&project.name))));
    let report = interruptible(ctx.nemo.export(&output.to_string_lossy(), ctx.reporter)).await?;
    ctx.reporter.done(&export_text(&report), export_json(&report));
    Ok(())
}

/// Runs the export flow of the current project to the default or given file (for `chat`).
///
/// # Errors
/// As [`export`].
pub async fn export_current(ctx: &Ctx<'_>) -> Result<ExportReport, CliError> {
    let project = ctx.nemo.current_project().await?;
    let output = ctx.config.output_dir.join(format!("{}.mp4", file_safe(&project.name)));
    interruptible(ctx.nemo.export(&output.to_string_lossy(), ctx.reporter)).await
}

/// `out.mp4 (4.1 KB)`.
pub fn export_text(report: &ExportReport) -> String {
    format!("{} ({} bytes)", report.output, report.bytes)
}

/// The `done` object of an export.
pub fn export_json(report: &ExportReport) -> Value {
    json!({"output": report.output, "render_id": report.render_id.as_str(), "bytes": report.bytes})
}

/// A project name as a file name: path separators and control characters become `_`.
pub fn file_safe(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() || c == ':' { '_' } else { c }).collect();
    let safe = safe.trim().trim_start_matches('.').to_owned();
    if safe.is_empty() { "project".into() } else { safe }
}

/// `edit FILE... -p TEXT [-o FILE]`.
pub async fn edit(ctx: &Ctx<'_>, files: &[PathBuf], prompt: &str, output: Option<PathBuf>) -> Result<(), CliError> {
    let (turn, export) = interruptible(quick_edit(&ctx.nemo, files, prompt, output, ctx.reporter)).await?;
    ctx.reporter.done(&export_text(&export), edit_json(&turn, &export));
    Ok(())
}

/// The `done` object of a quick edit.
pub fn edit_json(turn: &TurnReport, export: &ExportReport) -> Value {
    let mut value = export_json(export);
    value["changes"] = json!(turn.changes);
    value
}

/// The quick edit: checks the files first (nothing is sent when one is refused), then the
/// core's [`Service::quick_edit`] (new project, upload, one instruction, export).
///
/// # Errors
/// A refused file, or the first failing step's error.
pub async fn quick_edit(
    nemo: &Service,
    files: &[PathBuf],
    prompt: &str,
    output: Option<PathBuf>,
    progress: &dyn Progress,
) -> Result<(TurnReport, ExportReport), Error> {
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    let sources = check_sources(&names)?;
    let stem = files.first().and_then(|f| f.file_stem()).map_or("project".into(), |s| s.to_string_lossy().into_owned());
    let output = output.unwrap_or_else(|| Path::new(".").join(format!("{stem}-edited.mp4")));
    nemo.quick_edit(&stem, &sources, prompt, &output.to_string_lossy(), progress).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_become_safe_file_names() {
        assert_eq!(file_safe("trip"), "trip");
        assert_eq!(file_safe("../a/b"), "_a_b");
        assert_eq!(file_safe(""), "project");
        assert_eq!(file_safe("..."), "project");
    }
}

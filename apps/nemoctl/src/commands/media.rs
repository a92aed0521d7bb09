//! `upload`, `export`, `edit`: media in, video out. [`show_uploads`] and [`Exported`] print a
//! result the same way whether it came from this process or from nemod.

use std::path::{Path, PathBuf};

use nemo_core::error::Error;
use nemo_core::media::Accepts;
use nemo_core::model::Project;
use nemo_core::ports::Progress;
use nemo_core::service::{EditPlan, ExportReport, UploadSource};
use nemo_daemon_client::wire::{AssetView, UploadReply};
use serde_json::{Value, json};

use super::chat::SilentEditIsTheAnswer;
use super::{Ctx, interruptible};
use crate::failure::CliError;
use crate::report::{Reporter, value_of};
use crate::wiring::Service;

/// Checks every file or URL before anything is sent (format, size, existence); `offline`:
/// as the offline editor takes them (subtitle files too, any size).
///
/// # Errors
/// [`Error::MediaRefused`] or [`Error::FileUnreadable`] for the first bad one.
pub fn check_sources(sources: &[String], offline: bool) -> Result<Vec<UploadSource>, Error> {
    let accepts = if offline { nemo_offline::ACCEPTS } else { Accepts::CLOUD };
    sources.iter().map(|source| nemo_storage::check_source(source, &accepts)).collect()
}

/// `upload PATH|URL...`.
pub async fn upload(ctx: &Ctx<'_>, sources: &[String]) -> Result<(), CliError> {
    let checked = check_sources(sources, ctx.offline())?;
    let assets = interruptible(ctx.nemo.upload(&checked, ctx.reporter)).await?;
    show_uploads(ctx.reporter, &UploadReply { files: assets.iter().map(AssetView::of).collect() });
    Ok(())
}

/// Prints what was uploaded, one file a line.
pub fn show_uploads(reporter: &Reporter, uploaded: &UploadReply) {
    let text = uploaded.files.iter().map(describe).collect::<Vec<_>>().join("\n");
    reporter.done(&text, value_of(uploaded));
}

fn describe(asset: &AssetView) -> String {
    let mut text = format!("Uploaded {}", asset.filename);
    let details: Vec<String> = [
        asset.kind.clone(),
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

/// `export [-o FILE] [--resolution R]` in the foreground (`--detach` is nemod's: see
/// `daemon.rs`).
pub async fn export(ctx: &Ctx<'_>, output: Option<PathBuf>, resolution: Option<&str>) -> Result<(), CliError> {
    if let Some(resolution) = resolution {
        resize(ctx, resolution).await?;
    }
    let project = ctx.nemo.current_project().await?;
    let output = output.unwrap_or_else(|| default_output(ctx, &project));
    let report = interruptible(export_to(&ctx.nemo, &output, ctx.reporter)).await?;
    Exported::of(&report).show(ctx.reporter, None);
    Ok(())
}

/// `--resolution R`: the editor's own resolution instruction, `R` as one chat turn before the
/// render, so the size is the draft's (shown by `tracks`, undone by "undo") as if it had been
/// said. Offline only: the cloud's render request carries no size and its draft is sent back
/// as received, so there it would be a paid chat turn read by the service's agent.
///
/// # Errors
/// [`CliError::Usage`] on the cloud; the turn's own.
async fn resize(ctx: &Ctx<'_>, resolution: &str) -> Result<(), CliError> {
    if !ctx.offline() {
        return Err(CliError::Usage(format!(
            "--resolution works offline only (the cloud's render request has no size): ask the editor for it \
             instead, `nemoctl chat \"make it {resolution}\"`, then export"
        )));
    }
    interruptible(ctx.nemo.chat(resolution, &SilentEditIsTheAnswer(ctx.reporter))).await?;
    Ok(())
}

/// Every export of this process (`export`, `chat export`, the MCP tools): the output is
/// checked first, so a path that cannot take a video costs no render, and claimed until the
/// export ends, so a second export to it at once is refused.
///
/// # Errors
/// [`Error::OutputRefused`], [`Error::OutputBusy`], or the export's own.
pub async fn export_to(nemo: &Service, output: &Path, progress: &dyn Progress) -> Result<ExportReport, Error> {
    let _claim = nemo_storage::output::reserve(output)?;
    nemo.export(&output.to_string_lossy(), progress).await
}

/// Where a project is exported without `-o`: `<output_dir>/<project>.mp4`.
pub fn default_output(ctx: &Ctx<'_>, project: &Project) -> PathBuf {
    ctx.config.output_dir.join(project.video_file_name())
}

/// A finished export or quick edit, as it is printed: `out.mp4 (4096 bytes)`, and for
/// `--json` `{"output", "render_id", "bytes"}` (with `"changes"` for a quick edit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// Where the file is.
    pub output: String,
    /// The render that made it.
    pub render_id: String,
    /// Its size.
    pub bytes: u64,
    /// A quick edit's changes.
    pub changes: Option<Vec<String>>,
}

impl Exported {
    /// An export of this process.
    pub fn of(report: &ExportReport) -> Self {
        Self {
            output: report.output.clone(),
            render_id: report.render_id.to_string(),
            bytes: report.bytes,
            changes: None,
        }
    }

    /// The `done` object.
    pub fn json(&self) -> Value {
        let mut value = json!({"output": self.output, "render_id": self.render_id, "bytes": self.bytes});
        if let Some(changes) = &self.changes {
            value["changes"] = json!(changes);
        }
        value
    }

    /// Prints it; `intent` names the chat intent that asked for it.
    pub fn show(&self, reporter: &Reporter, intent: Option<&str>) {
        let mut value = self.json();
        if let Some(intent) = intent {
            value["intent"] = json!(intent);
        }
        reporter.done(&format!("{} ({} bytes)", self.output, self.bytes), value);
    }
}

/// `edit FILE... -p TEXT [-o FILE]`: on a new project of its own, kept among the projects,
/// the current project left as it was (as through nemod).
pub async fn edit(ctx: &Ctx<'_>, files: &[PathBuf], prompt: &str, output: Option<PathBuf>) -> Result<(), CliError> {
    let progress = SilentEditIsTheAnswer(ctx.reporter);
    let own_project = ctx.wiring.scoped(None);
    let edit = quick_edit(&own_project, files, prompt, output, ctx.offline(), &progress);
    interruptible(edit).await?.show(ctx.reporter, None);
    Ok(())
}

/// What `edit FILE... [-o FILE]` names: the project (the first file's name) and the output
/// (`./<name>-edited.mp4` without `-o`).
pub fn edit_target(files: &[PathBuf], output: Option<PathBuf>) -> (String, PathBuf) {
    let stem = files.first().and_then(|f| f.file_stem()).map_or("project".into(), |s| s.to_string_lossy().into_owned());
    let output = output.unwrap_or_else(|| Path::new(".").join(format!("{stem}-edited.mp4")));
    (stem, output)
}

/// The quick edit in this process: checks the files and claims the output first (nothing is
/// sent when one is refused), then the core's [`Service::quick_edit`] (new project, upload, one instruction,
/// export).
///
/// # Errors
/// A refused file, or the first failing step's error.
pub async fn quick_edit(
    nemo: &Service,
    files: &[PathBuf],
    prompt: &str,
    output: Option<PathBuf>,
    offline: bool,
    progress: &dyn Progress,
) -> Result<Exported, Error> {
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    let sources = check_sources(&names, offline)?;
    let (name, output) = edit_target(files, output);
    let _claim = nemo_storage::output::reserve(&output)?;
    let plan =
        EditPlan { name, sources, instruction: prompt.to_owned(), output: output.to_string_lossy().into_owned() };
    let (changes, report) = nemo.quick_edit(&plan, progress).await?;
    Ok(Exported { changes: Some(changes), ..Exported::of(&report) })
}

//! What the user sees. Results on stdout; progress, warnings and errors on stderr (progress
//! only when stderr is a terminal, never under `-q`, drawn by [`Bars`]: one line per
//! activity); with `--json`, one JSON object per line on stdout: `{"event":"progress",...}`
//! (uploads and downloads at most about ten a second), then `{"event":"done",...}` or
//! `{"event":"error","code":N,"message":...,"hint":...}`, each final object naming its
//! `"command"`. Colour ([`Paint`]) only for errors and hints on stderr. Text for people goes
//! through [`printable`]: a control sequence in anything the service sent (the editor's text,
//! an error, a clip name) is shown, never obeyed.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::text::{json_for_terminal, printable};
use nemo_daemon_client::wire::{JobKind, JobList, JobStatus, JobView, progress_json};
use serde_json::{Value, json};

use crate::bars::{Activity, Bars};
use crate::failure::CliError;
use crate::paint::Paint;
use crate::width;

/// The least time between two JSON progress events of one transfer (its first and last are
/// always printed).
const TRANSFER_EVENTS_EVERY: Duration = Duration::from_millis(100);

/// How output is shaped.
#[derive(Clone)]
pub struct Reporter {
    json: bool,
    quiet: bool,
    /// The command, named in every final JSON object.
    command: &'static str,
    /// Progress lines, at a terminal only (not with `--json` or `-q`).
    bars: Option<Arc<Bars>>,
    /// Colour on stderr.
    paint: Paint,
    /// Batch entries label their progress (`[2] …`, `"item": 2`).
    item: Option<usize>,
    /// The last percent shown per render: a poll that says the same again is not shown.
    rendered: Arc<Mutex<HashMap<String, u8>>>,
    /// When each transfer's last JSON progress event was printed.
    transfers: Arc<Mutex<HashMap<String, Instant>>>,
    /// The agent's streamed text has left a line open on stdout (no newline yet).
    text_open: Arc<AtomicBool>,
}

impl Reporter {
    /// A reporter for `command` under `--json` / `-q`, drawing progress when stderr is a
    /// terminal.
    pub fn new(command: &'static str, json: bool, quiet: bool, paint: Paint) -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            json,
            quiet,
            command,
            bars: (terminal && !json && !quiet).then(|| Arc::new(Bars::stderr())),
            paint,
            item: None,
            rendered: Arc::default(),
            transfers: Arc::default(),
            text_open: Arc::default(),
        }
    }

    /// The same reporter for batch entry `item`.
    pub fn for_item(&self, item: usize) -> Self {
        Self { item: Some(item), ..self.clone() }
    }

    /// Whether output is JSON lines.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Prints a result: `text` for people, `value` (as `"event": "done"`) for `--json`.
    pub fn done(&self, text: &str, value: Value) {
        self.clear_progress();
        if self.json {
            let mut value = value;
            if !value.is_object() {
                value = json!({ "result": value });
            }
            value["event"] = json!("done");
            self.name_command(&mut value);
            self.line(value);
        } else if !text.is_empty() {
            self.out(&printable(text));
        }
    }

    /// The editor's answer told in one sentence (a silent edit's "Done. Title added: …"): a
    /// result, on stdout, on a line of its own; a batch entry's goes with its progress (the
    /// batch's result is its table), JSON keeps it as a notice.
    pub fn answer(&self, text: &str) {
        if self.json || self.item.is_some() {
            self.warn(text);
        } else {
            self.clear_progress();
            self.out(&printable(text));
        }
    }

    /// The work is over or stopped: every progress line cleared, the editor's open line ended.
    pub fn finish(&self) {
        if let Some(bars) = &self.bars {
            bars.clear_all();
        }
        self.close_text();
    }

    /// Ends the line the agent's streamed text left open, if any.
    fn close_text(&self) {
        if self.text_open.swap(false, Ordering::SeqCst) {
            write_stdout("\n");
        }
    }

    /// The agent's text as it streams: chunks printed as they come, on one line until the
    /// text itself breaks it; the first chunk of a line carries the batch prefix. The
    /// editor is talking, no longer thinking: its spinner goes.
    fn agent_text(&self, text: &str) {
        self.clear_progress();
        let text = printable(text);
        let chunk = if self.text_open.load(Ordering::SeqCst) {
            text.into_owned()
        } else {
            format!("{}{}", self.prefix(), text.trim_start())
        };
        self.lifted(|| write_stdout(&chunk));
        self.text_open.store(!chunk.ends_with('\n'), Ordering::SeqCst);
    }

    /// A whole line on stdout, after closing any open text line.
    fn out(&self, line: &str) {
        self.close_text();
        self.lifted(|| write_stdout(&format!("{line}\n")));
    }

    /// Runs `print` with the progress lines lifted off the terminal.
    fn lifted(&self, print: impl FnOnce()) {
        match &self.bars {
            Some(bars) if bars.any() => bars.suspend(print),
            _ => print(),
        }
    }

    /// Clears this reporter's progress line: what it showed is over.
    fn clear_progress(&self) {
        if let Some(bars) = &self.bars {
            bars.clear(self.item);
        }
    }

    /// A warning on stderr (or a `notice` progress event), shown even when stderr is not a
    /// terminal, hidden by `-q`.
    pub fn warn(&self, text: &str) {
        self.report(ProgressEvent::Notice(text.to_owned()));
    }

    /// Prints a failure: what happened and what to do.
    pub fn error(&self, error: &CliError) {
        self.clear_progress();
        if self.json {
            let mut value = json!({
                "event": "error",
                "code": error.exit_code(),
                "message": error.message(),
                "hint": error.hint(),
            });
            self.name_command(&mut value);
            self.line(value);
        }
        self.close_text();
        let text = format!(
            "{}{} {}\n  {}",
            self.prefix(),
            self.paint.error("error:"),
            printable(&error.message()),
            self.paint.hint(&printable(&error.hint()))
        );
        self.lifted(|| eprintln!("{text}"));
    }

    /// Adds `"command"` to a final object, keeping a `command` key it already has.
    fn name_command(&self, value: &mut Value) {
        if let Some(object) = value.as_object_mut() {
            object.entry("command").or_insert_with(|| json!(self.command));
        }
    }

    fn line(&self, mut value: Value) {
        if let (Some(item), Some(object)) = (self.item, value.as_object_mut()) {
            object.insert("item".into(), json!(item));
        }
        self.out(&json_for_terminal(&value.to_string()));
    }

    fn prefix(&self) -> String {
        self.item.map_or_else(String::new, |i| format!("[{i}] "))
    }

    /// Whether a transfer's JSON progress event is printed: its first and last always, the
    /// rest at most one per [`TRANSFER_EVENTS_EVERY`].
    fn transfer_event_due(&self, name: &str, done: u64, total: Option<u64>) -> bool {
        let mut last = self.transfers.lock().unwrap_or_else(PoisonError::into_inner);
        let key = format!("{:?}/{name}", self.item);
        let now = Instant::now();
        let due = done == 0
            || total.is_some_and(|total| done >= total)
            || last.get(&key).is_none_or(|at| now.duration_since(*at) >= TRANSFER_EVENTS_EVERY);
        if due {
            last.insert(key, now);
        }
        due
    }

    /// A line on stderr for people, above any progress line; at a terminal it starts a line
    /// of its own (a pipe's stdout is left as the editor wrote it).
    fn tell(&self, text: &str) {
        if self.bars.is_some() {
            self.close_text();
        }
        let line = format!("{}{}", self.prefix(), printable(text));
        self.lifted(|| eprintln!("{line}"));
    }
}

fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (`nemoctl … | head`) is not worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

impl Progress for Reporter {
    fn report(&self, event: ProgressEvent) {
        if let ProgressEvent::Render { id, percent } = &event {
            let mut rendered = self.rendered.lock().unwrap_or_else(PoisonError::into_inner);
            if rendered.insert(id.as_str().to_owned(), *percent) == Some(*percent) {
                return;
            }
        }
        if self.json {
            let due = match &event {
                ProgressEvent::Upload { name, sent, total } => self.transfer_event_due(name, *sent, Some(*total)),
                ProgressEvent::Download { received, total } => self.transfer_event_due("", *received, *total),
                _ => true,
            };
            if due && (!self.quiet || matches!(event, ProgressEvent::AgentText(_))) {
                self.line(progress_json(&event));
            }
            return;
        }
        let activity = match event {
            // The editor's reply is a result, not progress.
            ProgressEvent::AgentText(text) => return self.agent_text(&text),
            ProgressEvent::Notice(text) if !self.quiet => return self.tell(&text),
            ProgressEvent::Notice(_) => return,
            ProgressEvent::Step(text) | ProgressEvent::Activity(text) => Activity::Step(printable(&text).into_owned()),
            ProgressEvent::StillWorking { elapsed } => {
                Activity::Step(format!("Still working… ({} min)", elapsed.as_secs() / 60))
            }
            ProgressEvent::Waiting { reason, duration } => {
                Activity::Step(format!("{}: waiting {} s", printable(&reason), duration.as_secs()))
            }
            ProgressEvent::Render { id, percent } => Activity::Render { id: id.as_str().to_owned(), percent },
            ProgressEvent::Upload { name, sent, total } => {
                Activity::Transfer { name: printable(&name).into_owned(), done: sent, total: Some(total) }
            }
            ProgressEvent::Download { received, total } => {
                Activity::Transfer { name: "downloading".into(), done: received, total }
            }
        };
        if let Some(bars) = &self.bars {
            // A progress line drawn over an open line of the editor's text would wipe it.
            self.close_text();
            bars.show(self.item, activity);
        }
    }
}

/// A wire value as the JSON `--json` prints (every wire type serializes; `null` cannot
/// happen).
pub fn value_of(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Prints a job nemod accepted and will see through on its own (`--detach`, or an export a
/// chat message asked for): its id and where the file goes.
pub fn queued(reporter: &Reporter, job: &JobView) {
    let what = match job.kind {
        JobKind::Export => "Export",
        JobKind::Edit => "Quick edit",
    };
    let text = format!(
        "{what} queued as {} → {}\nnemod sees it through; follow it with `nemoctl --backend daemon jobs`.",
        job.id, job.output
    );
    reporter.done(
        &text,
        json!({"id": job.id, "render_id": job.render(), "output": job.output, "state": job.state, "detached": true}),
    );
}

/// Prints a list of render jobs — local or nemod's, the same shape: a table for people (or
/// `empty` when there is none) and [`JobList`] for scripts.
pub fn jobs(reporter: &Reporter, jobs: Vec<JobView>, empty: &str) {
    let text = if jobs.is_empty() {
        empty.to_owned()
    } else {
        let state = |job: &JobView| match (job.state, job.progress, job.bytes, &job.reason, &job.step) {
            (JobStatus::Rendering, Some(100), ..) => "rendered, not downloaded".to_owned(),
            (JobStatus::Rendering, Some(progress), ..) => format!("rendering {progress}%"),
            (JobStatus::Done, _, Some(bytes), ..) => format!("done ({})", human_bytes(bytes)),
            (JobStatus::Failed, _, _, Some(reason), _) => format!("failed: {reason}"),
            (JobStatus::Editing, .., Some(step)) => format!("editing: {step}"),
            (state, ..) => state.as_str().to_owned(),
        };
        let rows = jobs.iter().map(|job| [job.id.clone(), job.project.clone(), state(job), job.output.clone()]);
        table(["JOB", "PROJECT", "STATE", "OUTPUT"], rows)
    };
    reporter.done(&text, value_of(&JobList { jobs }));
}

/// `4096` → `4.0 KB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A plain-text table: each column as wide as its widest cell, two spaces between columns,
/// the last column unpadded (so a long reason or path never pushes the others apart); cut
/// to the terminal's width when stdout is one.
pub fn table<const N: usize>(header: [&str; N], rows: impl IntoIterator<Item = [String; N]>) -> String {
    table_within(header, rows, width::stdout_columns())
}

/// [`table`] within `columns` characters, when given.
pub fn table_within<const N: usize>(
    header: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
    columns: Option<usize>,
) -> String {
    let rows: Vec<[String; N]> = rows.into_iter().collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    if let Some(columns) = columns {
        width::fit(&mut widths, columns);
    }
    let line = |cells: [&str; N]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let cell = width::truncate(cell, widths[i]);
            if i + 1 < N {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            } else {
                text.push_str(&cell);
            }
        }
        text.trim_end().to_owned()
    };
    std::iter::once(line(header))
        .chain(rows.iter().map(|row| line(std::array::from_fn(|i| row[i].as_str()))))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns_fit_their_widest_cell_and_the_last_is_not_padded() {
        let text = table(
            ["RENDER", "STATE", "OUTPUT"],
            [
                ["render_1".to_owned(), "failed: codec exploded".to_owned(), "a.mp4".to_owned()],
                ["render_22".to_owned(), "done".to_owned(), "b.mp4".to_owned()],
            ],
        );
        assert_eq!(
            text,
            "RENDER     STATE                   OUTPUT\n\
             render_1   failed: codec exploded  a.mp4\n\
             render_22  done                    b.mp4"
        );
    }

    #[test]
    fn a_table_fits_the_width_it_is_given_long_cells_cut_with_an_ellipsis() {
        let rows =
            [["render_1796024322672".to_owned(), "trip".to_owned(), "/home/me/videos/a/long/path/trip.mp4".to_owned()]];
        let text = table_within(["JOB", "PROJECT", "OUTPUT"], rows.clone(), Some(40));
        assert!(text.lines().all(|line| line.chars().count() <= 40), "{text}");
        assert!(text.lines().nth(1).unwrap().ends_with('…'), "{text}");
        assert_eq!(
            table_within(["JOB", "PROJECT", "OUTPUT"], rows.clone(), None),
            table_within(["JOB", "PROJECT", "OUTPUT"], rows, Some(200))
        );
    }

    #[test]
    fn bytes_read_like_people_write_them() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(4096), "4.1 KB");
        assert_eq!(human_bytes(501_000_000), "501.0 MB");
    }
}

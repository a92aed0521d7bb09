//! What the user sees. Results on stdout; progress, warnings and errors on stderr (progress
//! only when stderr is a terminal, never under `-q`); with `--json`, one JSON object per line
//! on stdout: `{"event":"progress",...}`, then `{"event":"done",...}` or
//! `{"event":"error","code":N,"message":...,"hint":...}`. nemoctl uses no colour, so
//! `NO_COLOR` is honoured trivially. Text for people goes through [`printable`]: a control
//! sequence in anything the service sent (the editor's text, an error, a clip name) is shown,
//! never obeyed.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::text::{json_for_terminal, printable};
use nemo_daemon_client::wire::{JobKind, JobList, JobStatus, JobView, progress_json};
use serde_json::{Value, json};

use crate::failure::CliError;

/// How output is shaped.
#[derive(Debug, Clone)]
pub struct Reporter {
    json: bool,
    quiet: bool,
    terminal: bool,
    /// Batch entries label their progress (`[2] …`, `"item": 2`).
    item: Option<usize>,
    /// The last percent shown per render: a poll that says the same again is not shown.
    rendered: Arc<Mutex<HashMap<String, u8>>>,
    /// The agent's streamed text has left a line open on stdout (no newline yet).
    text_open: Arc<AtomicBool>,
}

impl Reporter {
    /// A reporter for `--json` / `-q`, looking at whether stderr is a terminal.
    pub fn new(json: bool, quiet: bool) -> Self {
        Self {
            json,
            quiet,
            terminal: std::io::stderr().is_terminal(),
            item: None,
            rendered: Arc::default(),
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
        if self.json {
            let mut value = value;
            if !value.is_object() {
                value = json!({ "result": value });
            }
            value["event"] = json!("done");
            self.line(value);
        } else if !text.is_empty() {
            self.out(&printable(text));
        }
    }

    /// Ends the line the agent's streamed text left open, if any.
    pub fn close_text(&self) {
        if self.text_open.swap(false, Ordering::SeqCst) {
            write_stdout("\n");
        }
    }

    /// The agent's text as it streams: chunks printed as they come, on one line until the
    /// text itself breaks it; the first chunk of a line carries the batch prefix.
    fn agent_text(&self, text: &str) {
        let text = printable(text);
        let chunk = if self.text_open.load(Ordering::SeqCst) {
            text.into_owned()
        } else {
            format!("{}{}", self.prefix(), text.trim_start())
        };
        write_stdout(&chunk);
        self.text_open.store(!chunk.ends_with('\n'), Ordering::SeqCst);
    }

    /// A whole line on stdout, after closing any open text line.
    fn out(&self, line: &str) {
        self.close_text();
        write_stdout(&format!("{line}\n"));
    }

    /// A warning on stderr (or a `notice` progress event), shown even when stderr is not a
    /// terminal, hidden by `-q`.
    pub fn warn(&self, text: &str) {
        self.report(ProgressEvent::Notice(text.to_owned()));
    }

    /// Prints a failure: what happened and what to do.
    pub fn error(&self, error: &CliError) {
        if self.json {
            self.line(json!({
                "event": "error",
                "code": error.exit_code(),
                "message": error.message(),
                "hint": error.hint(),
            }));
        }
        self.close_text();
        eprintln!("{}error: {}\n  {}", self.prefix(), printable(&error.message()), printable(&error.hint()));
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
            if !self.quiet || matches!(event, ProgressEvent::AgentText(_)) {
                self.line(progress_json(&event));
            }
            return;
        }
        let prefix = self.prefix();
        match event {
            // The editor's reply is a result, not progress.
            ProgressEvent::AgentText(text) => self.agent_text(&text),
            ProgressEvent::Notice(text) if !self.quiet => eprintln!("{prefix}{}", printable(&text)),
            _ if self.quiet || !self.terminal => {}
            ProgressEvent::Step(text) | ProgressEvent::Activity(text) => eprintln!("{prefix}… {}", printable(&text)),
            ProgressEvent::StillWorking { elapsed } => {
                eprintln!("{prefix}⏳ Still working… ({} min)", elapsed.as_secs() / 60);
            }
            ProgressEvent::Waiting { reason, duration } => {
                eprintln!("{prefix}… {}: waiting {} s", printable(&reason), duration.as_secs());
            }
            ProgressEvent::Render { percent, .. } => eprintln!("{prefix}… rendering {percent}%"),
            ProgressEvent::Upload { name, sent, total } => {
                eprint!("\r{prefix}… {} {}%", printable(&name), percent(sent, Some(total)));
                if sent >= total {
                    eprintln!();
                }
            }
            ProgressEvent::Download { received, total } => {
                eprint!("\r{prefix}… downloaded {}", human_bytes(received));
                if total.is_some_and(|t| received >= t) {
                    eprintln!();
                }
            }
            ProgressEvent::Notice(_) => {}
        }
    }
}

fn percent(done: u64, total: Option<u64>) -> u64 {
    match total {
        Some(0) | None => 100,
        Some(total) => done.saturating_mul(100) / total,
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
/// the last column unpadded (so a long reason or path never pushes the others apart).
pub fn table<const N: usize>(header: [&str; N], rows: impl IntoIterator<Item = [String; N]>) -> String {
    let rows: Vec<[String; N]> = rows.into_iter().collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; N]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 < N {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            } else {
                text.push_str(cell);
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
    fn bytes_read_like_people_write_them() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(4096), "4.1 KB");
        assert_eq!(human_bytes(501_000_000), "501.0 MB");
    }
}

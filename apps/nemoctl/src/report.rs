//! What the user sees: progress on stderr (or JSON lines on stdout with `--json`), results on
//! stdout, errors with what to do next.

use std::io::Write;

use nemo_core::error::Error;
use nemo_core::ports::{Progress, ProgressEvent};
use serde_json::{Value, json};

/// How output is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    /// JSON lines on stdout.
    pub json: bool,
    /// No progress at all.
    pub quiet: bool,
}

impl Reporter {
    /// Prints a result: `text` for people, `value` (with `"event": "done"`) for `--json`.
    pub fn result(&self, text: &str, mut value: Value) {
        if self.json {
            value["event"] = json!("done");
            emit_line(&value.to_string());
        } else {
            emit_line(text);
        }
    }

    /// Prints an error: what happened and what to do.
    pub fn error(&self, error: &Error) {
        if self.json {
            let value = json!({"event": "error", "exit": error.exit().code(), "message": error.to_string(), "hint": error.hint()});
            emit_line(&value.to_string());
        }
        eprintln!("error: {error}\n  {}", error.hint());
    }
}

fn emit_line(line: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (`nemoctl … | head`) is not worth a panic.
    let _ = writeln!(stdout, "{line}");
}

impl Progress for Reporter {
    fn report(&self, event: ProgressEvent) {
        if self.json {
            emit_line(&progress_json(&event).to_string());
            return;
        }
        if self.quiet {
            return;
        }
        match event {
            ProgressEvent::AgentText(text) => emit_line(text.trim_end()),
            ProgressEvent::Notice(text) => eprintln!("{text}"),
            ProgressEvent::Step(text) | ProgressEvent::Activity(text) => eprintln!("… {text}"),
            ProgressEvent::StillWorking { elapsed } => eprintln!("⏳ Still working… ({} min)", elapsed.as_secs() / 60),
            ProgressEvent::Waiting { reason, duration } => eprintln!("… {reason}: waiting {} s", duration.as_secs()),
            ProgressEvent::Render { percent, .. } => eprintln!("… rendering {percent}%"),
            ProgressEvent::Upload { .. } | ProgressEvent::Download { .. } => {}
        }
    }
}

/// One progress event as a JSON object.
fn progress_json(event: &ProgressEvent) -> Value {
    match event {
        ProgressEvent::Step(text) => json!({"event": "step", "text": text}),
        ProgressEvent::Notice(text) => json!({"event": "notice", "text": text}),
        ProgressEvent::AgentText(text) => json!({"event": "text", "text": text}),
        ProgressEvent::Activity(text) => json!({"event": "activity", "text": text}),
        ProgressEvent::StillWorking { elapsed } => json!({"event": "still_working", "elapsed_s": elapsed.as_secs()}),
        ProgressEvent::Waiting { reason, duration } => {
            json!({"event": "waiting", "reason": reason, "seconds": duration.as_secs_f64()})
        }
        ProgressEvent::Upload { name, sent, total } => {
            json!({"event": "upload", "name": name, "sent": sent, "total": total})
        }
        ProgressEvent::Render { id, percent } => {
            json!({"event": "render", "render_id": id.as_str(), "percent": percent})
        }
        ProgressEvent::Download { received, total } => {
            json!({"event": "download", "received": received, "total": total})
        }
    }
}

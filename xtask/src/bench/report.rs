//! `BENCHMARKS.md`: the machine, the date, and one table row per figure — median, range, the
//! reference measured in the same run, the ratio, and the goal it is read against.

use std::fmt::Write;
use std::process::Command;

use super::Plan;
use super::measure::Stats;

/// One figure.
pub struct Row {
    /// What was measured.
    pub what: String,
    /// Our numbers.
    pub ours: Stats,
    /// The reference's numbers (curl, plain ffmpeg), measured in the same run.
    pub reference: Option<(String, Stats)>,
    /// The unit of both.
    pub unit: &'static str,
    /// Ours relative to the reference (or to the goal), oriented so that the goal reads it.
    pub ratio: Option<f64>,
    /// The goal, in words (`≥ 0.9× curl`).
    pub goal: String,
}

impl Row {
    /// Ours next to a reference measured in the same run; the ratio is ours ÷ reference.
    pub fn against(
        what: impl Into<String>,
        ours: Stats,
        reference: (&str, Stats),
        unit: &'static str,
        goal: &str,
    ) -> Self {
        let (name, reference) = reference;
        Self {
            what: what.into(),
            ours,
            reference: Some((name.to_owned(), reference)),
            unit,
            ratio: Some(ours.median / reference.median),
            goal: goal.to_owned(),
        }
    }
}

/// The report being gathered.
pub struct Report {
    preamble: String,
    sections: Vec<(String, Vec<Row>, String)>,
}

impl Report {
    /// An empty report about this machine and plan.
    pub fn new(plan: &Plan) -> Self {
        let mut preamble = String::new();
        let _ = writeln!(preamble, "# Benchmarks\n");
        let _ = writeln!(
            preamble,
            "Written by `cargo xtask bench`{}; do not edit by hand. Every figure is a median over the \
             runs, with the range in brackets, next to its reference measured in the same run.\n",
            if plan.quick { " --quick (a smoke run: small files, one run; not for comparison)" } else { "" }
        );
        let _ = writeln!(preamble, "- Date: {}", shell_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
        let _ = writeln!(preamble, "- Machine: {}, {} cores, {}", cpu_model(), shell_line("nproc", &[]), memory());
        let _ = writeln!(preamble, "- Kernel: {}", shell_line("uname", &["-sr"]));
        let _ = writeln!(preamble, "- Runs per figure: {}\n", plan.runs);
        Self { preamble, sections: Vec::new() }
    }

    /// Adds a section: a title, its rows, and a paragraph saying how it was measured.
    pub fn section(&mut self, title: &str, rows: Vec<Row>, how: &str) {
        self.sections.push((title.to_owned(), rows, how.to_owned()));
    }

    /// The whole file.
    pub fn render(&self) -> String {
        let mut out = self.preamble.clone();
        for (title, rows, how) in &self.sections {
            let _ = writeln!(out, "## {title}\n\n{how}\n");
            let _ = writeln!(out, "| figure | ours | reference | ratio | goal |\n|---|---|---|---|---|");
            for row in rows {
                let reference = row
                    .reference
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), |(name, stats)| format!("{name}: {}", cell(stats, row.unit)));
                let ratio = row.ratio.map_or_else(|| "—".to_owned(), |r| format!("{r:.2}×"));
                let _ = writeln!(
                    out,
                    "| {} | {} | {reference} | {ratio} | {} |",
                    row.what,
                    cell(&row.ours, row.unit),
                    row.goal
                );
            }
            out.push('\n');
        }
        out
    }
}

/// Median and range, with more decimals for small numbers (0.123 s, 2.15 s, 386.3 MB/s).
fn cell(stats: &Stats, unit: &str) -> String {
    let digits = match stats.max.abs() {
        m if m < 1.0 => 3,
        m if m < 10.0 => 2,
        _ => 1,
    };
    format!("{:.digits$} {unit} [{:.digits$}–{:.digits$}]", stats.median, stats.min, stats.max)
}

fn shell_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(str::trim)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn memory() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let kib: u64 = info.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0} GiB RAM", kib as f64 / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown RAM".to_owned())
}

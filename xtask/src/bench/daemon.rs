//! nemod under load: `nemod`'s `poll_load` example (the daemon in-process, the fake cloud as a
//! child with renders that outlast the run) holds many render jobs that are only polled; its
//! report line gives the peak RSS and the CPU seconds spent while only waiting.

use std::path::Path;
use std::process::Command;

use super::Plan;
use super::measure::Stats;
use super::report::{Report, Row};

/// Peak RSS the daemon may use with 1,000 pending jobs (the goal).
const RSS_GOAL_MB: f64 = 64.0;

/// One run's figures.
struct Load {
    submitted_s: f64,
    cpu_s: f64,
    rss_mb: f64,
}

/// Runs `poll_load` and adds the section.
pub fn run(plan: &Plan, bin: &Path, report: &mut Report) -> Result<(), String> {
    let (jobs, settle, wait) = if plan.quick { (100, 3, 5) } else { (1000, 20, 30) };
    let runs = plan.runs.min(3);
    let example = bin.join("examples").join("poll_load");
    let mut loads = Vec::new();
    for _ in 0..runs {
        eprintln!("xtask: poll_load --jobs {jobs} --settle {settle} --wait {wait}");
        let output = Command::new(&example)
            .args(["--jobs", &jobs.to_string(), "--settle", &settle.to_string(), "--wait", &wait.to_string()])
            .output()
            .map_err(|e| format!("could not run {}: {e}", example.display()))?;
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!("poll_load failed: {text}{}", String::from_utf8_lossy(&output.stderr)));
        }
        loads.push(parse(&text).ok_or_else(|| format!("unreadable poll_load report: {text}"))?);
    }
    let stats = |f: fn(&Load) -> f64| Stats::of(loads.iter().map(f)).ok_or("no poll_load runs");
    let (rss, cpu, submitted) = (stats(|l| l.rss_mb)?, stats(|l| l.cpu_s)?, stats(|l| l.submitted_s)?);
    let per_core = cpu.scaled(100.0 / wait as f64);
    let rows = vec![
        Row {
            what: format!("peak RSS with {jobs} render jobs polled"),
            ours: rss,
            reference: None,
            unit: "MB",
            ratio: Some(rss.median / RSS_GOAL_MB),
            goal: format!("≤ {RSS_GOAL_MB:.0} MB (ratio to it ≤ 1)"),
        },
        Row {
            what: format!("CPU while only waiting, {wait} s window"),
            ours: cpu,
            reference: None,
            unit: "s",
            ratio: None,
            goal: "reported".into(),
        },
        Row {
            what: "the same, as a share of one core".into(),
            ours: per_core,
            reference: None,
            unit: "%",
            ratio: None,
            goal: "reported".into(),
        },
        Row {
            what: format!("{jobs} exports queued until all are rendering"),
            ours: submitted,
            reference: None,
            unit: "s",
            ratio: None,
            goal: "reported".into(),
        },
    ];
    report.section(
        &format!("nemod: {jobs} pending render jobs"),
        rows,
        &format!(
            "`nemod`'s `poll_load` example (release, {runs} run(s)): the daemon in-process with `--max-jobs {jobs}`, \
             one batch of {jobs} exports against `nemod fake-cloud` whose renders last an hour, so every job is \
             submitted then only polled (the cloud policy: see the section on noticing renders). CPU = user + system seconds of the daemon's process \
             over {wait} s after {settle} s of settling; peak RSS = `VmHWM` (it includes the submitting phase)."
        ),
    );
    Ok(())
}

/// `… all submitted after S s; … CPU C s (…); peak RSS R MB`.
fn parse(text: &str) -> Option<Load> {
    let number_after = |marker: &str| -> Option<f64> {
        let rest = &text[text.find(marker)? + marker.len()..];
        rest.split_whitespace().next()?.parse().ok()
    };
    Some(Load {
        submitted_s: number_after("all submitted after ")?,
        cpu_s: number_after("CPU ")?,
        rss_mb: number_after("peak RSS ")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_line_is_read() {
        let line = "poll_load: 1000 jobs queued in 0.3 s, all submitted after 4.2 s; while only polling for 30 s: \
                    CPU 0.41 s (1.4% of one core); peak RSS 38.5 MB";
        let load = parse(line).unwrap();
        assert_eq!((load.submitted_s, load.cpu_s, load.rss_mb), (4.2, 0.41, 38.5));
        assert!(parse("nothing").is_none());
    }
}

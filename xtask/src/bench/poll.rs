//! How soon nemoctl notices a finished cloud render: `nemoctl --json edit` against `nemod
//! fake-cloud --render-seconds N` for several N, each line of its output timed as it arrives.
//! Late = the first `render` event at 100 % less the `Submitting the render…` step less N;
//! polls = its `render` events (one per answered poll).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::Plan;
use super::edit::{PROMPT, nemoctl_env};
use super::fake_cloud::FakeCloud;
use super::measure::Stats;
use super::report::{Report, Row};

/// The render lengths measured, in seconds; the 5-minute one once per bench (it takes as long).
const RENDERS: [u64; 4] = [2, 8, 30, 300];

/// The render the issue counts polls for: at most [`MAX_POLLS`] for 5 minutes.
const LONG: u64 = 300;
/// The most polls a 5-minute render may take.
const MAX_POLLS: f64 = 15.0;

/// What one export showed: seconds from its submit to noticing the end, and its polls.
struct Noticed {
    after_s: f64,
    polls: usize,
}

/// Measures each render length and adds the section.
pub fn run(plan: &Plan, bin: &Path, root: &Path, scratch: &Path, report: &mut Report) -> Result<(), String> {
    let clip = root.join("samples").join("clip.mp4");
    let mut rows = Vec::new();
    for seconds in RENDERS {
        let mut seen = Vec::new();
        let runs = if seconds >= LONG { 1 } else { plan.runs };
        for run in 0..runs {
            let dir = scratch.join(format!("poll-{seconds}-{run}"));
            std::fs::create_dir_all(&dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
            let cloud = FakeCloud::start(&bin.join("nemod"), &dir.join("server"), seconds)?;
            seen.push(edit(&bin.join("nemoctl"), &cloud.url, &clip, &dir)?);
        }
        #[allow(clippy::cast_precision_loss)]
        let render = seconds as f64;
        let allowed = (render / 10.0).max(1.0);
        let late = Stats::of(seen.iter().map(|n| n.after_s - render)).ok_or("no poll figures")?;
        #[allow(clippy::cast_precision_loss)]
        let polls = Stats::of(seen.iter().map(|n| n.polls as f64)).ok_or("no poll figures")?;
        rows.push(Row {
            what: format!("a {seconds} s render: noticed late by"),
            ours: late,
            reference: None,
            unit: "s",
            ratio: Some(late.median / allowed),
            goal: format!("≤ max(1 s, 10 %) = {allowed:.1} s (ratio to it ≤ 1)"),
        });
        let long = seconds >= LONG;
        rows.push(Row {
            what: format!("a {seconds} s render: polls"),
            ours: polls,
            reference: None,
            unit: "polls",
            ratio: long.then(|| polls.median / MAX_POLLS),
            goal: if long { format!("≤ {MAX_POLLS} (ratio to it ≤ 1)") } else { "reported".into() },
        });
    }
    report.section(
        "Cloud renders: noticed when they finish",
        rows,
        &format!(
            "`nemoctl --json edit clip.mp4 -p \"{PROMPT}\"` (release) against `nemod fake-cloud --render-seconds N` \
             (a render is pending for 1 s, then its progress rises linearly to its end at N s), a fresh fake per \
             run, {runs} run(s) per N (one of the 5-minute render). Each line nemoctl prints is timed as it arrives: late = the first render \
             event at 100 % less the `Submitting the render…` step less N; polls = its render events (one per \
             answered poll). The policy (`PollPolicy::wait` in the core) polls at once after the submit, then at \
             the earliest end the render's whole percents allow, waiting at most 90 % of max(1 s, a tenth of the \
             time so far) while its pace is unknown.",
            runs = plan.runs
        ),
    );
    Ok(())
}

/// One quick edit against `url`, timed line by line.
fn edit(nemoctl: &Path, url: &str, clip: &Path, dir: &Path) -> Result<Noticed, String> {
    let out = dir.join("out.mp4");
    let mut child = Command::new(nemoctl)
        .arg("--json")
        .arg("edit")
        .arg(clip)
        .args(["-p", PROMPT, "-o"])
        .arg(&out)
        .envs(nemoctl_env(url, dir))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not run {}: {e}", nemoctl.display()))?;
    let stdout = child.stdout.take().ok_or("nemoctl has no stdout")?;
    let (mut submitted, mut noticed, mut polls) = (None, None, 0);
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("could not read nemoctl's output: {e}"))?;
        let now = Instant::now();
        if line.contains("Submitting the render") {
            submitted.get_or_insert(now);
        } else if line.contains(r#""kind":"render""#) {
            polls += 1;
            if line.contains(r#""percent":100"#) {
                noticed.get_or_insert(now);
            }
        }
    }
    let status = child.wait().map_err(|e| format!("nemoctl did not finish: {e}"))?;
    match (status.success(), submitted, noticed) {
        (true, Some(submitted), Some(noticed)) => {
            Ok(Noticed { after_s: noticed.duration_since(submitted).as_secs_f64(), polls })
        }
        _ => Err(format!("nemoctl edit against {url} did not render ({status})")),
    }
}

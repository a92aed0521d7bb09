//! nemoctl against the seeds' curl recipes, both against `nemod fake-cloud` (zero latency,
//! renders done at once): the quick edit (`nemoctl edit`) next to the eight-step curl sequence
//! for the same job, `nemoctl credits` next to one curl call, and nemoctl's start-up.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::Plan;
use super::fake_cloud::{self, FakeCloud};
use super::measure::{self, Stats, wall};
use super::report::{Report, Row};

/// The quick edit's instruction (a title: a silent edit, so nemoctl also reads the state).
pub(super) const PROMPT: &str = "add a title 'Hi'";

/// What the seeds prescribe between a render submit and the first poll.
const SEEDS_POLL_S: f64 = 30.0;

/// Measures the quick edit, `credits` and `--help`, and adds their section.
pub fn run(plan: &Plan, bin: &Path, root: &Path, scratch: &Path, report: &mut Report) -> Result<(), String> {
    let nemoctl = bin.join("nemoctl");
    let nemod = bin.join("nemod");
    let clip = root.join("samples").join("clip.mp4");
    let (mut ours, mut curl) = (Vec::new(), Vec::new());
    for run in 0..plan.runs {
        // A fresh fake per run: every account starts with 100 credits, an edit costs 50.
        let dir = scratch.join(format!("edit-{run}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
        let cloud = FakeCloud::start(&nemod, &dir.join("server"), 0)?;
        curl.push(curl_edit(&cloud.url, &clip, &dir)?);
        let out = dir.join("nemoctl.mp4");
        let envs = nemoctl_env(&cloud.url, &dir);
        let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let args = ["edit", &*clip.to_string_lossy(), "-p", PROMPT, "-o", &*out.to_string_lossy()].map(str::to_owned);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ours.push(measure::run(&nemoctl, &args, &envs, scratch)?);
        check_file(&out)?;
    }

    let cheap_runs = plan.runs * 4;
    let dir = scratch.join("credits");
    std::fs::create_dir_all(&dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let cloud = FakeCloud::start(&nemod, &dir.join("server"), 0)?;
    let account = fake_cloud::account(&cloud.url, &dir)?;
    let envs = nemoctl_env(&cloud.url, &dir);
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    measure::run(&nemoctl, &["login"], &envs, scratch)?;
    let headers = format!("@{}", account.curl_headers.display());
    let credits_url = format!("{}/api/credits/balance/simple", cloud.url);
    let (mut ours_credits, mut curl_credits) = (Vec::new(), Vec::new());
    for _ in 0..cheap_runs {
        let curl_args = ["-sS", "--fail", "-o", "/dev/null", "-H", &headers, &credits_url];
        curl_credits.push(measure::run(Path::new("curl"), &curl_args, &[], scratch)?);
        ours_credits.push(measure::run(&nemoctl, &["credits"], &envs, scratch)?);
    }
    drop(cloud);
    let (mut help, mut curl_version) = (Vec::new(), Vec::new());
    for _ in 0..cheap_runs {
        curl_version.push(measure::run(Path::new("curl"), &["--version"], &[], scratch)?);
        help.push(measure::run(&nemoctl, &["--help"], &[], scratch)?);
    }

    let mut rows = Vec::new();
    let (Some(ours_s), Some(curl_s)) = (wall(&ours), Stats::of(curl.iter().copied())) else {
        return Err("no quick-edit figures".into());
    };
    let at_once = ("the 8 curl steps, polling at once", curl_s);
    rows.push(Row::against(
        format!("quick edit `nemoctl edit clip.mp4 -p \"{PROMPT}\" -o out.mp4`"),
        ours_s,
        at_once,
        "s",
        "≤ 1.2× curl",
    ));
    let seeds = ("the 8 curl steps + the seeds' 30 s wait (added, not slept)", curl_s.shifted(SEEDS_POLL_S));
    rows.push(Row::against("the same, against the seeds' 30 s poll", ours_s, seeds, "s", "≤ 0.5× curl"));
    if let (Some(o), Some(c)) = (wall(&ours_credits), wall(&curl_credits)) {
        let (o, c) = (o.scaled(1000.0), c.scaled(1000.0));
        rows.push(Row::against("`nemoctl credits` (stored token)", o, ("one `curl` GET", c), "ms", "≤ 1.5× curl"));
    }
    if let (Some(o), Some(c)) = (wall(&help), wall(&curl_version)) {
        let (o, c) = (o.scaled(1000.0), c.scaled(1000.0));
        rows.push(Row::against("`nemoctl --help` start-up", o, ("`curl --version`", c), "ms", "reported"));
    }
    for (what, samples) in [("quick edit", &ours), ("`credits`", &ours_credits), ("`--help`", &help)] {
        if let Some(rss) = Stats::of(samples.iter().map(|s| s.rss_kib as f64 / 1024.0)) {
            rows.push(Row {
                what: format!("nemoctl peak RSS, {what}"),
                ours: rss,
                reference: None,
                unit: "MiB",
                ratio: None,
                goal: "reported".into(),
            });
        }
    }
    report.section(
        "nemoctl against curl: the quick edit, credits, start-up",
        rows,
        &format!(
            "Both sides against the same `nemod fake-cloud` (release; zero latency, `--render-seconds 0`), a fresh \
             fake and fresh accounts per quick-edit run, curl first, then nemoctl. The curl side is the seeds' \
             recipe, one process per step, timed as a whole: anonymous token, session, upload (`-F files=@`), \
             the chat turn on `/run_sse` (read to its end), the state (for the draft), the render submit, polls \
             until `completed` (with no wait: the fake renders at once), the download. nemoctl polls at once \
             after the submit too (its policy: see the next section); the seeds \
             prescribe a poll every 30 s, shown on the second row by adding 30 s to the measured curl steps. \
             `credits` and `--help`: {cheap} runs each; nemoctl's token is stored (`nemoctl login` first), \
             curl's in a header file. Peak RSS from GNU time.",
            cheap = plan.runs * 4
        ),
    );
    Ok(())
}

/// nemoctl's environment: this cloud, config and state under `dir`, nothing from the user.
pub(super) fn nemoctl_env(url: &str, dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("NEMO_API_URL", url.to_owned()),
        ("NEMO_CONFIG_DIR", dir.join("config").to_string_lossy().into_owned()),
        ("NEMO_STATE_DIR", dir.join("state").to_string_lossy().into_owned()),
    ]
}

/// The seeds' curl recipe for the quick edit, timed from the first step to the last; the
/// wall time in seconds.
fn curl_edit(url: &str, clip: &Path, dir: &Path) -> Result<f64, String> {
    let started = Instant::now();
    let account = fake_cloud::account(url, dir)?;
    let headers = format!("@{}", account.curl_headers.display());
    let sid = &account.session;
    fake_cloud::curl(&[
        "-H",
        &headers,
        "-F",
        &format!("files=@{}", clip.display()),
        &format!("{url}/api/upload-video/nemo_agent/me/{sid}"),
    ])?;
    let message = format!(
        r#"{{"app_name":"nemo_agent","user_id":"me","session_id":"{sid}","new_message":{{"parts":[{{"text":"{PROMPT}"}}]}}}}"#
    );
    fake_cloud::curl(&[
        "-N",
        "-X",
        "POST",
        &format!("{url}/run_sse"),
        "-H",
        &headers,
        "-H",
        "Accept: text/event-stream",
        "-H",
        "Content-Type: application/json",
        "-d",
        &message,
    ])?;
    let state = fake_cloud::curl(&["-H", &headers, &format!("{url}/api/state/nemo_agent/me/{sid}/latest")])?;
    let draft = fake_cloud::json_raw(&state, "draft").ok_or_else(|| format!("no draft in {state}"))?;
    let id = format!("render_{}", unix_ms());
    let body =
        format!(r#"{{"id":"{id}","sessionId":"{sid}","draft":{draft},"output":{{"format":"mp4","quality":"high"}}}}"#);
    fake_cloud::curl(&[
        "-X",
        "POST",
        &format!("{url}/api/render/proxy/lambda"),
        "-H",
        &headers,
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
    ])?;
    let poll_url = format!("{url}/api/render/proxy/lambda/{id}");
    let output_url = loop {
        let status = fake_cloud::curl(&["-H", &headers, &poll_url])?;
        if let Some(found) = fake_cloud::json_string(&status, "outputUrl") {
            break found;
        }
        if status.contains("\"failed\"") {
            return Err(format!("the render failed: {status}"));
        }
    };
    let out = dir.join("curl.mp4");
    let status = Command::new("curl")
        .args(["-sS", "--fail", "-o"])
        .arg(&out)
        .arg(&output_url)
        .status()
        .map_err(|e| format!("could not run curl: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("curl could not download {output_url}"));
    }
    check_file(&out)?;
    Ok(wall)
}

fn check_file(path: &Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > 0 => Ok(()),
        _ => Err(format!("{} was not written", path.display())),
    }
}

fn unix_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

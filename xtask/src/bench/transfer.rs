//! Upload and download of one large file through the HTTP adapter (`nemo-http`'s `transfer`
//! example) against `curl -F files=@…` and `curl -o`, to the same fake cloud, interleaved.

use std::io::Write;
use std::path::Path;

use super::Plan;
use super::fake_cloud::{self, FakeCloud};
use super::measure::{self, Sample, Stats};
use super::report::{Report, Row};

/// Peak RSS the client may use while moving the file (the goal).
const RSS_GOAL_MIB: f64 = 32.0;

/// Measures both directions and adds their section to the report.
pub fn run(plan: &Plan, bin: &Path, scratch: &Path, report: &mut Report) -> Result<(), String> {
    let file = scratch.join("bench.mp4");
    make_file(&file, plan.transfer_mb)?;
    let cloud = FakeCloud::start(&bin.join("nemod"), &scratch.join("server"), 0)?;
    let account = fake_cloud::account(&cloud.url, scratch)?;
    let upload_url = format!("{}/api/upload-video/nemo_agent/me/{}", cloud.url, account.session);
    let transfer = bin.join("examples").join("transfer");
    let envs =
        [("NEMO_API_URL", cloud.url.as_str()), ("NEMO_TOKEN", &account.token), ("NEMO_SESSION", &account.session)];
    let headers = format!("@{}", account.curl_headers.display());
    let form = format!("files=@{}", file.display());
    let file_arg = file.to_string_lossy();
    // curl's upload answer (a few hundred bytes) is kept: the last one gives the download its URL.
    let answer_file = scratch.join("upload-answer.json");
    let answer_arg = answer_file.to_string_lossy();

    let (mut ours_up, mut curl_up) = (Vec::new(), Vec::new());
    for run in 0..plan.runs {
        let curl_args = ["-sS", "--fail", "-o", &answer_arg, "-H", &headers, "-F", &form, &upload_url];
        let (curl, ours) = pair(
            run,
            || measure::run(Path::new("curl"), &curl_args, &[], scratch),
            || measure::run(&transfer, &["upload", &file_arg], &envs, scratch),
        )?;
        curl_up.push(curl);
        ours_up.push(ours);
    }

    let answer =
        std::fs::read_to_string(&answer_file).map_err(|e| format!("could not read {}: {e}", answer_file.display()))?;
    let cdn_url = fake_cloud::json_string(&answer, "cdn_url")
        .ok_or_else(|| format!("no cdn_url in the upload answer: {answer}"))?;
    let (curl_out, ours_out) = (scratch.join("curl.out"), scratch.join("ours.out"));
    let (curl_out_arg, ours_out_arg) = (curl_out.to_string_lossy(), ours_out.to_string_lossy());
    let (mut ours_down, mut curl_down) = (Vec::new(), Vec::new());
    for run in 0..plan.runs {
        let curl_args = ["-sS", "--fail", "-o", &curl_out_arg, &cdn_url];
        let (curl, ours) = pair(
            run,
            || measure::run(Path::new("curl"), &curl_args, &[], scratch),
            || measure::run(&transfer, &["download", &cdn_url, &ours_out_arg], &envs, scratch),
        )?;
        curl_down.push(curl);
        ours_down.push(ours);
        same_size(&curl_out, &ours_out, plan.transfer_mb)?;
        for out in [&curl_out, &ours_out] {
            std::fs::remove_file(out).map_err(|e| format!("could not remove {}: {e}", out.display()))?;
        }
    }
    drop(cloud);

    let mb = plan.transfer_mb as f64 * 1.048_576;
    let rows = [("Upload", &ours_up, &curl_up, "curl -F files=@…"), ("Download", &ours_down, &curl_down, "curl -o")]
        .into_iter()
        .flat_map(|(what, ours, curl, reference)| rows(what, mb, ours, curl, reference))
        .collect();
    report.section(
        &format!("Transfers: {} MiB to and from the fake cloud on loopback", plan.transfer_mb),
        rows,
        "`nemod fake-cloud` (release) on 127.0.0.1; the client is `nemo-http`'s `transfer` example (release), \
         which streams the file through `HttpBackend::upload_file` / `download_url`. Throughput = file size ÷ \
         wall time of the whole process; peak RSS from GNU time. curl and the client take turns going first, \
         and every run starts after a `sync`. The client fsyncs a download before renaming it into place \
         (so a crash never leaves a torn file); `curl -o` does not.",
    );
    Ok(())
}

/// The curl and the client measurements of run number `run`, curl first on even runs and ours
/// first on odd ones, so that neither always follows the other's disk write-back.
fn pair(
    run: usize,
    curl: impl FnOnce() -> Result<Sample, String>,
    ours: impl FnOnce() -> Result<Sample, String>,
) -> Result<(Sample, Sample), String> {
    if run.is_multiple_of(2) {
        let curl = settled(curl)?;
        Ok((curl, settled(ours)?))
    } else {
        let ours = settled(ours)?;
        Ok((settled(curl)?, ours))
    }
}

/// Flushes every dirty page to disk (`sync`) before `measure`, so a run does not pay for the
/// writes of the run before it.
fn settled(measure: impl FnOnce() -> Result<Sample, String>) -> Result<Sample, String> {
    let synced = std::process::Command::new("sync").status().map_err(|e| format!("could not run sync: {e}"))?;
    if !synced.success() {
        return Err("sync failed".into());
    }
    measure()
}

/// Throughput and memory rows of one direction.
fn rows(what: &str, mb: f64, ours: &[Sample], curl: &[Sample], reference: &str) -> Vec<Row> {
    let throughput = |samples: &[Sample]| Stats::of(samples.iter().map(|s| mb / s.wall_s));
    let rss = |samples: &[Sample]| Stats::of(samples.iter().map(|s| s.rss_kib as f64 / 1024.0));
    let (Some(ours_t), Some(curl_t), Some(ours_m), Some(curl_m)) =
        (throughput(ours), throughput(curl), rss(ours), rss(curl))
    else {
        return Vec::new();
    };
    vec![
        Row::against(format!("{what} throughput"), ours_t, (reference, curl_t), "MB/s", "≥ 0.90× curl"),
        Row {
            what: format!("{what} client peak RSS"),
            ours: ours_m,
            reference: Some((reference.to_owned(), curl_m)),
            unit: "MiB",
            ratio: Some(ours_m.median / RSS_GOAL_MIB),
            goal: format!("≤ {RSS_GOAL_MIB:.0} MiB (ratio to it ≤ 1)"),
        },
    ]
}

/// A file of `mb` MiB with a non-repeating-looking byte pattern.
fn make_file(path: &Path, mb: u64) -> Result<(), String> {
    let block: Vec<u8> = (0..1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let mut file = std::fs::File::create(path).map_err(|e| format!("could not create {}: {e}", path.display()))?;
    for _ in 0..mb {
        file.write_all(&block).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn same_size(a: &Path, b: &Path, mb: u64) -> Result<(), String> {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).map_err(|e| format!("{}: {e}", p.display()));
    let (sa, sb) = (size(a)?, size(b)?);
    if sa == sb && sa == mb * 1024 * 1024 {
        Ok(())
    } else {
        Err(format!(
            "downloads differ: {} has {sa} bytes, {} has {sb}, expected {}",
            a.display(),
            b.display(),
            mb << 20
        ))
    }
}

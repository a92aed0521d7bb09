//! The criterion micro-benchmarks, run through cargo, with their estimates read back from
//! criterion's own report lines (`time:` and `thrpt:`).

use super::Plan;
use super::measure::Stats;
use super::report::{Report, Row};

/// The SSE decoder's throughput goal, MB/s.
const SSE_GOAL_MBPS: f64 = 300.0;

/// One criterion estimate.
#[derive(Debug)]
struct Estimate {
    /// The benchmark's id (`group/function/parameter`).
    name: String,
    /// Time per iteration in microseconds.
    time_us: Stats,
    /// Throughput in MB/s, when the group declared one.
    mbps: Option<Stats>,
}

/// Runs `nemo-http`'s SSE bench and adds its throughput and latency figures.
pub fn sse(plan: &Plan, report: &mut Report) -> Result<(), String> {
    let estimates = run_bench(plan, "nemo-http", "sse")?;
    let mut rows: Vec<Row> = estimates
        .iter()
        .filter_map(|e| e.mbps.map(|mbps| (e, mbps)))
        .map(|(e, mbps)| Row {
            what: e.name.clone(),
            ours: mbps,
            reference: None,
            unit: "MB/s",
            ratio: Some(mbps.median / SSE_GOAL_MBPS),
            goal: format!("≥ {SSE_GOAL_MBPS:.0} MB/s (ratio to it ≥ 1)"),
        })
        .collect();
    let latency = |mib: &str| estimates.iter().find(|e| e.name == format!("sse_latency/one_event_after_mib/{mib}"));
    if let (Some(fresh), Some(late)) = (latency("0"), latency("64")) {
        rows.push(Row::against(
            "one event's decoding after 64 MiB of stream",
            late.time_us,
            ("after 0 MiB", fresh.time_us),
            "µs",
            "≈ 1× (independent of the stream's length)",
        ));
    }
    if rows.is_empty() {
        return Err("no estimates in criterion's output".into());
    }
    report.section(
        "SSE decoding (criterion)",
        rows,
        "Agent-framework text deltas fed to the pure decoder in 16 KiB chunks (4 MiB per iteration), alone \
         and with the payload mapper; then one event fed to a decoder that has already seen 0 or 64 MiB. \
         criterion's estimate, its confidence interval as the range.",
    );
    Ok(())
}

/// Runs one criterion bench target and parses its estimates.
fn run_bench(plan: &Plan, package: &str, bench: &str) -> Result<Vec<Estimate>, String> {
    let mut args = vec!["bench", "--locked", "-p", package, "--bench", bench, "--", "--noplot"];
    if plan.quick {
        args.push("--quick");
    }
    eprintln!("xtask: cargo {}", args.join(" "));
    let output = crate::cargo::command().args(&args).output().map_err(|e| format!("could not run cargo bench: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("cargo bench failed:\n{text}{}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(estimates(&text))
}

/// Every `time:` line (and the `thrpt:` line after it, if any), named by the benchmark line
/// before it.
fn estimates(text: &str) -> Vec<Estimate> {
    let mut name = String::new();
    let mut found: Vec<Estimate> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("thrpt:") {
            // A `change:` block repeats `time:`/`thrpt:` in percent; those do not parse.
            if let (Some(last), Some(mbps)) = (found.last_mut(), parse_interval(rest, throughput_unit)) {
                last.mbps = Some(mbps);
            }
        } else if let Some(rest) = trimmed.split_once("time:").map(|(_, rest)| rest) {
            let named = trimmed.split_whitespace().next().filter(|first| !first.starts_with("time:"));
            if let Some(first) = named {
                name = first.to_owned();
            }
            if let Some(time_us) = parse_interval(rest, time_unit) {
                found.push(Estimate { name: name.clone(), time_us, mbps: None });
            }
        } else if !line.starts_with(' ') && !trimmed.is_empty() {
            name = trimmed.split_whitespace().next().unwrap_or_default().to_owned();
        }
    }
    found
}

/// `[1.2 GiB/s 1.3 GiB/s 1.4 GiB/s]` → three values in the unit `scale` converts to.
fn parse_interval(text: &str, scale: fn(&str) -> Option<f64>) -> Option<Stats> {
    let words: Vec<&str> = text.trim().trim_start_matches('[').trim_end_matches(']').split_whitespace().collect();
    let values: Option<Vec<f64>> =
        words.chunks(2).map(|pair| Some(pair[0].parse::<f64>().ok()? * scale(pair.get(1)?)?)).collect();
    let values = values?;
    (values.len() == 3).then(|| Stats { min: values[0], median: values[1], max: values[2] })
}

/// Throughput units → MB/s (decimal megabytes).
fn throughput_unit(word: &str) -> Option<f64> {
    Some(match word {
        "B/s" => 1e-6,
        "KiB/s" => 1024.0 / 1e6,
        "MiB/s" => 1_048_576.0 / 1e6,
        "GiB/s" => 1_073_741_824.0 / 1e6,
        _ => return None,
    })
}

/// Time units → microseconds.
fn time_unit(word: &str) -> Option<f64> {
    Some(match word {
        "ps" => 1e-6,
        "ns" => 1e-3,
        "µs" | "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_lines_become_named_estimates() {
        let out = "\
sse/decode_16k_chunks   time:   [1.0 ms 1.1 ms 1.2 ms]
                        thrpt:  [1.0000 GiB/s 1.5 GiB/s 2.0 GiB/s]
                        change:
                        time:   [-2.1% -0.5% +1.0%] (p = 0.42 > 0.05)
                        thrpt:  [-1.0% +0.5% +2.1%]
sse_latency/one_event_after_mib/64
                        time:   [180.1 ns 181.0 ns 182.5 ns]
";
        let found = estimates(out);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "sse/decode_16k_chunks");
        assert!((found[0].time_us.median - 1_100.0).abs() < 1e-9);
        assert!((found[0].mbps.unwrap().median - 1_610.612_736).abs() < 1e-6);
        assert_eq!(found[1].name, "sse_latency/one_event_after_mib/64");
        assert!((found[1].time_us.median - 0.181).abs() < 1e-9);
        assert!(found[1].mbps.is_none());
        assert!(parse_interval("[1 furlong/s 2 B/s 3 B/s]", throughput_unit).is_none());
    }
}

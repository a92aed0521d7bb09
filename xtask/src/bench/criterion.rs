//! The criterion micro-benchmarks, run through cargo, with their throughput read back from
//! criterion's own report line.

use super::Plan;
use super::measure::Stats;
use super::report::{Report, Row};

/// The SSE decoder's goal, MB/s.
const SSE_GOAL_MBPS: f64 = 300.0;

/// Runs `nemo-http`'s SSE bench and adds its throughput.
pub fn sse(plan: &Plan, report: &mut Report) -> Result<(), String> {
    let mut args = vec!["bench", "--locked", "-p", "nemo-http", "--bench", "sse", "--", "--noplot"];
    if plan.quick {
        args.push("--quick");
    }
    eprintln!("xtask: cargo {}", args.join(" "));
    let output = crate::cargo::command().args(&args).output().map_err(|e| format!("could not run cargo bench: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("cargo bench failed:\n{text}{}", String::from_utf8_lossy(&output.stderr)));
    }
    let rows: Vec<Row> = throughputs(&text)
        .into_iter()
        .map(|(name, stats)| Row {
            what: name,
            ours: stats,
            reference: None,
            unit: "MB/s",
            ratio: Some(stats.median / SSE_GOAL_MBPS),
            goal: format!("≥ {SSE_GOAL_MBPS:.0} MB/s (ratio to it ≥ 1)"),
        })
        .collect();
    if rows.is_empty() {
        return Err(format!("no throughput in criterion's output:\n{text}"));
    }
    report.section(
        "SSE decoding (criterion)",
        rows,
        "Agent-framework events fed to the pure decoder in 16 KiB chunks; criterion's estimate with its \
         confidence interval as the range.",
    );
    Ok(())
}

/// `(benchmark name, MB/s)` for every `thrpt:` line, named by the line before it that starts
/// the benchmark.
fn throughputs(text: &str) -> Vec<(String, Stats)> {
    let mut name = String::new();
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("thrpt:") {
            if let Some(stats) = parse_interval(rest) {
                found.push((name.clone(), stats));
            }
        } else if !trimmed.starts_with("time:") && !line.starts_with(' ') && !trimmed.is_empty() {
            name = trimmed.split_whitespace().next().unwrap_or_default().to_owned();
        }
    }
    found
}

/// `[1.2 GiB/s 1.3 GiB/s 1.4 GiB/s]` → MB/s (decimal megabytes).
fn parse_interval(text: &str) -> Option<Stats> {
    let words: Vec<&str> = text.trim().trim_start_matches('[').trim_end_matches(']').split_whitespace().collect();
    let values: Option<Vec<f64>> =
        words.chunks(2).map(|pair| Some(pair[0].parse::<f64>().ok()? * unit(pair.get(1)?)?)).collect();
    let values = values?;
    (values.len() == 3).then(|| Stats { min: values[0], median: values[1], max: values[2] })
}

fn unit(word: &str) -> Option<f64> {
    Some(match word {
        "B/s" => 1e-6,
        "KiB/s" => 1024.0 / 1e6,
        "MiB/s" => 1_048_576.0 / 1e6,
        "GiB/s" => 1_073_741_824.0 / 1e6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criterion_lines_become_named_throughputs() {
        let out = "sse/decode_adk_16k_chunks\n                        time:   [1.0 ms 1.1 ms 1.2 ms]\n                        thrpt:  [1.0000 GiB/s 1.5 GiB/s 2.0 GiB/s]\n";
        let found = throughputs(out);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "sse/decode_adk_16k_chunks");
        assert!((found[0].1.median - 1_610.612_736).abs() < 1e-6);
        assert!(parse_interval("[1 furlong/s 2 B/s 3 B/s]").is_none());
    }
}

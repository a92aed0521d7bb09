//! Whole-process measurements: wall time taken here around the child, peak RSS from GNU
//! time's `%M`, several runs reduced to a median and a range.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The GNU time binary (Debian package `time`).
const GNU_TIME: &str = "/usr/bin/time";

/// One run of a command.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Wall time in seconds.
    pub wall_s: f64,
    /// Peak resident set size in KiB.
    pub rss_kib: u64,
}

/// Fails with an install hint if a tool the benchmarks need is missing.
pub fn check_tools() -> Result<(), String> {
    if !Path::new(GNU_TIME).exists() {
        return Err("GNU time is missing: install it with `apt-get install time`".into());
    }
    let curl = Command::new("curl").arg("--version").stdout(Stdio::null()).status();
    if !curl.is_ok_and(|s| s.success()) {
        return Err("curl is missing: install it with `apt-get install curl`".into());
    }
    Ok(())
}

/// Runs `program ARGS` under GNU time with `envs`, stdout and stderr discarded unless it fails.
pub fn run(program: &Path, args: &[&str], envs: &[(&str, &str)], scratch: &Path) -> Result<Sample, String> {
    let rss_file = scratch.join("rss.txt");
    let started = Instant::now();
    let output = Command::new(GNU_TIME)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(program)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {}: {e}", program.display()))?;
    let wall_s = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "{} {} failed: {}{}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let rss = std::fs::read_to_string(&rss_file).map_err(|e| format!("no RSS from GNU time: {e}"))?;
    let rss_kib = rss
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .ok_or_else(|| format!("unreadable RSS from GNU time: {rss:?}"))?;
    Ok(Sample { wall_s, rss_kib })
}

/// Median, minimum and maximum of some numbers.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// The median (the mean of the middle two for an even count).
    pub median: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
}

impl Stats {
    /// The same figures moved by `offset` (a wait added or taken away, not measured).
    pub fn shifted(self, offset: f64) -> Self {
        Self { median: self.median + offset, min: self.min + offset, max: self.max + offset }
    }

    /// The same figures times `factor` (another unit, a share).
    pub fn scaled(self, factor: f64) -> Self {
        Self { median: self.median * factor, min: self.min * factor, max: self.max * factor }
    }

    /// The statistics of `values`; `None` when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let mut sorted: Vec<f64> = values.into_iter().collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        Some(Self { median, min: sorted[0], max: sorted[n - 1] })
    }
}

/// The statistics of the wall times of `samples`, in seconds; `None` when there are none.
pub fn wall(samples: &[Sample]) -> Option<Stats> {
    Stats::of(samples.iter().map(|s| s.wall_s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_take_the_middle_and_the_ends() {
        let odd = Stats::of([3.0, 1.0, 2.0]).unwrap();
        assert_eq!((odd.median, odd.min, odd.max), (2.0, 1.0, 3.0));
        let even = Stats::of([4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(even.median, 2.5);
        assert!(Stats::of([]).is_none());
    }

    #[test]
    fn stats_scale_all_three_figures() {
        let ms = Stats::of([0.5, 0.25, 1.0]).unwrap().scaled(1000.0);
        assert_eq!((ms.median, ms.min, ms.max), (500.0, 250.0, 1000.0));
    }
}

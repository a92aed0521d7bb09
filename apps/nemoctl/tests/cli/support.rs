//! The one harness: a fresh temp directory per test (config, state, working directory), the
//! binary run with an environment cleared of `NEMO_*`, pointed at a fake cloud of its own
//! (or at a closed port), and small `check_*` helpers.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nemo_fake::FakeConfig;
use serde_json::Value;

use crate::cloud::{self, Cloud};

/// A fake token no output may contain.
pub const TOKEN: &str = "nmv_usr_SECRET_never_print_me";

/// A loopback port where nothing listens.
pub const UNREACHABLE: &str = "http://127.0.0.1:9";

/// The committed 6 s sample video.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/clip.mp4")
}

/// A fresh world for one test.
pub struct Harness {
    dir: tempfile::TempDir,
    cloud: Option<Cloud>,
}

/// What one run printed.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Harness {
    /// No service: the cloud backend, when a test reaches it, finds nothing listening.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("work")).unwrap();
        Self { dir, cloud: None }
    }

    /// A fake cloud of its own with quick renders ([`cloud::quick`]).
    pub fn cloud() -> Self {
        Self::cloud_with(cloud::quick())
    }

    /// A fake cloud of its own with these settings.
    pub fn cloud_with(config: FakeConfig) -> Self {
        Self { cloud: Some(Cloud::start(config, false)), ..Self::new() }
    }

    /// A fake cloud behind a proxy that records every request head.
    pub fn cloud_recorded() -> Self {
        Self { cloud: Some(Cloud::start(cloud::quick(), true)), ..Self::new() }
    }

    /// The fake cloud.
    pub fn fake(&self) -> &Cloud {
        self.cloud.as_ref().expect("a harness with a fake cloud")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// A path in the working directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join("work").join(name)
    }

    /// Writes a file in the working directory; returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// A real, small video (a copy of `samples/clip.mp4`): the offline backend probes and
    /// renders what it is given.
    pub fn media(&self, name: &str) -> String {
        self.write(name, &fs::read(sample()).unwrap())
    }

    /// The command, ready to run against this harness's fake cloud (or a closed port).
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_under(&[], args)
    }

    /// The command run through `wrapper` (a program and its arguments, for example a shell
    /// that sets a resource limit), which gets the binary's path and `args` after its own.
    pub fn cmd_under(&self, wrapper: &[&str], args: &[&str]) -> Command {
        let binary = env!("CARGO_BIN_EXE_nemoctl");
        let mut cmd = match wrapper.split_first() {
            None => Command::new(binary),
            Some((program, rest)) => {
                let mut cmd = Command::new(program);
                cmd.args(rest).arg(binary);
                cmd
            }
        };
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("NEMO_") || name == "SKILL_SOURCE" || name == "NO_COLOR" || name == "COLUMNS" {
                cmd.env_remove(&name);
            }
        }
        // Never the live service: without a fake cloud, nothing listens there.
        let api_url = self.cloud.as_ref().map_or_else(|| UNREACHABLE.to_owned(), Cloud::url);
        cmd.env("NEMO_CONFIG_DIR", self.config_dir())
            .env("NEMO_STATE_DIR", self.state_dir())
            .env("HOME", self.dir.path())
            .env("LANG", "C")
            .env("NEMO_API_URL", api_url)
            .current_dir(self.dir.path().join("work"))
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output_checked()
    }

    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child =
            self.cmd(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Output::from(child.wait_with_output().unwrap())
    }
}

/// Runs a command and captures what it printed.
pub trait OutputChecked {
    fn output_checked(&mut self) -> Output;
}

impl OutputChecked for Command {
    fn output_checked(&mut self) -> Output {
        Output::from(self.output().unwrap())
    }
}

impl From<std::process::Output> for Output {
    fn from(output: std::process::Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

impl Output {
    pub fn check_exit(&self, code: i32) {
        assert_eq!(self.code, code, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
    }

    /// Exit 0 and exactly this on stdout.
    pub fn check_stdout(&self, expected: &str) {
        self.check_exit(0);
        assert_eq!(self.stdout.trim_end(), expected);
    }

    /// Every stdout line, parsed (each must be a JSON object).
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                assert!(value.is_object(), "{line}");
                value
            })
            .collect()
    }

    /// Exit 0 and the final `done` object.
    pub fn done(&self) -> Value {
        self.check_exit(0);
        let last = self.json_lines().pop().expect("a done line");
        assert_eq!(last["event"], "done", "{last}");
        last
    }
}

/// Compares `actual` with `snapshots/NAME`; `NEMOCTL_UPDATE_SNAPSHOTS=1` rewrites it.
pub fn check_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/snapshots").join(name);
    if std::env::var_os("NEMOCTL_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with NEMOCTL_UPDATE_SNAPSHOTS=1 to create it", path.display()));
    assert_eq!(actual, expected, "{name} changed; if that is intended, run with NEMOCTL_UPDATE_SNAPSHOTS=1");
}

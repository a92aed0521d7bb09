//! What a person's terminal receives: a control sequence in anything shown (a clip name
//! echoed in a result, an error message) is made visible, never passed through raw; JSON
//! lines escape even the controls JSON allows raw (DEL, C1).

use crate::support::Harness;

/// ESC, BEL and the one-character CSI.
const CONTROLS: [char; 3] = ['\u{1b}', '\u{7}', '\u{9b}'];

#[test]
fn control_sequences_in_results_and_errors_never_reach_the_terminal_raw() {
    let h = Harness::new();
    let clip = h.write("cl\u{1b}[2Jip\u{9b}31m.mp4", &std::fs::read(h.media("clip.mp4")).unwrap());
    let uploaded = h.run(&["--offline", "upload", &clip]);
    uploaded.check_exit(0);
    assert!(uploaded.stdout.contains("cl\\u{1b}[2Jip\\u{9b}31m.mp4"), "{}", uploaded.stdout);
    let notes = h.write("notes\u{1b}]0;pwned\u{7}.txt", b"not a video");
    let refused = h.run(&["--offline", "edit", &notes, "-p", "trim"]);
    refused.check_exit(6);
    assert!(refused.stderr.contains("notes\\u{1b}]0;pwned\\u{7}.txt"), "{}", refused.stderr);
    let json = h.run(&["--offline", "--json", "upload", &clip]);
    json.check_exit(0);
    assert_eq!(json.done()["files"][0]["filename"], "cl\u{1b}[2Jip\u{9b}31m.mp4");
    for out in [&uploaded, &refused, &json] {
        assert!(!out.stdout.contains(CONTROLS) && !out.stderr.contains(CONTROLS), "{:?} {:?}", out.stdout, out.stderr);
    }
}

/// `nemoctl ARGS` under a pseudo-terminal (util-linux `script`), as a person would run it.
struct AtATerminal {
    child: std::process::Child,
    seen: std::sync::Arc<std::sync::Mutex<String>>,
}

impl AtATerminal {
    fn start(h: &Harness, args: &[&str]) -> Self {
        Self::start_with(h, args, &[])
    }

    /// With these environment variables too.
    fn start_with(h: &Harness, args: &[&str], env: &[(&str, &str)]) -> Self {
        use std::io::Read;
        use std::process::Stdio;
        let mut child = h
            // bash quotes each argument again for the command line `script` hands to a shell;
            // the terminal is 100×24, as the screens the tests replay it on.
            .cmd_under(
                &["bash", "-c", "exec script -qec \"stty cols 100 rows 24; exec ${*@Q}\" /dev/null", "bash"],
                args,
            )
            .env("TERM", "xterm")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let seen = std::sync::Arc::<std::sync::Mutex<String>>::default();
        let (mut stdout, sink) = (child.stdout.take().unwrap(), seen.clone());
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buffer) {
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Self { child, seen }
    }

    /// Waits until the screen has shown `text` `times` times in all.
    fn wait_for(&self, text: &str, times: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.seen.lock().unwrap().matches(text).count() < times {
            assert!(std::time::Instant::now() < deadline, "no {text:?} in {:?}", self.seen.lock().unwrap());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn type_keys(&mut self, keys: &str) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(keys.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the end; returns the exit code and what the screen showed.
    fn finish(mut self) -> (i32, String) {
        let status = self.child.wait().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        (status.code().unwrap_or(-1), self.seen.lock().unwrap().clone())
    }
}

#[test]
fn interactive_chat_has_a_line_editor_with_history_ctrl_c_clears_the_line_and_ctrl_d_leaves() {
    let h = Harness::new();
    let mut chat = AtATerminal::start(&h, &["--offline", "chat"]);
    chat.wait_for("nemo> ", 1);
    chat.type_keys("never sent\u{3}");
    chat.wait_for("nemo> ", 2);
    chat.type_keys("credits\r");
    chat.wait_for("nemo> ", 3);
    chat.type_keys("\u{4}");
    let (code, screen) = chat.finish();
    assert_eq!(code, 0, "{screen}");
    assert_eq!(screen.matches("Offline there is no account").count(), 1, "{screen}");
    let history = std::fs::read_to_string(h.state_dir().join("chat_history")).unwrap();
    assert!(history.lines().any(|l| l == "credits") && !history.contains("never sent"), "{history}");

    // The next session has it: the up arrow brings back "credits".
    let mut again = AtATerminal::start(&h, &["--offline", "chat"]);
    again.wait_for("nemo> ", 1);
    again.type_keys("\u{1b}[A\r");
    again.wait_for("Offline there is no account", 1);
    again.type_keys("\u{4}");
    assert_eq!(again.finish().0, 0);
}

#[test]
fn errors_and_hints_are_coloured_at_a_terminal_unless_no_color_or_never() {
    let h = Harness::new();
    h.write("notes.txt", b"not a video");
    let screen = |args: &[&str], env: &[(&str, &str)]| AtATerminal::start_with(&h, args, env).finish().1;
    let refused = ["--offline", "upload", "notes.txt"];
    assert!(screen(&refused, &[]).contains("\u{1b}[1m\u{1b}[31merror:"), "red at a terminal");
    for (args, env) in
        [(&refused[..], &[("NO_COLOR", "1")][..]), (&["--color", "never", "--offline", "upload", "notes.txt"], &[])]
    {
        let text = screen(args, env);
        assert!(text.contains("error:") && !text.contains("\u{1b}["), "{args:?} {env:?}: {text:?}");
    }
    let piped = h.run(&["--color", "always", "--offline", "upload", "notes.txt"]);
    assert!(piped.stderr.starts_with("\u{1b}[1m\u{1b}[31merror:"), "always: {:?}", piped.stderr);
    assert!(!piped.stdout.contains('\u{1b}'), "never on stdout");
}

#[test]
fn progress_at_a_terminal_is_redrawn_in_place_and_gone_when_the_edit_is_done() {
    let h = Harness::new();
    let clip = h.media("clip.mp4");
    let args = ["--offline", "edit", &clip, "-p", "remove the pauses, add a title 'Hi'", "-o", "out.mp4"];
    let (code, typescript) = AtATerminal::start(&h, &args).finish();
    assert_eq!(code, 0, "{typescript:?}");
    assert!(typescript.contains("\r\u{1b}[2K"), "progress was drawn, and redrawn in place: {typescript:?}");
    let mut terminal = vt100::Parser::new(24, 100, 0);
    terminal.process(typescript.as_bytes());
    let screen = terminal.screen().contents();
    let shown: Vec<&str> = screen.lines().map(str::trim_end).filter(|l| !l.is_empty()).collect();
    let bytes = std::fs::metadata(h.path("out.mp4")).unwrap().len();
    assert_eq!(
        shown,
        [
            "Removed 2 pauses (1.8 s); the video is now 4.2 seconds long. Added the title \"Hi\" (0-3 s).".to_owned(),
            format!("out.mp4 ({bytes} bytes)")
        ],
        "only the results are left on the screen: {typescript:?}"
    );
}

#[test]
fn ctrl_c_while_the_editor_thinks_stops_the_wait_and_leaves_no_spinner_behind() {
    let h = Harness::cloud_with(nemo_fake::FakeConfig {
        turn_work: std::time::Duration::from_secs(30),
        ..crate::cloud::quick()
    });
    h.run(&["new", "trip"]).check_exit(0);
    h.run(&["upload", &h.media("clip.mp4")]).check_exit(0);
    let mut chat = AtATerminal::start(&h, &["chat"]);
    chat.wait_for("nemo> ", 1);
    chat.type_keys("add a title 'Hi'\r");
    chat.wait_for("editing", 1);
    chat.type_keys("\u{3}");
    chat.wait_for("Stopped waiting", 1);
    chat.wait_for("nemo> ", 2);
    chat.type_keys("\u{4}");
    let (code, typescript) = chat.finish();
    assert_eq!(code, 0, "{typescript:?}");
    let mut terminal = vt100::Parser::new(24, 100, 0);
    terminal.process(typescript.as_bytes());
    let screen = terminal.screen().contents();
    assert!(!screen.contains("editing"), "the spinner was cleared:\n{screen}");
    assert!(screen.contains("nemo> add a title 'Hi'\nStopped waiting; the message was not sent again."), "{screen}");
    assert_eq!(h.fake().calls_to(nemo_fake::Endpoint::SendMessage).len(), 1, "sent once, never again");
}

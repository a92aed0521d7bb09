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

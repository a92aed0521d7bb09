//! The README cannot drift: every command of its "Tour of the commands" runs here, in order,
//! against a fake cloud of its own, and what it prints (stdout, then stderr) is compared with
//! what the README shows under it. A `# … exit N` comment after a command is its exit code
//! (else 0).
//!
//! Normalisation, applied to both sides — only what differs from run to run: the runs of
//! spaces that align columns are one space; an anonymous user (`anon_…`) and a claim code
//! (`clm_…`) lose their hex; a run of 10 or more digits (session and render ids) is `#`; an
//! RFC 3339 time is `TIME`. Byte counts are compared as they are: the fake's renders are
//! always 4096 bytes.
//!
//! The files the tour names are made first in the working directory: `clip.mp4` (the
//! sample), `notes.txt`, and `spec.toml` (two edits of `clip.mp4`, to `a.mp4` and `b.mp4`).

use std::fs;
use std::path::Path;

use crate::support::Harness;

/// One `$ command` of the tour and what the README shows under it.
#[derive(Debug)]
struct Step {
    line: String,
    args: Vec<String>,
    exit: i32,
    shown: String,
}

/// The tour's steps: the first `console` block after the "Tour of the commands" heading.
fn tour(readme: &str) -> Vec<Step> {
    let section = readme.split("## Tour of the commands").nth(1).expect("the tour's heading");
    let block = section.split("```console\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a console block");
    let mut steps: Vec<Step> = Vec::new();
    for line in block.lines() {
        match (line.strip_prefix("$ "), steps.last_mut()) {
            (Some(command), _) => {
                let (args, comment) = shell_words(command);
                let exit = comment
                    .split("exit ")
                    .nth(1)
                    .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|code| code.parse().ok())
                    .unwrap_or(0);
                steps.push(Step { line: line.to_owned(), args, exit, shown: String::new() });
            }
            (None, Some(step)) => {
                step.shown.push_str(line);
                step.shown.push('\n');
            }
            (None, None) => panic!("the tour starts with a command, not {line:?}"),
        }
    }
    steps
}

/// A command line split as a shell would (double and single quotes, no escapes), and the
/// `# comment` after it.
fn shell_words(line: &str) -> (Vec<String>, String) {
    let (mut words, mut word, mut quote, mut in_word) = (Vec::new(), String::new(), None, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => (quote, in_word) = (Some(c), true),
            (None, '#') if !in_word => return (words, chars.collect()),
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            (None, c) => (word, in_word) = (word + &c.to_string(), true),
        }
    }
    if in_word {
        words.push(word);
    }
    (words, String::new())
}

/// What differs from run to run, made the same (see the module's docs).
fn normalise(text: &str) -> String {
    text.lines()
        .map(|line| normalise_line(&line.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn normalise_line(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(prefix) = ["anon_", "clm_"].into_iter().find(|p| rest.starts_with(p)) {
            out.push_str(prefix);
            out.push('…');
            rest = rest[prefix.len()..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        } else if is_time(rest) {
            out.push_str("TIME");
            rest = &rest["2026-11-30T07:38:42Z".len()..];
        } else if c.is_ascii_digit() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            out.push_str(if digits >= 10 { "#" } else { &rest[..digits] });
            rest = &rest[digits..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Whether `text` starts with an RFC 3339 time in UTC (`2026-11-30T07:38:42Z`).
fn is_time(text: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:ddZ";
    text.len() >= shape.len()
        && shape.chars().zip(text.chars()).all(|(s, c)| if s == 'd' { c.is_ascii_digit() } else { s == c })
}

#[test]
fn every_command_of_the_readme_tour_prints_what_the_readme_shows() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let steps = tour(&readme);
    assert!(steps.len() >= 15, "the whole tour: {steps:#?}");
    let h = Harness::cloud();
    h.media("clip.mp4");
    h.write("notes.txt", b"not a video");
    h.write(
        "spec.toml",
        b"[[edit]]\nfiles = [\"clip.mp4\"]\nprompt = \"add a title 'A'\"\noutput = \"a.mp4\"\n\n\
          [[edit]]\nfiles = [\"clip.mp4\"]\nprompt = \"add a title 'B'\"\noutput = \"b.mp4\"\n",
    );
    let mut wrong = Vec::new();
    for step in &steps {
        assert_eq!(step.args[0], "nemoctl", "{}", step.line);
        let args: Vec<&str> = step.args[1..].iter().map(String::as_str).collect();
        let out = h.run(&args);
        let printed = format!("{}{}", out.stdout, out.stderr);
        if out.code != step.exit || normalise(&printed) != normalise(&step.shown) {
            wrong.push(format!(
                "{}\n--- the README shows (exit {}):\n{}--- it prints (exit {}):\n{printed}",
                step.line, step.exit, step.shown, out.code
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} tour commands print something else:\n\n{}",
        wrong.len(),
        steps.len(),
        wrong.join("\n")
    );
}

#[test]
fn commands_split_like_a_shell_and_ids_times_and_alignment_are_normalised() {
    let (words, comment) = shell_words(r#"nemoctl chat "add a title 'Paradise Found'"   # a silent edit"#);
    assert_eq!(
        (words, comment.trim()),
        (vec!["nemoctl".into(), "chat".into(), "add a title 'Paradise Found'".into()], "a silent edit")
    );
    assert_eq!(
        normalise(
            "render_1796024322672    trip   done (4.1 KB)\nanon_47c482c4 expires 2026-12-07T07:38:42Z, 100 credits"
        ),
        "render_# trip done (4.1 KB)\nanon_… expires TIME, 100 credits"
    );
}

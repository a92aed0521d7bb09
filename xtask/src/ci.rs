//! `cargo xtask ci` and `cargo xtask deps`: what every submission must pass.

use std::path::Path;

use crate::cargo;

/// Crates the pure core must never depend on (normal dependencies).
const FORBIDDEN_IN_CORE: &[&str] = &["tokio", "reqwest", "hyper"];

/// Format check, clippy, the dependency check, the docs, the fuzz targets build, every test
/// (the fuzz corpora replay among them), then the cheap properties at 10⁵ cases each.
pub fn ci() -> Result<(), String> {
    cargo::run(&["fmt", "--all", "--", "--check"])?;
    cargo::run(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    check_core_dependencies()?;
    cargo::run_with_env(&["doc", "--workspace", "--no-deps", "--locked"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    check_fuzz_targets()?;
    cargo::run(&["test", "--workspace", "--locked"])?;
    properties_at_scale()
}

/// The cargo-fuzz targets still build: a plain `cargo check` of `fuzz/` (its own workspace),
/// on the stable toolchain; libfuzzer-sys's build script compiles libFuzzer with a C++ compiler.
/// It shares the workspace's target dir, where clippy has already checked the dependencies.
/// Not `--locked`: `fuzz/Cargo.lock` follows the workspace's, and a new workspace dependency
/// must not fail CI here before it fails anywhere else.
fn check_fuzz_targets() -> Result<(), String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/Cargo.toml");
    let manifest = manifest.to_str().ok_or("the repository path is not UTF-8")?;
    let target_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let target_dir = target_dir.to_str().ok_or("the repository path is not UTF-8")?;
    cargo::run(&["check", "--manifest-path", manifest, "--bins", "--target-dir", target_dir])
}

/// How many cases each cheap property sees in CI (proptest's own `PROPTEST_CASES`; a plain
/// `cargo test` keeps proptest's default of 256).
const CASES_AT_SCALE: &str = "100000";

/// The pure, cheap properties (parsers, round trips, router, decoder, mapper, diff, time, the
/// offline instruction reader), as exact `cargo test` names per package: about two minutes in
/// all on two cores. The store's property does file I/O and keeps its own case count.
const CHEAP_PROPERTIES: &[(&str, &[&str])] = &[
    (
        "nemo-core",
        &[
            "time::tests::formatting_then_parsing_gives_the_same_second",
            "time::tests::parsing_never_panics",
            "intent::tests::routing_is_total_and_ignores_surrounding_whitespace",
            "gui::tests::never_panics_and_is_idempotent",
            "gui::tests::instructions_are_idempotent_without_duplicates",
            "gui::tests::gui_free_text_is_unchanged",
            "draft::tests::any_json_inside_tracks_and_segments_survives_bit_exact",
            "draft::tests::any_object_is_a_draft_equal_to_itself",
            "draft::timeline::tests::never_panics_on_any_object",
            "draft::summary::tests::never_panics_on_any_object",
            "draft::diff::tests::a_draft_against_itself_yields_nothing",
            "draft::diff::tests::a_diff_is_empty_exactly_when_the_content_is_equal",
            "draft::diff::tests::each_edit_is_named_by_its_track",
            "chat::turn::tests::any_split_into_deltas_then_the_full_text_shows_it_exactly_once",
            "chat::turn::tests::any_event_sequence_never_panics_and_shown_text_is_the_text_outputs",
            "chat::turn::tests::still_working_count_for_evenly_spaced_heartbeats",
        ],
    ),
    (
        "nemo-http",
        &[
            "sse::tests::chunking_never_changes_the_events",
            "sse::tests::arbitrary_bytes_never_panic",
            "events::tests::never_panics",
            "events::tests::never_panics_on_json_like_text",
            "events::tests::the_text_fast_path_agrees_with_the_general_reading",
            "envelope::tests::never_panics",
            "envelope::tests::never_panics_on_envelope_like_text",
            "backend::tests::the_draft_goes_into_the_render_body_byte_for_byte",
        ],
    ),
    (
        "nemo-engine",
        &[
            "silence::tests::any_log_gives_ordered_ranges_within_the_file",
            "render::tests::any_line_reads_as_a_percent_below_100_or_nothing",
            "mp4::tests::any_bytes_read_as_a_movie_or_nothing",
            "mp4::tests::a_damaged_header_reads_as_a_movie_or_nothing",
            "quiet::tests::silences_are_the_long_quiet_runs_however_the_sound_is_split",
        ],
    ),
    (
        "nemo-editor",
        &[
            "words::tests::never_panics_and_every_clause_is_kept",
            "words::tests::never_panics_on_instruction_like_text",
            "agent::tests::every_message_is_answered_with_an_edit_or_text",
        ],
    ),
];

/// Runs [`CHEAP_PROPERTIES`] with [`CASES_AT_SCALE`] cases each, in release (which makes
/// 10⁵ cases cheap), `--exact` so that each filter names one property.
/// A renamed property fails the step instead of silently running nothing.
fn properties_at_scale() -> Result<(), String> {
    for (package, properties) in CHEAP_PROPERTIES {
        let mut args = vec!["test", "--release", "--locked", "--package", package, "--lib", "--", "--exact"];
        args.extend_from_slice(properties);
        let mut list = args.clone();
        list.push("--list");
        let output = cargo::command().args(&list).output().map_err(|e| format!("could not run cargo: {e}"))?;
        let listed = String::from_utf8_lossy(&output.stdout);
        let missing: Vec<&str> =
            properties.iter().copied().filter(|p| !listed.lines().any(|l| l == format!("{p}: test"))).collect();
        if !output.status.success() {
            return Err(format!("`cargo {}` failed: {}", list.join(" "), String::from_utf8_lossy(&output.stderr)));
        }
        if !missing.is_empty() {
            return Err(format!("{package} has no property named {}", missing.join(", ")));
        }
        cargo::run_with_env(&args, &[("PROPTEST_CASES", CASES_AT_SCALE)])?;
    }
    Ok(())
}

/// The dependency rules of the design, checked on `cargo tree` (packages named with their
/// source, so a workspace crate is known by its path, whatever it is called):
/// - `nemo-core` depends (normal edges) on no crate of this workspace and on none of
///   [`FORBIDDEN_IN_CORE`];
/// - `nemo-engine` depends on no test double: not `adapters/fake`, not even for its tests.
pub fn check_core_dependencies() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().map_err(|e| format!("{}: {e}", root.display()))?;
    let core = dependencies("nemo-core", "normal")?;
    let mut offenders: Vec<String> = core
        .iter()
        .filter(|(name, path)| {
            FORBIDDEN_IN_CORE.contains(&name.as_str())
                || path.as_ref().is_some_and(|p| p.starts_with(&root) && p != &root.join("core"))
        })
        .map(|(name, _)| format!("nemo-core → {name}"))
        .collect();
    let fake = root.join("adapters/fake");
    offenders.extend(
        dependencies("nemo-engine", "normal,dev")?
            .iter()
            .filter(|(_, path)| path.as_ref() == Some(&fake))
            .map(|(name, _)| format!("nemo-engine → {name} (the fake)")),
    );
    if offenders.is_empty() {
        println!(
            "xtask: nemo-core depends on no workspace crate and none of {}; nemo-engine not on the fake",
            FORBIDDEN_IN_CORE.join(", ")
        );
        Ok(())
    } else {
        Err(format!("the dependency rules are broken: {}", offenders.join(", ")))
    }
}

/// Every package in `package`'s dependency tree along `edges`, with its path when it is a
/// path dependency (the package itself included).
fn dependencies(package: &str, edges: &str) -> Result<Vec<(String, Option<std::path::PathBuf>)>, String> {
    let output = cargo::command()
        .args(["tree", "--package", package, "--edges", edges, "--prefix", "none", "--format", "{p}"])
        .output()
        .map_err(|e| format!("could not run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let name = line.split_whitespace().next()?.to_owned();
            let path =
                line.rsplit_once(" (").and_then(|(_, rest)| rest.strip_suffix(')')).map(std::path::PathBuf::from);
            Some((name, path.filter(|p| p.is_absolute())))
        })
        .collect())
}

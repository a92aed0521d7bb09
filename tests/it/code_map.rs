//! ARCHITECTURE.md's code map names every module: each source file and folder of every crate
//! (`src/` and `examples/` of `core`, `adapters/*`, `apps/*`, `xtask`, `tests/fuzz-checks`)
//! appears in it as `` `name` `` under its crate's section, so that a module added without a
//! word in the map fails here instead of leaving the map quietly false.

use std::path::{Path, PathBuf};

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The crates' folders, each with the heading of its section in the map.
fn crates() -> Vec<(PathBuf, String)> {
    let root = root();
    let mut found = vec![
        (root.join("core"), "### `core/`".to_owned()),
        (root.join("xtask"), "### `xtask/`".to_owned()),
        (root.join("tests/fuzz-checks"), "`tests/fuzz-checks/`".to_owned()),
    ];
    for group in ["adapters", "apps"] {
        let mut folders: Vec<PathBuf> =
            std::fs::read_dir(root.join(group)).unwrap().flatten().map(|entry| entry.path()).collect();
        folders.sort();
        for folder in folders.into_iter().filter(|folder| folder.join("Cargo.toml").is_file()) {
            let name = folder.file_name().unwrap().to_string_lossy().into_owned();
            found.push((folder, format!("`{group}/{name}/`")));
        }
    }
    found
}

/// Every module name under `dir`: `.rs` files but the crate roots and `mod.rs`, and folders.
fn modules(dir: &Path, names: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            names.push(name);
            modules(&path, names);
        } else if let Some(stem) = name.strip_suffix(".rs")
            && !matches!(stem, "lib" | "main" | "mod")
        {
            names.push(stem.to_owned());
        }
    }
}

/// The map's text for the crate whose section starts with a line holding `heading`: up to the
/// next `### ` heading.
fn section<'a>(map: &'a str, heading: &str) -> &'a str {
    let start = map.lines().position(|line| line.starts_with("### ") && line.contains(heading));
    let Some(start) = start else { panic!("ARCHITECTURE.md has no section for {heading}") };
    let lines: Vec<&str> = map.lines().collect();
    let end = (start + 1..lines.len()).find(|i| lines[*i].starts_with("## ") || lines[*i].starts_with("### "));
    let from = map.find(lines[start]).unwrap_or(0);
    let to = end.and_then(|i| map.find(lines[i])).unwrap_or(map.len());
    &map[from..to]
}

#[test]
fn the_code_map_names_every_module_of_every_crate() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for (folder, heading) in crates() {
        let text = section(&map, &heading);
        let mut names = Vec::new();
        modules(&folder.join("src"), &mut names);
        modules(&folder.join("examples"), &mut names);
        names.sort();
        names.dedup();
        for name in names {
            if !text.contains(&format!("`{name}`")) && !text.contains(&format!("`{name}/`")) {
                missing.push(format!("{heading}: `{name}`"));
            }
        }
    }
    assert!(missing.is_empty(), "modules ARCHITECTURE.md does not name:\n{}", missing.join("\n"));
}

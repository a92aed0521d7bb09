//! The instruction set: one module per instruction and [`TABLE`], the one ordered list of
//! them. A clause is asked of each in order and the first that recognises it wins, so an
//! instruction that reads more specific words comes before one that reads fewer (a cut from
//! A to B before a trim to N; "undo the mute" is an undo, so undo comes before mute; a title
//! card or a video from photos may hold a quoted title, so both come before the title). Adding an instruction is its module, its line in [`TABLE`] and
//! its test: the list of what the editor can do ([`capabilities`]), the crate docs and the
//! README's table ([`markdown_table`], checked by a test) follow from the table.

pub mod aspect;
pub mod captions;
pub mod card;
pub mod cut;
pub mod export;
pub mod join;
pub mod music;
pub mod mute;
pub mod pauses;
pub mod quality;
pub mod resolution;
pub mod slideshow;
pub mod speed;
pub mod title;
pub mod transitions;
pub mod trim;
pub mod undo;
pub mod volume;

use serde_json::Value;

use crate::instruction::Instruction;
use crate::words::Clause;

/// Every instruction, in the order clauses are matched against them.
pub static TABLE: &[&dyn Instruction] = &[
    &card::Card,
    &slideshow::Slideshow,
    &title::Title,
    &undo::Undo,
    &volume::Volume,
    &music::Music,
    &pauses::Pauses,
    &aspect::Aspect,
    &resolution::Resolution,
    &quality::Quality,
    &speed::Speed,
    &cut::Cut,
    &trim::Trim,
    &mute::Mute,
    &join::Join,
    &transitions::Transitions,
    &captions::Captions,
    &export::Export,
];

/// The first instruction of the table that recognises `clause`, with the call's arguments.
#[must_use]
pub fn recognise(clause: &Clause) -> Option<(&'static dyn Instruction, Value)> {
    TABLE.iter().find_map(|instruction| instruction.recognise(clause).map(|args| (*instruction, args)))
}

/// The answer to a message the editor does not understand: what it can do, from the table.
#[must_use]
pub fn capabilities() -> String {
    let lines: Vec<&str> = TABLE.iter().map(|instruction| instruction.about().can).collect();
    let (last, first) = lines.split_last().map_or((&"", &[][..]), |(last, first)| (last, first));
    format!(
        "I can {}, or {last}. Several at once work too: \"remove the pauses, add a title 'Hi' and make it vertical\".",
        first.join(", ")
    )
}

/// The README's table of instructions (Markdown), from the table.
#[must_use]
pub fn markdown_table() -> String {
    let mut table = String::from("| Instruction | Examples |\n|---|---|\n");
    for instruction in TABLE {
        let about = instruction.about();
        let examples: Vec<String> = about.examples.iter().map(|example| format!("`{example}`")).collect();
        table.push_str(&format!("| {} | {} |\n", about.name, examples.join(", ")));
    }
    table
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::words::clauses;

    /// The tool and arguments each clause of `message` is recognised as.
    fn read(message: &str) -> Vec<Option<(&'static str, Value)>> {
        clauses(message).iter().map(|clause| recognise(clause).map(|(i, args)| (i.about().tool, args))).collect()
    }

    fn check(message: &str, tool: &str, args: Value) {
        assert_eq!(read(message), [Some((tool, args))], "{message}");
    }

    #[test]
    fn understands_each_documented_instruction() {
        check("add a title 'Paradise Found'", "add_title", json!({"text": "Paradise Found"}));
        check("Add a title 'Don't Stop' please", "add_title", json!({"text": "Don't Stop"}));
        check("添加标题「天堂」", "add_title", json!({"text": "天堂"}));
        check(
            "add a title \"2024 trip\" for 5 seconds at the bottom",
            "add_title",
            json!({"text": "2024 trip", "duration_ms": 5000, "position": "bottom"}),
        );
        check("添加标题「你好」4秒 顶部", "add_title", json!({"text": "你好", "duration_ms": 4000, "position": "top"}));
        check("set the music volume to 60%", "set_music_volume", json!({"volume": 60}));
        check("set the music volume to 250%", "set_music_volume", json!({"volume": 100}));
        let music = |file: Option<&str>, volume: Option<u8>, style: Option<&str>| json!({"file": file, "volume": volume, "style": style});
        check("add music", "add_background_music", music(None, None, None));
        check("add bgm", "add_background_music", music(None, None, None));
        check(
            "add background music song2.mp3 at 30%",
            "add_background_music",
            music(Some("song2.mp3"), Some(30), None),
        );
        check(
            "add music '/tmp/my song.wav' at 50 %",
            "add_background_music",
            music(Some("/tmp/my song.wav"), Some(50), None),
        );
        check("add trending music", "add_background_music", music(None, None, Some("Upbeat")));
        check("sync cinematic background music", "add_background_music", music(None, None, Some("Cinematic")));
        check("remove the pauses", "remove_pauses", json!({}));
        check("remove silent parts", "remove_pauses", json!({}));
        check("去掉停顿", "remove_pauses", json!({}));
        let aspect = |ratio: &str| json!({"ratio": ratio, "fit": "blur", "platform": false});
        check("make it vertical 9:16", "set_aspect_ratio", aspect("9:16"));
        check("make it square", "set_aspect_ratio", aspect("1:1"));
        check("make it 16:9", "set_aspect_ratio", aspect("16:9"));
        check("竖屏", "set_aspect_ratio", aspect("9:16"));
        check("speed it up ×2", "set_speed", json!({"factor": 2.0}));
        check("play it at 1.5x speed", "set_speed", json!({"factor": 1.5}));
        check("slow down", "set_speed", json!({"factor": 0.5}));
        check("speed 10x", "set_speed", json!({"factor": 4.0}));
        check("cut from 2 to 3.5 seconds", "cut_range", json!({"from_ms": 2000, "to_ms": 3500}));
        check("remove 1-2 s", "cut_range", json!({"from_ms": 1000, "to_ms": 2000}));
        check("剪掉2到3秒", "cut_range", json!({"from_ms": 2000, "to_ms": 3000}));
        check("trim to 8 seconds", "trim_video", json!({"duration_ms": 8000}));
        check("trim it to 7.5 s.", "trim_video", json!({"duration_ms": 7500}));
        check("cut it to 4 s", "trim_video", json!({"duration_ms": 4000}));
        check("剪到5秒", "trim_video", json!({"duration_ms": 5000}));
        check("mute the original audio", "mute_video", json!({}));
        check("静音", "mute_video", json!({}));
        check("join the clips with a fade", "join_with_fade", json!({}));
        check("淡入淡出", "join_with_fade", json!({}));
        check("undo", "undo", json!({}));
        check("撤销", "undo", json!({}));
    }

    #[test]
    fn several_instructions_are_read_in_order() {
        let tools: Vec<Option<&str>> = read("remove the pauses, add a title 'Hello' and make it vertical")
            .into_iter()
            .map(|r| r.map(|r| r.0))
            .collect();
        assert_eq!(tools, [Some("remove_pauses"), Some("add_title"), Some("set_aspect_ratio")]);
    }

    #[test]
    fn leaves_everything_else_unrecognised() {
        for message in [
            "hello",
            "add a title",
            "add a title ''",
            "set the music volume",
            "how was your commute?",
            "trim it",
            "trim to 0 seconds",
            "make it pop",
            "cut from 3 to 2",
        ] {
            assert_eq!(read(message), [None], "{message}");
        }
    }

    #[test]
    fn every_example_is_recognised_as_its_own_instruction() {
        for instruction in TABLE {
            let about = instruction.about();
            for example in about.examples {
                let tools: Vec<Option<&str>> = read(example).into_iter().map(|r| r.map(|r| r.0)).collect();
                assert_eq!(tools, [Some(about.tool)], "{example}");
            }
        }
    }

    #[test]
    fn the_capabilities_name_every_instruction_once() {
        let text = capabilities();
        assert!(text.starts_with("I can make a title card"), "{text}");
        let text = text.split("Several at once").next().unwrap_or_default();
        for instruction in TABLE {
            assert_eq!(text.matches(instruction.about().can).count(), 1, "{}", instruction.about().can);
        }
    }

    /// The README's table is the editor's; `NEMO_BLESS=1` writes it there (between the line
    /// `| Instruction | Examples |` and the first line after it that is not a table row).
    #[test]
    fn the_readme_table_is_the_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
        let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let table = markdown_table();
        if readme.contains(&table) {
            return;
        }
        let start =
            readme.find("| Instruction | Examples |").unwrap_or_else(|| panic!("README.md has no instruction table"));
        let end = readme[start..].find("\n\n").map_or(readme.len(), |n| start + n + 1);
        assert!(
            std::env::var_os("NEMO_BLESS").is_some(),
            "README.md's instruction table differs from the editor's; run `NEMO_BLESS=1 cargo test -p nemo-editor` to write:\n{table}"
        );
        let blessed = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, blessed).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

//! The text a text segment shows, found the way an agent reading the JSON would: our `tx`,
//! else `text`, else `content`, else the first string member that reads as display text (a
//! phrase or a capitalised word — not an id, a keyword, a URL, a path or a colour) under a key
//! that is not styling. Drafts that name the text otherwise still get their words summarised.

use super::raw::{self, Members};

/// Keys that name the text, in the order they are tried.
const TEXT_KEYS: [&[u8]; 3] = [b"tx", b"text", b"content"];

/// Keys whose strings are never the text shown: this project's others, and styling.
const NOT_TEXT: [&[u8]; 14] = [
    b"src", b"nm", b"pos", b"fx", b"id", b"type", b"kind", b"font", b"color", b"colour", b"style", b"align", b"url",
    b"lang",
];

/// The text of a text segment whose members are `members`, if any reads as text.
pub(super) fn segment_text(members: &Members<'_>) -> Option<String> {
    let string =
        |key: &[u8]| members.iter().rev().find(|(k, _)| k.as_ref() == key).and_then(|(_, value)| raw::text(value));
    TEXT_KEYS.iter().find_map(|key| string(key).filter(|text| !text.trim().is_empty())).or_else(|| {
        members
            .iter()
            .filter(|(key, _)| !NOT_TEXT.contains(&key.as_ref()) && !TEXT_KEYS.contains(&key.as_ref()))
            .filter_map(|(_, value)| raw::text(value))
            .find(|text| reads_as_display_text(text))
    })
}

/// A phrase (letters and a space) or a word with a capital or non-ASCII letter, and nothing
/// that marks a URL, a path or a colour.
fn reads_as_display_text(text: &str) -> bool {
    let text = text.trim();
    let has_letter = text.chars().any(char::is_alphabetic);
    let phrase_or_name = text.contains(char::is_whitespace) || text.chars().any(|c| c.is_uppercase() || !c.is_ascii());
    let machine = text.contains("://") || text.starts_with('#') || text.contains(['/', '\\']);
    has_letter && phrase_or_name && !machine
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    fn text_of(json: &str) -> Option<String> {
        let raw = RawValue::from_string(json.to_owned()).unwrap();
        segment_text(&raw::members(&raw).unwrap())
    }

    #[test]
    fn the_text_is_found_under_the_keys_an_agent_would_read() {
        assert_eq!(text_of(r#"{"tx":"Ours","text":"Theirs"}"#).as_deref(), Some("Ours"));
        assert_eq!(text_of(r#"{"tx":" ","text":"Theirs"}"#).as_deref(), Some("Theirs"));
        assert_eq!(text_of(r#"{"d":3000,"content":"Paradise Found"}"#).as_deref(), Some("Paradise Found"));
        let styled =
            r##"{"id":"Seg A","font":"Inter Bold","color":"#FFFFFF","anim":"fade_in","words":"Paradise Found"}"##;
        assert_eq!(text_of(styled).as_deref(), Some("Paradise Found"));
        assert_eq!(text_of(r#"{"caption":"Été"}"#).as_deref(), Some("Été"));
    }

    #[test]
    fn machine_strings_are_not_text() {
        for json in [
            r#"{"anim":"fade_in"}"#,
            r#"{"asset":"https://cdn.test/A b.png"}"#,
            r#"{"file":"C:\\Clips\\A.mov"}"#,
            r##"{"bg":"#FF00AA"}"##,
            r#"{"n":"12 34"}"#,
            r#"{"d":3000}"#,
        ] {
            assert_eq!(text_of(json), None, "{json}");
        }
    }
}

//! Text for a person's terminal: every control character the service could send (in the
//! editor's reply, an error message, a clip name) made visible instead of obeyed, so nothing
//! from the wire can move the cursor, recolour or retitle the terminal, or ring its bell.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with each control character but newline and tab written as a visible escape
/// (`ESC` as `\u{1b}`, CSI as `\u{9b}`): all of C0 (U+0000–U+001F, BEL and ESC among them),
/// DEL and C1 (U+0080–U+009F). A CR before a LF is dropped (a Windows line end is a line
/// end). Text with nothing to neutralise is returned as is, without a copy.
#[must_use]
pub fn printable(text: &str) -> Cow<'_, str> {
    escape_controls(text, true, |out, code| write!(out, "\\u{{{code:x}}}"))
}

/// Serialised JSON with DEL and the C1 controls (which JSON allows raw in strings, and
/// `serde_json` writes raw) written as `\u00XX` escapes: the same JSON value, safe on a
/// terminal. (C0 controls are always escaped in JSON already.)
#[must_use]
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    escape_controls(json, false, |out, code| write!(out, "\\u{code:04x}"))
}

/// `text` with each [`neutralised`] character written by `escape` (given its code point), and
/// with a CR before a LF dropped if `crlf_is_lf`; borrowed when nothing changes.
fn escape_controls(
    text: &str,
    crlf_is_lf: bool,
    escape: impl Fn(&mut String, u32) -> std::fmt::Result,
) -> Cow<'_, str> {
    if !text.chars().any(neutralised) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if crlf_is_lf && c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if neutralised(c) {
            // Writing to a String cannot fail.
            let _ = escape(&mut out, u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A control character other than newline and tab.
fn neutralised(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(printable("\u{1b}[2J\u{1b}]0;pwned\u{7}done"), "\\u{1b}[2J\\u{1b}]0;pwned\\u{7}done");
        assert_eq!(printable("a\u{9b}31mb\u{7f}"), "a\\u{9b}31mb\\u{7f}");
        assert_eq!(printable("line\r\nover\rwrite"), "line\nover\\u{d}write");
        assert_eq!(printable("\u{0}"), "\\u{0}");
        assert!(matches!(printable("Title added.\n\tnext 😀 é"), Cow::Borrowed("Title added.\n\tnext 😀 é")));
    }

    /// Whether `small`'s characters appear in `big` in order.
    fn is_subsequence(small: impl Iterator<Item = char>, big: &str) -> bool {
        let mut big = big.chars();
        small.into_iter().all(|c| big.any(|b| b == c))
    }

    proptest! {
        #[test]
        fn json_for_terminal_is_the_same_value_with_no_raw_controls(text in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]){0,40}") {
            let json = serde_json::json!({ "text": text, "list": [text.clone()] }).to_string();
            let shown = json_for_terminal(&json);
            prop_assert!(!shown.chars().any(char::is_control), "{shown:?}");
            let value: serde_json::Value = serde_json::from_str(&shown).unwrap();
            prop_assert_eq!(value, serde_json::from_str::<serde_json::Value>(&json).unwrap());
        }

        #[test]
        fn nothing_but_newline_and_tab_of_the_controls_survives(text in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]){0,40}") {
            let shown = printable(&text);
            prop_assert!(!shown.chars().any(neutralised), "{shown:?}");
            let again = printable(&shown).into_owned();
            prop_assert_eq!(again.as_str(), shown.as_ref());
            prop_assert!(is_subsequence(text.chars().filter(|&c| !neutralised(c)), &shown));
        }

        #[test]
        fn text_without_controls_is_unchanged(text in "(\\PC|\n|\t){0,40}") {
            prop_assert!(matches!(printable(&text), Cow::Borrowed(t) if t == text));
        }
    }
}

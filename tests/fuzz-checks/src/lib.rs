//! The fuzz targets' checks, as plain functions over bytes: `fuzz/` (cargo-fuzz, outside the
//! workspace) calls them from `fuzz_target!`, and `tests/it/fuzz_corpora.rs` replays every
//! committed corpus file through the same functions, so the corpora run in every `cargo test`.
//!
//! Each check panics (an `assert!`) when a property fails; any input is allowed.

use nemo_core::draft::{Draft, describe, diff};
use nemo_core::gui::translate;
use nemo_core::intent::route;
use nemo_core::media::{MediaKind, extension};
use nemo_http::events::map_event;
use nemo_http::sse::{EventTooLarge, SseDecoder, SseItem};

type Decoded = Vec<Result<SseItem, EventTooLarge>>;

/// The SSE decoder and the payload mapper. The first byte picks two cut points, the rest is
/// the stream: fed whole, in three chunks, or one byte at a time, it gives the same items.
/// With a tiny size cap no event received is larger than the cap. Every event's data, and the stream
/// itself as text, go through `map_event` without a panic.
pub fn check_sse(data: &[u8]) {
    let Some((&spec, stream)) = data.split_first() else { return };
    let whole = decode(SseDecoder::default(), &[stream]);
    let first = stream.len() * usize::from(spec & 0x0F) / 15;
    let second = first + (stream.len() - first) * usize::from(spec >> 4) / 15;
    let thirds = [&stream[..first], &stream[first..second], &stream[second..]];
    assert_eq!(decode(SseDecoder::default(), &thirds), whole, "cut at {first} and {second}");
    let singles: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(decode(SseDecoder::default(), &singles), whole, "fed byte by byte");

    const CAP: usize = 16;
    for chunks in [&[stream][..], &thirds[..], &singles[..]] {
        for item in decode(SseDecoder::new(CAP), chunks) {
            if let Ok(SseItem::Event { data, .. }) = item {
                // The cap counts bytes received: each byte of invalid UTF-8 became a 3-byte U+FFFD.
                let received = data.len() - 2 * data.matches('\u{FFFD}').count();
                assert!(received <= CAP, "an event of {received} bytes passed a cap of {CAP}");
            }
        }
    }

    for item in &whole {
        if let Ok(SseItem::Event { data, .. }) = item {
            let _ = map_event(data);
        }
    }
    let _ = map_event(&String::from_utf8_lossy(stream));
}

fn decode(mut decoder: SseDecoder, chunks: &[&[u8]]) -> Decoded {
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk, &mut out);
    }
    decoder.finish(&mut out);
    out
}

/// A fixed, realistic draft to diff against.
const FIXED_DRAFT: &str = r#"{"t":[{"tt":0,"sg":[{"d":10000,"m":{"name":"city timelapse"}}]},{"tt":1,"sg":[{"d":10000,"v":0.35,"m":{"name":"Lo-fi"}}]},{"tt":7,"sg":[{"d":3000,"m":{"text":"Urban Dreams"}}]}],"n":"Urban Dreams"}"#;

/// The draft reader: text → `Draft::from_json`; a draft keeps its text byte for byte (JSON
/// whitespace around it aside), reads without a panic, equals itself and its reparse, and
/// diffs to nothing against itself. Text holding a NUL byte (never valid JSON) is two drafts,
/// diffed both ways: the diff is empty exactly when they are equal.
pub fn check_draft(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let fixed = Draft::from_json(FIXED_DRAFT).expect("the fixed draft parses");
    let (before, after) = match text.split_once('\0') {
        Some((before, after)) => (read_draft(before), read_draft(after)),
        None => (read_draft(text), Some(fixed)),
    };
    if let (Some(before), Some(after)) = (before, after) {
        for (a, b) in [(&before, &after), (&after, &before)] {
            let changes = diff(a, b);
            assert_eq!(changes.is_empty(), a == b, "diff {:?} of {} → {}", changes, a.as_json(), b.as_json());
            let _ = describe(&changes);
        }
    }
}

/// Reads one draft and checks what holds for any draft.
fn read_draft(text: &str) -> Option<Draft> {
    let draft = Draft::from_json(text).ok()?;
    assert_eq!(draft.as_json(), text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')), "not kept verbatim");
    let _ = draft.timeline();
    let _ = draft.summary();
    let _ = draft.is_export_ready();
    let _ = draft.to_value();
    assert!(diff(&draft, &draft).is_empty());
    let again = Draft::from_json(draft.as_json()).expect("a draft's own text parses");
    assert!(again == draft, "a draft differs from its own reparse: {text}");
    Some(draft)
}

/// The intent router and the GUI translation, on any text (bytes that are not UTF-8 are
/// replaced). Routing never panics, ignores surrounding whitespace, offers the predicate only
/// tokens with a supported media extension, and names each source once. Translating never
/// panics, lists each action once, and translating the translation changes no text.
/// (Text with no action may still change: "click here" is an instruction that asks nothing.)
pub fn check_intent(data: &[u8]) {
    let message = String::from_utf8_lossy(data);
    let asked = std::cell::RefCell::new(Vec::new());
    let all_exist = |token: &str| {
        asked.borrow_mut().push(token.to_owned());
        true
    };
    for predicate in [&all_exist as &dyn Fn(&str) -> bool, &|_: &str| false] {
        let intent = route(&message, predicate);
        assert_eq!(route(&format!(" \t{message}\n "), predicate), intent, "surrounding whitespace changed the intent");
        if let nemo_core::intent::Intent::Upload { sources } = &intent {
            for (n, source) in sources.iter().enumerate() {
                assert!(!sources[n + 1..].contains(source), "{source:?} named twice");
            }
        }
    }
    for token in asked.into_inner() {
        assert!(extension(&token).and_then(MediaKind::from_extension).is_some(), "asked about {token:?}");
    }

    let once = translate(&message);
    for (n, action) in once.actions.iter().enumerate() {
        assert!(!once.actions[n + 1..].contains(action), "{action:?} listed twice");
    }
    assert_eq!(translate(&once.text).text, once.text, "translating the translation changed it");
}

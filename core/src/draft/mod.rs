//! The draft timeline: the service's short-key JSON (`t`, `tt`, `sg`, `d`, `m`), kept verbatim
//! so that it goes back to the render endpoint exactly as received, with a read-only view on top.

mod diff;
mod raw;
mod segment_text;
mod summary;
mod timeline;

use std::fmt;

use serde::de::Error as _;
use serde_json::value::RawValue;

pub use diff::{Change, describe, diff};
pub use timeline::{Segment, Timeline, Track, TrackKind};

/// Text that is not a JSON object and so cannot be a draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the draft is not a JSON object: {0}")]
pub struct DraftError(pub String);

/// A draft exactly as the service sent it. The original text is kept byte for byte (unknown
/// keys, integers above 2^53, float digits, unicode escapes); only reading goes through a
/// parsed view.
#[derive(Clone)]
pub struct Draft {
    raw: Box<RawValue>,
}

impl Draft {
    /// Keeps `json` verbatim (whitespace around the object aside) after checking it is one
    /// JSON object.
    ///
    /// # Errors
    /// [`DraftError`] when the text is not valid JSON or not an object.
    pub fn from_json(json: impl Into<String>) -> Result<Self, DraftError> {
        let raw = RawValue::from_string(json.into()).map_err(|e| DraftError(e.to_string()))?;
        if !raw.get().trim_start().starts_with('{') {
            return Err(DraftError("expected an object".into()));
        }
        Ok(Self { raw })
    }

    /// The draft text exactly as received.
    #[must_use]
    pub fn as_json(&self) -> &str {
        self.raw.get()
    }

    /// A digest of the text (64-bit FNV-1a, 16 hex digits): two renders of one draft have the
    /// same, so an export can find a render of its draft still under way.
    #[must_use]
    pub fn digest(&self) -> String {
        let hash = self
            .raw
            .get()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        format!("{hash:016x}")
    }

    /// The draft parsed as a generic JSON value (numbers may lose precision here; never send
    /// this back, send [`Draft::as_json`]). `Null` when `Value` cannot hold the text (a number
    /// out of range, nesting deeper than 128, a lone surrogate), although the draft can.
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.raw.get()).unwrap_or(serde_json::Value::Null)
    }

    /// The timeline, read afresh from the text (tolerant: what cannot be read is absent).
    #[must_use]
    pub fn timeline(&self) -> Timeline {
        Timeline::read(&self.raw)
    }

    /// Whether the render endpoint may be called: `t` holds at least one track whose `sg` is a
    /// non-empty array. Reads only the published keys.
    #[must_use]
    pub fn is_export_ready(&self) -> bool {
        let tracks = raw::member(&self.raw, b"t").and_then(raw::elements).unwrap_or_default();
        tracks
            .into_iter()
            .any(|track| raw::member(track, b"sg").and_then(raw::elements).is_some_and(|segments| !segments.is_empty()))
    }

    /// The vendor's one-line summary:
    /// `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)`.
    #[must_use]
    pub fn summary(&self) -> String {
        summary::summary(&self.timeline())
    }
}

/// Two drafts are equal when their JSON content is equal, whatever the key order, spacing or
/// string escapes; numbers must be spelled the same (no precision is lost in comparing).
impl PartialEq for Draft {
    fn eq(&self, other: &Self) -> bool {
        raw::same(&self.raw, &other.raw)
    }
}

impl fmt::Debug for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Draft({} bytes)", self.as_json().len())
    }
}

impl serde::Serialize for Draft {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Draft {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Self::from_json(raw.get().to_owned()).map_err(D::Error::custom)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    #[test]
    fn keeps_the_text_verbatim() {
        let text = r#"{"t":[{"tt":0,"sg":[{"d":9007199254740993,"x":0.30000000000000004,"u":"\u00e9🎬"}]}],"zz":null}"#;
        let draft = Draft::from_json(text).unwrap();
        assert_eq!(draft.as_json(), text);
        #[derive(serde::Serialize)]
        struct Body<'a> {
            draft: &'a Draft,
        }
        assert_eq!(serde_json::to_string(&Body { draft: &draft }).unwrap(), format!(r#"{{"draft":{text}}}"#));
        let back: Draft = serde_json::from_str(text).unwrap();
        assert_eq!(back.as_json(), text);
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        assert!(Draft::from_json("[1]").is_err());
        assert!(Draft::from_json("{").is_err());
        assert!(Draft::from_json("").is_err());
    }

    #[test]
    fn equality_ignores_key_order_and_spacing() {
        let a = Draft::from_json(r#"{"t":[],"m":{"a":1}}"#).unwrap();
        let b = Draft::from_json(r#"{ "m": {"a":1}, "t": [] }"#).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, Draft::from_json(r#"{"t":[1]}"#).unwrap());
    }

    #[test]
    fn equality_never_loses_precision() {
        let draft = |text: &str| Draft::from_json(text).unwrap();
        assert_ne!(draft(r#"{"d":9007199254740993}"#), draft(r#"{"d":9007199254740992}"#));
        assert_ne!(draft(r#"{"a":1e400}"#), draft(r#"{"b":1e400}"#));
        assert_ne!(draft(r#"{"a":1.0}"#), draft(r#"{"a":1}"#));
        assert_eq!(draft(r#"{"a":"\u00e9"}"#), draft(r#"{"a":"é"}"#));
    }

    #[test]
    fn export_needs_a_track_with_segments() {
        let check =
            |text: &str, ready: bool| assert_eq!(Draft::from_json(text).unwrap().is_export_ready(), ready, "{text}");
        check(r#"{"t":[{"tt":0,"sg":[{"d":1000}]}]}"#, true);
        check(r#"{"t":[{"tt":0,"sg":[]},{"sg":[1]}]}"#, true);
        check(r#"{"t":[{"tt":0,"sg":[]}]}"#, false);
        check(r#"{"t":[{"tt":0,"sg":{"0":{}}}]}"#, false);
        check(r#"{"t":[[{"sg":[1]}]]}"#, false);
        check(r#"{"t":{"sg":[1]}}"#, false);
        check(r#"{"t":[{"sg":[1]}],"t":[]}"#, false);
        check(r#"{"tracks":[{"sg":[1]}]}"#, false);
        check("{}", false);
    }

    /// Whitespace a service might put between tokens.
    fn space() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ", "\n  ", "\t", "\r\n"])
    }

    /// A JSON key, often one the draft reads.
    fn key() -> impl Strategy<Value = String> {
        let known = prop::sample::select(vec![
            "t", "tt", "sg", "d", "m", "st", "in", "src", "nm", "tx", "vol", "sp", "role", "name", "ratio", "width",
            "height", "title",
        ]);
        prop_oneof![3 => known.prop_map(str::to_owned), 1 => any::<String>()]
            .prop_map(|key| serde_json::to_string(&key).unwrap())
    }

    /// A JSON scalar spelled the hard ways: integers past 2^53 and u64, float digits, negative
    /// zero, out-of-range exponents, escapes, lone surrogates, any unicode.
    fn scalar() -> impl Strategy<Value = String> {
        let tricky = prop::sample::select(vec![
            "9007199254740993",
            "0.30000000000000004",
            "-0.0",
            "-0",
            "1e400",
            "-1E-400",
            "123456789012345678901234567890",
            "3000.0",
            "true",
            "false",
            "null",
            r#""\u00e9\ud83c\udfac\n\"\\/""#,
            r#""\ud800""#,
            "\"Ω 🎬 نص\"",
        ]);
        prop_oneof![
            tricky.prop_map(str::to_owned),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_filter("JSON has no NaN or infinity", |x| x.is_finite()).prop_map(|x| format!("{x:?}")),
            any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
        ]
    }

    /// Any JSON text, nested up to four levels, with random spacing.
    pub(in crate::draft) fn any_json() -> impl Strategy<Value = String> {
        scalar().prop_recursive(4, 48, 5, |inner| {
            prop_oneof![
                (vec(inner.clone(), 0..5), space())
                    .prop_map(|(items, s)| format!("[{s}{}{s}]", items.join(&format!("{s},{s}")))),
                (vec((key(), inner), 0..5), space()).prop_map(|(members, s)| object(&members, s)),
            ]
        })
    }

    /// Any JSON object, its members often keyed like a draft.
    pub(in crate::draft) fn any_object() -> impl Strategy<Value = String> {
        (vec((key(), any_json()), 0..6), space()).prop_map(|(members, s)| object(&members, s))
    }

    fn object(members: &[(String, String)], s: &str) -> String {
        let members: Vec<String> = members.iter().map(|(k, v)| format!("{k}{s}:{s}{v}")).collect();
        format!("{{{s}{}{s}}}", members.join(&format!("{s},{s}")))
    }

    proptest! {
        #[test]
        fn any_json_inside_tracks_and_segments_survives_bit_exact(
            junk in vec(any_json(), 5),
            s in space(),
        ) {
            let text = format!(
                r#"{{"t":[{{"tt":0,"sg":[{{"d":1000,"x":{}}},{}],"m":{}}},{}],{s}"zz":{}}}"#,
                junk[0], junk[1], junk[2], junk[3], junk[4]
            );
            let draft = Draft::from_json(text.clone()).unwrap();
            prop_assert_eq!(draft.as_json(), &text);

            #[derive(serde::Serialize, serde::Deserialize)]
            struct Holder {
                draft: Draft,
            }
            let body = serde_json::to_string(&Holder { draft }).unwrap();
            prop_assert_eq!(&body, &format!(r#"{{"draft":{text}}}"#));
            let back: Holder = serde_json::from_str(&body).unwrap();
            prop_assert_eq!(back.draft.as_json(), &text);
        }

        #[test]
        fn any_object_is_a_draft_equal_to_itself(text in any_object()) {
            let draft = Draft::from_json(text.clone()).unwrap();
            prop_assert_eq!(draft.as_json(), &text);
            prop_assert_eq!(&draft, &draft.clone());
            let _ = draft.is_export_ready();
        }
    }
}

//! Lenient, borrowing reads of the draft's raw JSON text: one level at a time, never failing on
//! what serde_json's `Value` refuses (numbers out of range, nesting deeper than 128, lone
//! surrogates), so that a draft which was accepted verbatim can always be read and compared.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// How deep [`same`] compares structurally; below that, only identical text counts as equal.
const MAX_DEPTH: usize = 64;

/// The members of one JSON object in text order, keys decoded (lone surrogates as WTF-8).
pub(super) type Members<'a> = Vec<(Cow<'a, [u8]>, &'a RawValue)>;

/// The members of `raw` when it is an object.
pub(super) fn members(raw: &RawValue) -> Option<Members<'_>> {
    serde_json::from_str::<Object<'_>>(raw.get()).ok().map(|object| object.0)
}

/// The value of the last member named `key`, when `raw` is an object that has one.
pub(super) fn member<'a>(raw: &'a RawValue, key: &[u8]) -> Option<&'a RawValue> {
    members(raw)?.into_iter().rev().find_map(|(k, v)| (k.as_ref() == key).then_some(v))
}

/// The elements of `raw` when it is an array.
pub(super) fn elements(raw: &RawValue) -> Option<Vec<&RawValue>> {
    serde_json::from_str(raw.get()).ok()
}

/// The members of each element of `raw` when it is an array (`None` for an element that is
/// not an object), in one pass over the text when every element is an object.
pub(super) fn objects(raw: &RawValue) -> Option<Vec<Option<Members<'_>>>> {
    match serde_json::from_str::<Vec<Object<'_>>>(raw.get()) {
        Ok(objects) => Some(objects.into_iter().map(|object| Some(object.0)).collect()),
        Err(_) => Some(elements(raw)?.into_iter().map(members).collect()),
    }
}

/// The text of `raw` when it is a string; a lone surrogate escape becomes U+FFFD characters.
pub(super) fn text(raw: &RawValue) -> Option<String> {
    let bytes = serde_json::from_str::<Bytes<'_>>(raw.get()).ok()?.0;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The value of `raw` when it is a number f64 can hold.
pub(super) fn number(raw: &RawValue) -> Option<f64> {
    serde_json::from_str(raw.get()).ok()
}

/// `raw` as a count of milliseconds (or pixels): a non-negative integer, or a float rounded to
/// the nearest whole; anything else is absent.
pub(super) fn whole(raw: &RawValue) -> Option<u64> {
    serde_json::from_str::<u64>(raw.get()).ok().or_else(|| {
        let x = number(raw)?.round();
        // 2^64 as f64: anything at or above it does not fit.
        (0.0..18_446_744_073_709_551_616.0).contains(&x).then_some(x as u64)
    })
}

/// `raw` as an integer (a float with no fraction counts), when it fits an `i64`.
pub(super) fn integer(raw: &RawValue) -> Option<i64> {
    serde_json::from_str::<i64>(raw.get()).ok().or_else(|| {
        let x = number(raw)?;
        // -2^63 and 2^63 as f64.
        (x.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x))
            .then_some(x as i64)
    })
}

/// Whether two JSON texts hold the same content: key order, spacing, duplicate keys (the last
/// one wins) and string escapes do not matter; numbers must be spelled the same, so that no
/// digit the service sent can differ unnoticed. Below [`MAX_DEPTH`] levels of nesting only
/// identical text counts as the same (never a false "same", and a bounded stack).
pub(super) fn same(a: &RawValue, b: &RawValue) -> bool {
    same_at(a, b, 0)
}

fn same_at(a: &RawValue, b: &RawValue, depth: usize) -> bool {
    let (ta, tb) = (a.get().trim(), b.get().trim());
    if ta == tb {
        return true;
    }
    if depth >= MAX_DEPTH {
        return false;
    }
    match (ta.as_bytes().first(), tb.as_bytes().first()) {
        (Some(b'{'), Some(b'{')) => match (members(a), members(b)) {
            (Some(ma), Some(mb)) => {
                let (ma, mb) = (last_wins(ma), last_wins(mb));
                ma.len() == mb.len()
                    && ma.iter().zip(&mb).all(|((ka, va), (kb, vb))| ka == kb && same_at(va, vb, depth + 1))
            }
            _ => false,
        },
        (Some(b'['), Some(b'[')) => match (elements(a), elements(b)) {
            (Some(ea), Some(eb)) => {
                ea.len() == eb.len() && ea.iter().zip(&eb).all(|(va, vb)| same_at(va, vb, depth + 1))
            }
            _ => false,
        },
        (Some(b'"'), Some(b'"')) => {
            match (serde_json::from_str::<Bytes<'_>>(ta), serde_json::from_str::<Bytes<'_>>(tb)) {
                (Ok(sa), Ok(sb)) => sa.0 == sb.0,
                _ => false,
            }
        }
        _ => false,
    }
}

/// The members sorted by key, keeping only the last of each duplicated key.
fn last_wins(mut members: Members<'_>) -> Members<'_> {
    members.reverse();
    // The sort is stable: among equal keys, the last in the text now comes first.
    members.sort_by(|(ka, _), (kb, _)| ka.cmp(kb));
    members.dedup_by(|(later, _), (kept, _)| later == kept);
    members
}

/// A JSON object read one level deep.
struct Object<'a>(Members<'a>);

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<Bytes<'de>>()? {
                    members.push((key.0, map.next_value::<&'de RawValue>()?));
                }
                Ok(Object(members))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// A JSON string's decoded bytes (WTF-8, so that lone surrogates still decode).
struct Bytes<'a>(Cow<'a, [u8]>);

impl<'de> Deserialize<'de> for Bytes<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = Bytes<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON string")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Bytes<'de>, E> {
                Ok(Bytes(Cow::Borrowed(v)))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes<'de>, E> {
                Ok(Bytes(Cow::Owned(v.to_vec())))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Bytes<'de>, E> {
                Ok(Bytes(Cow::Borrowed(v.as_bytes())))
            }
            fn visit_str<E>(self, v: &str) -> Result<Bytes<'de>, E> {
                Ok(Bytes(Cow::Owned(v.as_bytes().to_vec())))
            }
        }
        deserializer.deserialize_bytes(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn reads_what_value_refuses() {
        let deep = format!("{{\"d\":1,\"x\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let object = raw(&deep);
        let read = members(&object).unwrap();
        assert_eq!(read[0].0.as_ref(), b"d");
        assert_eq!(whole(read[0].1), Some(1));
        assert_eq!(number(&raw("1e400")), None);
        assert_eq!(text(&raw(r#""\ud800é""#)).as_deref(), Some("\u{fffd}\u{fffd}\u{fffd}é"));
        assert_eq!(members(&raw(r#"{"\ud800":1}"#)).map(|m| m.len()), Some(1));
    }

    #[test]
    fn numbers_read_as_whole_or_integer() {
        let check = |text: &str, w: Option<u64>, i: Option<i64>| {
            assert_eq!((whole(&raw(text)), integer(&raw(text))), (w, i), "{text}");
        };
        check("3000", Some(3000), Some(3000));
        check("3000.0", Some(3000), Some(3000));
        check("2.5", Some(3), None);
        check("-7", None, Some(-7));
        check("18446744073709551615", Some(u64::MAX), None);
        check("1e30", None, None);
        check("\"7\"", None, None);
        check("null", None, None);
    }

    #[test]
    fn sameness_is_content_not_spelling() {
        let check = |a: &str, b: &str, expected: bool| {
            assert_eq!(same(&raw(a), &raw(b)), expected, "{a} vs {b}");
        };
        check(r#"{"a":1,"b":[1,2]}"#, r#"{ "b" : [1, 2], "a" : 1 }"#, true);
        check(r#"{"a":1,"a":2}"#, r#"{"a":2}"#, true);
        check(r#"{"\u0061":"\u00e9"}"#, r#"{"a":"é"}"#, true);
        check(r#"{"a":9007199254740993}"#, r#"{"a":9007199254740992}"#, false);
        check(r#"{"a":1e400}"#, r#"{"a":2e400}"#, false);
        check(r#"{"a":1.0}"#, r#"{"a":1}"#, false);
        check(r#"{"a":1}"#, r#"{"a":1,"b":1}"#, false);
        check(r#"{"a":[1]}"#, r#"{"a":[1,1]}"#, false);
        check(r#"{"a":"\ud800"}"#, r#"{"a":"\ud801"}"#, false);
        let nest = |leaf: &str| format!("{}{leaf}{}", "[".repeat(200), "]".repeat(200));
        check(&nest("1"), &nest(" 1 "), false);
        check(&nest("1"), &nest("1"), true);
    }
}

//! The draft timeline: the service's short-key JSON (`t`, `tt`, `sg`, `d`, `m`), kept verbatim
//! so that it goes back to the render endpoint exactly as received, with a read-only view on top.

use std::fmt;

use serde::de::Error as _;
use serde_json::value::RawValue;

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
    /// Keeps `json` verbatim after checking it is one JSON object.
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

    /// The draft parsed as a generic JSON value (numbers may lose precision here; never send
    /// this back, send [`Draft::as_json`]).
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.raw.get()).unwrap_or(serde_json::Value::Null)
    }
}

/// Two drafts are equal when their JSON content is equal, whatever the key order or spacing.
impl PartialEq for Draft {
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json() || self.to_value() == other.to_value()
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
mod tests {
    use super::*;

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
}

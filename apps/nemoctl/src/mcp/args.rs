//! The tools' arguments: one typed struct per tool (its JSON Schema, with descriptions, is
//! what `tools/list` shows) and [`parse`], which names the argument that is wrong.

use rmcp::ErrorData;
use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// `edit`: the quick edit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// The media files to edit (mp4, mov, avi, webm, mkv; jpg, png, gif, webp; mp3, wav, m4a,
    /// aac), relative to the server's working directory or absolute.
    pub files: Vec<String>,
    /// The instruction, in plain words: "remove the pauses, add a title 'Hello'".
    pub prompt: String,
    /// Where to write the MP4 (by default `<first file name>-edited.mp4`).
    #[serde(default)]
    pub output: Option<String>,
}

/// `new_project` and `use_project`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// A project name (for `use_project`, also a session id).
    pub name: String,
}

/// `upload`: at least one file or URL.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// Local media files, relative to the server's working directory or absolute.
    #[serde(default)]
    pub paths: Vec<String>,
    /// http(s) URLs of media the service fetches.
    #[serde(default)]
    pub urls: Vec<String>,
}

/// `chat`: one message to the editor.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    /// What to do, in plain words ("add background music at 30%", "undo"). Sent once, never
    /// again: after a failure read `tracks` before trying again.
    pub message: String,
}

/// `export`: render the current project.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// Where to write the MP4 (by default `<project>.mp4` in the output folder).
    #[serde(default)]
    pub output: Option<String>,
    /// Hand the job to a running nemod and return at once with its render id.
    #[serde(default)]
    pub detach: bool,
}

/// The tools that take no argument.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nothing {}

/// Reads a tool's arguments (absent ones as `{}`). A wrong one is an `invalid_params`
/// protocol error that names it ("files: invalid type: …", "missing field `prompt`").
///
/// # Errors
/// [`ErrorData::invalid_params`].
pub fn parse<T: DeserializeOwned>(arguments: Option<JsonObject>) -> Result<T, ErrorData> {
    let value = serde_json::Value::Object(arguments.unwrap_or_default());
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = if path == "." { error.inner().to_string() } else { format!("{path}: {}", error.inner()) };
        ErrorData::invalid_params(format!("invalid arguments: {message}"), None)
    })
}

/// A list argument that must hold at least one item.
///
/// # Errors
/// [`ErrorData::invalid_params`] naming it.
pub fn non_empty<T>(name: &str, list: &[T]) -> Result<(), ErrorData> {
    if list.is_empty() {
        return Err(ErrorData::invalid_params(format!("invalid arguments: {name}: give at least one"), None));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args(value: serde_json::Value) -> Option<JsonObject> {
        value.as_object().cloned()
    }

    fn message<T: DeserializeOwned + std::fmt::Debug>(value: serde_json::Value) -> String {
        parse::<T>(args(value)).unwrap_err().message.into_owned()
    }

    #[test]
    fn well_formed_arguments_are_read_with_their_defaults() {
        let edit: Edit = parse(args(json!({"files": ["a.mp4"], "prompt": "undo"}))).unwrap();
        assert_eq!((edit.files, edit.prompt, edit.output), (vec!["a.mp4".to_owned()], "undo".to_owned(), None));
        let export: Export = parse(None).unwrap();
        assert!(export.output.is_none() && !export.detach);
        let upload: Upload = parse(args(json!({"urls": ["https://x/a.mp4"]}))).unwrap();
        assert!(upload.paths.is_empty() && upload.urls.len() == 1);
        parse::<Nothing>(None).unwrap();
    }

    #[test]
    fn a_wrong_argument_is_named() {
        assert!(message::<Edit>(json!({"files": 3, "prompt": "x"})).contains("files: invalid type"));
        assert!(message::<Edit>(json!({"files": ["a", 2], "prompt": "x"})).contains("files[1]"));
        assert!(message::<Edit>(json!({"files": ["a"]})).contains("missing field `prompt`"));
        assert!(message::<Export>(json!({"detach": "yes"})).contains("detach: invalid type"));
        assert!(message::<Chat>(json!({"mesage": "hi"})).contains("unknown field `mesage`"));
        assert!(message::<Nothing>(json!({"x": 1})).contains("unknown field `x`"));
    }

    #[test]
    fn an_empty_list_is_named() {
        assert!(non_empty("files", &["a"]).is_ok());
        assert!(non_empty::<String>("files", &[]).unwrap_err().message.contains("files: give at least one"));
    }

    #[test]
    fn the_code_is_invalid_params() {
        let error = parse::<Name>(None).unwrap_err();
        assert_eq!(error.code, rmcp::model::ErrorCode::INVALID_PARAMS);
    }
}

//! What a tool call comes to, as MCP shows it: structured content plus a one-line text
//! summary; a failure is a result with `isError` carrying the CLI's exit code meaning as
//! `code`, its `message` and its `hint` (the same three fields as `--json`'s `error` line).

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use crate::failure::CliError;

/// A tool's successful result.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// The one line for people.
    pub line: String,
    /// The structured content (a JSON object).
    pub value: Value,
}

impl Done {
    /// A result with its line.
    pub fn new(line: impl Into<String>, value: Value) -> Self {
        Self { line: line.into(), value }
    }
}

/// The tool result of `outcome`.
pub fn result(outcome: Result<Done, CliError>) -> CallToolResult {
    match outcome {
        Ok(done) => with_line(CallToolResult::structured(done.value), done.line),
        Err(error) => failure(&error),
    }
}

/// `isError` with `{code, message, hint}`.
pub fn failure(error: &CliError) -> CallToolResult {
    let value = json!({"code": error.exit_code(), "message": error.message(), "hint": error.hint()});
    with_line(CallToolResult::structured_error(value), format!("error {}: {}", error.exit_code(), error.message()))
}

/// Sets the text content to `line`, kept on one line.
fn with_line(mut result: CallToolResult, line: String) -> CallToolResult {
    result.content = vec![ContentBlock::text(line.replace('\n', " "))];
    result
}

#[cfg(test)]
mod tests {
    use nemo_core::error::Error;

    use super::*;

    #[test]
    fn a_result_carries_its_value_and_one_line() {
        let result = result(Ok(Done::new("out.mp4 (4096 bytes)", json!({"bytes": 4096}))));
        assert_eq!(result.is_error, Some(false));
        assert_eq!(result.structured_content, Some(json!({"bytes": 4096})));
        assert_eq!(result.content.len(), 1);
        assert_eq!(result.content[0].as_text().map(|t| t.text.as_str()), Some("out.mp4 (4096 bytes)"));
    }

    #[test]
    fn failures_carry_the_exit_code_meaning_message_and_hint() {
        let cases = [
            (CliError::from(Error::NothingToExport), 6),
            (CliError::from(Error::NoProject), 1),
            (
                CliError::from(Error::RenderFailed {
                    id: nemo_core::ids::RenderId::from_unix_ms(1),
                    reason: "x".into(),
                }),
                9,
            ),
            (CliError::Interrupted, 130),
            (CliError::DaemonDown { socket: "/s".into() }, 10),
        ];
        for (error, code) in cases {
            let result = failure(&error);
            assert_eq!(result.is_error, Some(true));
            let value = result.structured_content.clone().unwrap();
            assert_eq!(value["code"], code, "{error:?}");
            assert_eq!(value["message"], error.message());
            assert_eq!(value["hint"], error.hint());
            let line = result.content[0].as_text().unwrap().text.clone();
            assert!(line.starts_with(&format!("error {code}: ")) && !line.contains('\n'), "{line}");
        }
    }
}

//! The resources: the agent guide (what `nemoctl guide` prints: SKILL.md and what the
//! offline editor understands) and the current project's timeline (the `tracks` tool's
//! content, read fresh each time).

use nemo_core::ports::NoProgress;
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents};

use super::calls::Calls;
use crate::commands::local::guide_text;

/// The guide's URI.
pub const GUIDE_URI: &str = "nemoctl://guide";
/// The current project's timeline's URI.
pub const TIMELINE_URI: &str = "nemoctl://project/timeline";

/// Both resources.
pub fn list() -> Vec<Resource> {
    vec![
        Resource::new(GUIDE_URI, "guide")
            .with_title("How to edit video with nemoctl (SKILL.md, and what the offline editor understands)")
            .with_mime_type("text/markdown"),
        Resource::new(TIMELINE_URI, "timeline")
            .with_title("The current project's timeline")
            .with_description("{summary, tracks} of the current project, as the `tracks` tool returns it")
            .with_mime_type("application/json"),
    ]
}

/// Reads one.
///
/// # Errors
/// `resource_not_found` for another URI, or when there is no current project or the
/// service cannot be read (the message says why).
pub async fn read(calls: &Calls, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    let contents = match uri {
        GUIDE_URI => ResourceContents::text(guide_text(), uri).with_mime_type("text/markdown"),
        TIMELINE_URI => {
            let done = calls
                .tracks(&NoProgress)
                .await
                .map_err(|e| ErrorData::resource_not_found(format!("{}: {}", e.message(), e.hint()), None))?;
            ResourceContents::text(done.value.to_string(), uri).with_mime_type("application/json")
        }
        other => return Err(ErrorData::resource_not_found(format!("no resource {other:?}"), None)),
    };
    Ok(ReadResourceResult::new(vec![contents]))
}

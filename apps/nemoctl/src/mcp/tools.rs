//! The tool table — each tool's name, description and argument schema, the contract agents
//! see in `tools/list` — and the dispatch of a call to its body in [`Calls`].

use std::sync::Arc;

use nemo_core::ports::Progress;
use rmcp::ErrorData;
use rmcp::handler::server::common::schema_for_input;
use rmcp::model::{CallToolRequestParams, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;

use super::args::{self, parse};
use super::calls::Calls;
use super::outcome::Done;
use super::paths::resolved;
use crate::failure::CliError;

/// One tool: name, description, the arguments' type, whether it only reads.
struct Entry {
    name: &'static str,
    description: &'static str,
    schema: fn() -> Result<Arc<JsonObject>, String>,
    read_only: bool,
}

const fn entry<T: JsonSchema + 'static>(name: &'static str, description: &'static str, read_only: bool) -> Entry {
    Entry { name, description, schema: schema_for_input::<T>, read_only }
}

/// Every tool, in the order `tools/list` shows them.
const TABLE: &[Entry] = &[
    entry::<args::Edit>(
        "edit",
        "The quick edit: a new project with these files, one instruction, render and download the MP4. \
         Returns {output, bytes, duration_s, changes, render_id}. An instruction that changes nothing \
         renders nothing (code 6).",
        false,
    ),
    entry::<args::Name>("new_project", "Create a project and make it the current one.", false),
    entry::<args::Name>(
        "use_project",
        "Switch the current project (a name, the newest of that name, or a session id).",
        false,
    ),
    entry::<args::Nothing>("projects", "List the saved projects; the current one has current: true.", true),
    entry::<args::Upload>(
        "upload",
        "Check and upload media files and/or URLs to the current project (a new one named after the \
         first file when none is selected). Nothing is sent when one is refused (code 6).",
        false,
    ),
    entry::<args::Chat>(
        "chat",
        "Say something to the editor in the current project. Returns {text, changes, intent}; \
         'export', 'credits', 'tracks' and 'upload FILE' run those tools instead (intent). The message is \
         sent once, never again: after code 8 or 10 read `tracks` before trying again.",
        false,
    ),
    entry::<args::Nothing>("tracks", "The current project's timeline: {summary, tracks}.", true),
    entry::<args::Export>(
        "export",
        "Render the current project and download the MP4: {output, bytes, render_id}. Progress: render \
         percent, then download bytes. On code 8, `export` again takes up the same render (see `jobs`).",
        false,
    ),
    entry::<args::Nothing>("jobs", "Render jobs and their states, unfinished ones as the service has them now.", true),
    entry::<args::Nothing>("credits", "The credit balance: available, frozen, total (offline: no account).", true),
];

/// The tools, with their schemas.
///
/// # Errors
/// A schema that cannot be made (a bug caught by the tests, never by a client).
pub fn list() -> Result<Vec<Tool>, ErrorData> {
    TABLE
        .iter()
        .map(|e| {
            let schema = (e.schema)().map_err(|m| ErrorData::internal_error(format!("{}: {m}", e.name), None))?;
            let annotations = ToolAnnotations::new().read_only(e.read_only);
            Ok(Tool::new(e.name, e.description, schema).with_annotations(annotations))
        })
        .collect()
}

/// Runs the call `request` names. Arguments that do not fit the tool's schema are a protocol
/// error naming the argument; everything else is the tool's result.
///
/// # Errors
/// [`ErrorData::invalid_params`] for wrong arguments and for an unknown tool (as the MCP
/// specification asks).
pub async fn call(
    calls: &Calls,
    request: CallToolRequestParams,
    progress: &dyn Progress,
) -> Result<Result<Done, CliError>, ErrorData> {
    let arguments = request.arguments;
    Ok(match request.name.as_ref() {
        "edit" => {
            let args: args::Edit = parse(arguments)?;
            args::non_empty("files", &args.files)?;
            calls.edit(args, progress).await
        }
        "new_project" => calls.new_project(&parse::<args::Name>(arguments)?.name, progress).await,
        "use_project" => calls.use_project(&parse::<args::Name>(arguments)?.name).await,
        "projects" => {
            parse::<args::Nothing>(arguments)?;
            calls.projects().await
        }
        "upload" => {
            let args: args::Upload = parse(arguments)?;
            let mut sources: Vec<String> = args.paths.iter().map(|p| resolved(&calls.base, p)).collect();
            sources.extend(args.urls);
            args::non_empty("paths or urls", &sources)?;
            calls.upload(&sources, progress).await
        }
        "chat" => calls.chat(&parse::<args::Chat>(arguments)?.message, progress).await,
        "tracks" => {
            parse::<args::Nothing>(arguments)?;
            calls.tracks(progress).await
        }
        "export" => {
            let args: args::Export = parse(arguments)?;
            if args.detach { calls.detach(args.output).await } else { calls.export(args.output, progress).await }
        }
        "jobs" => {
            parse::<args::Nothing>(arguments)?;
            calls.jobs(progress).await
        }
        "credits" => {
            parse::<args::Nothing>(arguments)?;
            calls.credits(progress).await
        }
        other => return Err(ErrorData::invalid_params(format!("no tool named {other:?}"), None)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_of_the_contract_is_listed_with_an_object_schema_and_a_description() {
        let tools = list().unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(
            names,
            ["edit", "new_project", "use_project", "projects", "upload", "chat", "tracks", "export", "jobs", "credits"]
        );
        for tool in &tools {
            assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
            assert!(tool.description.as_ref().is_some_and(|d| !d.is_empty()));
        }
    }

    #[test]
    fn the_schemas_name_the_arguments_and_which_are_required() {
        let tools = list().unwrap();
        let schema = |name: &str| tools.iter().find(|t| t.name == name).unwrap().input_schema.clone();
        let edit = schema("edit");
        assert_eq!(edit["required"], serde_json::json!(["files", "prompt"]));
        assert_eq!(edit["properties"]["files"]["type"], "array");
        assert!(edit["properties"]["prompt"]["description"].as_str().unwrap().contains("plain words"));
        assert!(edit["properties"].get("output").is_some());
        let upload = schema("upload");
        assert!(upload["properties"].get("paths").is_some() && upload["properties"].get("urls").is_some());
        assert_eq!(schema("chat")["required"], serde_json::json!(["message"]));
        let export = schema("export");
        assert!(export["properties"].get("output").is_some() && export["properties"].get("detach").is_some());
        assert_eq!(schema("new_project")["required"], serde_json::json!(["name"]));
    }
}

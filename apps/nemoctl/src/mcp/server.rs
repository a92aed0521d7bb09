//! The MCP server: rmcp's [`ServerHandler`] over [`Calls`] — tools listed from the table,
//! each call run with its own progress notifier and stopped when the client cancels it
//! (the wait stops; nothing is sent again), and the two resources.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::calls::Calls;
use super::progress::Notifier;
use super::{outcome, resources, tools};
use crate::failure::CliError;

/// What the server tells clients at `initialize`.
const INSTRUCTIONS: &str = "Edit video with NemoVideo (or offline with ffmpeg). One call does the whole job: \
    `edit` {files, prompt, output}. Step by step: new_project, upload, chat, tracks, export. Errors carry \
    `code` (the nemoctl exit code: 6 input refused, 8 timed out, 10 unreachable...), `message` and `hint`. \
    Never repeat a chat message after code 8 or 10: read `tracks` first. The resource nemoctl://guide has the rules.";

/// The server; clones share one [`Calls`].
#[derive(Clone)]
pub struct Server {
    calls: Arc<Calls>,
    verbose: bool,
}

impl Server {
    /// A server over `calls`; `verbose` logs each call to stderr.
    pub fn new(calls: Calls, verbose: bool) -> Self {
        Self { calls: Arc::new(calls), verbose }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("nemoctl", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::list()?))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.clone();
        let notifier = Notifier::new(context.peer.clone(), context.meta.get_progress_token());
        // Cancelling drops the work where it waits: a chat message already sent is not sent
        // again, a render keeps running on the service (see `jobs`), no file is left half
        // written under its final name.
        let outcome = tokio::select! {
            outcome = tools::call(&self.calls, request, &notifier) => outcome,
            () = context.ct.cancelled() => Ok(Err(CliError::Interrupted)),
        };
        notifier.finish().await;
        if self.verbose {
            match &outcome {
                Ok(Ok(_)) => eprintln!("nemoctl mcp: {name}: ok"),
                Ok(Err(error)) => eprintln!("nemoctl mcp: {name}: error {}: {}", error.exit_code(), error.message()),
                Err(error) => eprintln!("nemoctl mcp: {name}: refused: {}", error.message),
            }
        }
        Ok(outcome::result(outcome?).into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(resources::list()))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        Ok(resources::read(&self.calls, &request.uri).await?.into())
    }
}

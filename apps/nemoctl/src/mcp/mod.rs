//! `nemoctl mcp`: every capability of nemoctl as a typed MCP tool, served over stdio with
//! rmcp (the official Rust SDK) on the backend every other command would use (`--offline`,
//! `--backend`, `--skill`, `--project`). stdout carries protocol messages only; logs go to
//! stderr.

mod args;
mod calls;
mod outcome;
mod paths;
mod progress;
mod resources;
mod server;
mod tools;
mod view;

use rmcp::ServiceExt;

use crate::cli::BackendKind;
use crate::config::Config;
use crate::failure::CliError;
use crate::wiring::Wiring;

/// Serves MCP on stdin/stdout until the client closes the connection.
///
/// # Errors
/// An unknown `--project`, a working directory that cannot be read, or a transport failure.
pub async fn serve(config: &Config, wiring: Wiring) -> Result<(), CliError> {
    let nemo = match &config.project {
        Some(project) => {
            let scoped = wiring.scoped(None);
            scoped.use_project(project).await?;
            scoped
        }
        None => wiring.service(),
    };
    let base =
        std::env::current_dir().map_err(|e| CliError::Config(format!("the working directory cannot be read: {e}")))?;
    let calls = calls::Calls {
        wiring,
        nemo,
        offline: config.backend == BackendKind::Offline,
        output_dir: config.output_dir.clone(),
        state_dir: config.state_dir.clone(),
        base,
    };
    if config.verbose {
        eprintln!("nemoctl mcp: serving on stdio");
    }
    let running = server::Server::new(calls, config.verbose)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| CliError::Config(format!("the MCP client did not start a session: {e}")))?;
    running.waiting().await.map_err(|e| CliError::Config(format!("the MCP session failed: {e}")))?;
    Ok(())
}

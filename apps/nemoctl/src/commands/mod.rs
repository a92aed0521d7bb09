//! The commands that talk to the service, one module per group. Each takes the [`Ctx`] and
//! returns `Result<(), CliError>`; results go through the [`Reporter`].

pub mod account;
pub mod batch;
pub mod chat;
pub mod local;
pub mod media;
pub mod projects;
pub mod prompt;

use std::future::Future;

use crate::cli::Command;
use crate::config::Config;
use crate::failure::CliError;
use crate::report::Reporter;
use crate::wiring::{Service, Wiring};

/// What every command works with.
pub struct Ctx<'a> {
    /// The core's use cases.
    pub nemo: Service,
    /// The settings.
    pub config: &'a Config,
    /// The adapters (for commands that need more than one service, such as `batch`).
    pub wiring: &'a Wiring,
    /// Output.
    pub reporter: &'a Reporter,
}

impl Ctx<'_> {
    /// Whether the work is done offline (no account, no credits, no web pages).
    pub fn offline(&self) -> bool {
        self.config.backend == crate::cli::BackendKind::Offline
    }
}

/// Runs a command that needs the service.
///
/// # Errors
/// The command's failure.
pub async fn run(command: Command, config: &Config, wiring: &Wiring, reporter: &Reporter) -> Result<(), CliError> {
    let nemo = match config.project.as_deref().filter(|_| command.on_current_project()) {
        Some(project) => {
            let scoped = wiring.scoped(None);
            scoped.use_project(project).await?;
            scoped
        }
        None => wiring.service(),
    };
    let ctx = Ctx { nemo, config, wiring, reporter };
    match command {
        Command::Login => account::login(&ctx).await,
        Command::Logout => account::logout(&ctx).await,
        Command::Credits => account::credits(&ctx).await,
        Command::New { name } => projects::new(&ctx, &name).await,
        Command::Projects => projects::list(&ctx).await,
        Command::Use { name_or_id } => projects::switch(&ctx, &name_or_id).await,
        Command::Tracks => projects::tracks(&ctx).await,
        Command::Open => projects::open(&ctx).await,
        Command::Jobs => projects::jobs(&ctx).await,
        Command::Chat { message } => chat::chat(&ctx, message).await,
        Command::Upload { sources } => media::upload(&ctx, &sources).await,
        Command::Export { output, resolution, .. } => media::export(&ctx, output, resolution.as_deref()).await,
        Command::Edit { files, prompt, output, .. } => media::edit(&ctx, &files, &prompt, output).await,
        Command::Batch { spec, jobs, .. } => batch::batch(&ctx, &spec, usize::from(jobs)).await,
        Command::Config { .. } | Command::Completions { .. } | Command::Skills | Command::Guide | Command::Mcp => {
            unreachable!("handled before the service is wired")
        }
    }
}

/// Runs `work` until it ends or the user presses Ctrl-C (or the process is sent SIGTERM). Either
/// only stops the wait: what was already sent is not sent again, and nothing is retried.
///
/// # Errors
/// The work's failure, or [`CliError::Interrupted`].
pub async fn interruptible<T, E: Into<CliError>>(work: impl Future<Output = Result<T, E>>) -> Result<T, CliError> {
    tokio::select! {
        result = work => result.map_err(Into::into),
        () = interrupted() => Err(CliError::Interrupted),
    }
}

/// Resolves at Ctrl-C (SIGINT) or SIGTERM (a service manager, `kill`, a closed terminal's
/// shell); never when neither can be watched. Either way the command ends as interrupted and
/// the process cleans up after itself (the offline engine's work folder, a render's part).
pub async fn interrupted() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminated = async {
        match terminate.as_mut() {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        result = tokio::signal::ctrl_c() => {
            if result.is_err() {
                std::future::pending::<()>().await;
            }
        }
        () = terminated => {}
    }
}

//! `--backend daemon` and `--detach`: the commands that need the service, sent to nemod over
//! its Unix socket (`NEMO_STATE_DIR/nemod.sock`) with `nemo-daemon-client`. nemod does the
//! work; this module only asks, follows (`follow`) and prints — with the printers of the
//! in-process commands, so the output is the same with or without nemod. Without a daemon:
//! exit 10, "start it with: nemod &".
//!
//! `login` and `logout` are nemod's too, so that the token has one owner: nemod keeps the token
//! it uses in memory for its jobs and chooses its own backend (an offline nemod keeps its
//! credentials apart from the user's), so a token fetched or forgotten here behind its back
//! would not be the one it uses. `config`, `completions`, `skills` and `guide` touch no
//! service and never come here.

mod follow;

use std::path::{Path, PathBuf};

use nemo_core::error::Exit;
use nemo_core::model::Project;
use nemo_core::ports::{Progress, Store};
use nemo_daemon_client::wire::{
    AccountView, ChatAnswer, ChatEnd, ChatRequest, CreditsView, EditRequest, ErrorDetail, ExportRequest, JobList,
    JobReply, JobView, LinkView, LogoutReply, NewProjectRequest, ProjectList, ProjectReply, TracksView, UploadReply,
    UploadRequest, UseRequest, progress_of,
};
use nemo_daemon_client::{ClientError, DaemonClient, socket_path};
use nemo_storage::FileStore;
use serde_json::{Value, json};

use crate::cli::Command;
use crate::commands::batch::{self, Entry};
use crate::commands::chat::{self, Finder, SilentEditIsTheResult};
use crate::commands::media::{self, Exported};
use crate::commands::{account, interrupted, projects};
use crate::config::Config;
use crate::failure::CliError;
use crate::report::{self, Reporter};

impl From<ClientError> for CliError {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::NotRunning { socket, .. } => Self::DaemonDown { socket: socket.display().to_string() },
            ClientError::Refused { detail, .. } => refused(detail),
            ClientError::Connection(reason) => Self::Daemon {
                message: format!("the connection to nemod failed: {reason}"),
                hint: "Check that nemod still runs (its log is NEMO_STATE_DIR/nemod.log), then try again.".into(),
                exit: Exit::Unreachable.code(),
            },
            bad @ ClientError::BadReply { .. } => Self::Daemon {
                message: bad.to_string(),
                hint: "nemod and nemoctl may be different versions; restart nemod.".into(),
                exit: Exit::Failure.code(),
            },
        }
    }
}

/// What nemod said went wrong.
fn refused(detail: ErrorDetail) -> CliError {
    CliError::Daemon { message: detail.message, hint: detail.hint, exit: detail.exit }
}

/// Runs `command` through nemod.
///
/// # Errors
/// [`CliError::DaemonDown`] without a daemon, else what nemod says.
pub async fn run(command: Command, config: &Config, reporter: &Reporter) -> Result<(), CliError> {
    let client = DaemonClient::new(socket_path(&config.state_dir));
    let client = &client;
    let project = config.project.clone();
    match command {
        Command::Login => account::show_login(reporter, &client.post::<_, AccountView>("/v1/login", &json!({})).await?),
        Command::Logout => {
            client.post::<_, LogoutReply>("/v1/logout", &json!({})).await?;
            account::show_logout(reporter, config);
        }
        Command::Credits => account::show_credits(reporter, &client.get::<CreditsView>("/v1/credits").await?),
        Command::Projects => projects::show_list(reporter, &client.get::<ProjectList>("/v1/projects").await?),
        Command::Use { name_or_id } => {
            let chosen: ProjectReply = client.post("/v1/projects/current", &UseRequest { project: name_or_id }).await?;
            projects::show_use(reporter, &chosen.project);
        }
        Command::New { name } => {
            let created: ProjectReply = client.post("/v1/projects", &NewProjectRequest { name }).await?;
            let link: LinkView = client.get(&on_project("/v1/link", Some(&created.project.session_id))).await?;
            projects::show_new(reporter, &created.project, &link);
        }
        Command::Tracks => {
            projects::show_tracks(
                reporter,
                &client.get::<TracksView>(&on_project("/v1/tracks", project.as_deref())).await?,
            );
        }
        Command::Open => {
            projects::show_link(reporter, &client.get::<LinkView>(&on_project("/v1/link", project.as_deref())).await?);
        }
        Command::Upload { sources } => {
            let sources = sources.iter().map(|s| absolute_source(s)).collect();
            media::show_uploads(
                reporter,
                &client.post::<_, UploadReply>("/v1/uploads", &UploadRequest { project, sources }).await?,
            );
        }
        Command::Jobs => {
            let list: JobList = client.get("/v1/jobs").await?;
            report::jobs(reporter, list.jobs, "nemod has no jobs yet.");
        }
        Command::Export { resolution: Some(resolution), .. } => {
            return Err(CliError::Usage(format!(
                "--resolution is not sent through nemod: say it in the chat first (`nemoctl --backend daemon chat \
                 \"{resolution}\"`), then export"
            )));
        }
        Command::Export { output, detach, .. } => {
            let output = match output {
                Some(output) => output,
                None => default_output(config).await,
            };
            let request = ExportRequest { project, output: absolute(&output).to_string_lossy().into_owned() };
            let accepted: JobReply = client.post("/v1/exports", &request).await?;
            finish(client, config, accepted.job, detach, &output, reporter).await?;
        }
        Command::Edit { files, prompt, output, detach, .. } => {
            let (request, output) = edit_request(&files, &prompt, output);
            let accepted: JobReply = client.post("/v1/edits", &request).await?;
            finish(client, config, accepted.job, detach, &output, reporter).await?;
        }
        Command::Batch { spec, detach, .. } => batch(client, config, &spec, detach, reporter).await?,
        Command::Chat { message } => {
            chat::converse(config, reporter, message, async |text: &str| {
                message_through(client, config, text, reporter).await
            })
            .await?;
        }
        Command::Config { .. } | Command::Completions { .. } | Command::Skills | Command::Guide | Command::Mcp => {
            unreachable!("handled before any backend is chosen")
        }
    }
    Ok(())
}

/// A route with `?project=…` when a project is named.
fn on_project(route: &str, project: Option<&str>) -> String {
    match project {
        Some(project) => format!("{route}?project={}", encode(project)),
        None => route.to_owned(),
    }
}

/// `%`-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A path made absolute against this process's directory (nemod's is not ours); URLs pass.
fn absolute_source(source: &str) -> String {
    if source.starts_with("http://") || source.starts_with("https://") {
        return source.to_owned();
    }
    absolute(Path::new(source)).to_string_lossy().into_owned()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The default output, `<output_dir>/<project>.mp4`, from the saved projects (shared with
/// nemod); nemod's answer names the project when this cannot.
async fn default_output(config: &Config) -> PathBuf {
    let store = FileStore::new(&config.config_dir, &config.state_dir);
    let projects = store.projects().await.unwrap_or_default();
    let file = match &config.project {
        Some(wanted) => Project::find(&projects, wanted),
        None => match store.current_project().await.ok().flatten() {
            Some(current) => projects.iter().find(|p| p.session_id == current),
            None => None,
        },
    }
    .map_or_else(|| "export.mp4".to_owned(), Project::video_file_name);
    config.output_dir.join(file)
}

/// The quick edit `edit FILE... -p TEXT [-o FILE]` asks nemod for, every path absolute, and
/// its output as the user named it.
fn edit_request(files: &[PathBuf], prompt: &str, output: Option<PathBuf>) -> (EditRequest, PathBuf) {
    let (name, output) = media::edit_target(files, output);
    let request = EditRequest {
        name,
        sources: files.iter().map(|f| absolute_source(&f.to_string_lossy())).collect(),
        instruction: prompt.to_owned(),
        output: absolute(&output).to_string_lossy().into_owned(),
    };
    (request, output)
}

/// A job nemod accepted: `--detach` prints it and returns; otherwise it is followed to its
/// file, printed as the in-process command prints it (the file named as the user named it).
async fn finish(
    client: &DaemonClient,
    config: &Config,
    job: JobView,
    detach: bool,
    output: &Path,
    reporter: &Reporter,
) -> Result<(), CliError> {
    if detach {
        report::queued(reporter, &job);
    } else {
        follow_to(client, config, job, output, reporter).await?.show(reporter, None);
    }
    Ok(())
}

/// Follows a job to its file, named as the user named it (nemod knows it by its absolute path).
async fn follow_to(
    client: &DaemonClient,
    config: &Config,
    job: JobView,
    output: &Path,
    reporter: &Reporter,
) -> Result<Exported, CliError> {
    let exported = follow::to_file(client, config, job, reporter).await?;
    Ok(Exported { output: output.to_string_lossy().into_owned(), ..exported })
}

/// `batch SPEC` through nemod: every edit is handed to nemod at once (it runs `--max-jobs` of
/// them side by side); `--detach` lists the jobs, otherwise each is followed to its file and
/// the summary is the in-process one.
async fn batch(
    client: &DaemonClient,
    config: &Config,
    spec: &Path,
    detach: bool,
    reporter: &Reporter,
) -> Result<(), CliError> {
    let entries = batch::read_spec(spec)?;
    let total = entries.len();
    let hand_over = async |entry: &Entry| -> Result<(JobView, PathBuf), CliError> {
        let (request, output) = edit_request(&entry.files, &entry.prompt, entry.output.clone());
        Ok((client.post::<_, JobReply>("/v1/edits", &request).await?.job, output))
    };
    if !detach {
        return batch::run_batch(reporter, entries, total, async |entry: &Entry, reporter: &Reporter| {
            let (job, output) = hand_over(entry).await?;
            follow_to(client, config, job, &output, reporter).await
        })
        .await;
    }
    let mut accepted = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match hand_over(entry).await {
            Ok((job, _)) => accepted.push(job),
            Err(error) => reporter.for_item(index + 1).error(&error),
        }
    }
    let failed = total - accepted.len();
    report::jobs(reporter, accepted, "No edit was accepted.");
    if failed > 0 { Err(CliError::BatchFailed { failed, total }) } else { Ok(()) }
}

/// One chat message carried out by nemod: its progress shown as it streams, then the answer
/// printed once; an export it asked for is nemod's job, followed to its file.
async fn message_through(
    client: &DaemonClient,
    config: &Config,
    message: &str,
    reporter: &Reporter,
) -> Result<(), CliError> {
    let request = ChatRequest {
        project: config.project.clone(),
        message: message.to_owned(),
        cwd: Finder::from_process().cwd(),
        output_dir: Some(absolute(&config.output_dir).to_string_lossy().into_owned()),
    };
    let progress = SilentEditIsTheResult(reporter);
    let mut last = None;
    let streamed = client.post_lines("/v1/chat", &request, |line| match progress_of(&line) {
        Some(event) => progress.report(event),
        None => last = Some(line),
    });
    tokio::select! {
        result = streamed => result?,
        () = interrupted() => return Err(CliError::Interrupted),
    }
    let last: Value = last.ok_or_else(|| ClientError::Connection("the stream ended without a result".into()))?;
    let end: ChatEnd =
        serde_json::from_value(last).map_err(|e| ClientError::BadReply { status: 200, reason: e.to_string() })?;
    match end {
        ChatEnd::Error { error } => return Err(refused(error)),
        ChatEnd::Done(ChatAnswer::Export(accepted)) => {
            let file = Path::new(&accepted.job.output).file_name().map(PathBuf::from).unwrap_or_default();
            let output = config.output_dir.join(file);
            follow_to(client, config, accepted.job, &output, reporter).await?.show(reporter, Some("export"));
        }
        ChatEnd::Done(answer) => chat::show(reporter, &answer),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("my trip/2"), "my%20trip%2F2");
        assert_eq!(encode("abc-1_2.3~"), "abc-1_2.3~");
        assert_eq!(on_project("/v1/tracks", Some("a b")), "/v1/tracks?project=a%20b");
        assert_eq!(on_project("/v1/tracks", None), "/v1/tracks");
    }

    #[test]
    fn no_daemon_is_exit_10_with_the_hint_to_start_it() {
        let error = CliError::from(ClientError::NotRunning { socket: "/s/nemod.sock".into(), reason: "gone".into() });
        assert_eq!(error.exit_code(), 10);
        assert_eq!(error.hint(), "start it with: nemod &");
        assert!(error.message().contains("/s/nemod.sock"));
    }
}

//! `--backend daemon` and `export --detach`: the commands nemod serves, sent over its Unix
//! socket (`NEMO_STATE_DIR/nemod.sock`) with `nemo-daemon-client`. nemod does the work; this
//! module only asks, follows and prints. Without a daemon: exit 10, "start it with: nemod &".

use std::path::{Path, PathBuf};
use std::time::Duration;

use nemo_core::error::Error;
use nemo_core::ids::RenderId;
use nemo_core::model::Project;
use nemo_core::ports::{Progress, ProgressEvent, Store};
use nemo_daemon_client::wire::{
    ChatRequest, ExportRequest, JobList, JobView, NewProjectRequest, UploadRequest, progress_of,
};
use nemo_daemon_client::{ClientError, DaemonClient, socket_path};
use nemo_storage::FileStore;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::cli::Command;
use crate::commands::ctrl_c;
use crate::commands::media::file_safe;
use crate::config::Config;
use crate::failure::CliError;
use crate::report::{self, Reporter};

/// How often an attached export asks nemod how its job stands.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

impl From<ClientError> for CliError {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::NotRunning { socket, .. } => Self::DaemonDown { socket: socket.display().to_string() },
            ClientError::Refused { detail, .. } => {
                Self::Daemon { message: detail.message, hint: detail.hint, exit: detail.exit }
            }
            ClientError::Connection(reason) => Self::Daemon {
                message: format!("the connection to nemod failed: {reason}"),
                hint: "Check that nemod still runs (its log is NEMO_STATE_DIR/nemod.log), then try again.".into(),
                exit: nemo_core::error::Exit::Unreachable.code(),
            },
            bad @ ClientError::BadReply { .. } => Self::Daemon {
                message: bad.to_string(),
                hint: "nemod and nemoctl may be different versions; restart nemod.".into(),
                exit: nemo_core::error::Exit::Failure.code(),
            },
        }
    }
}

/// Runs `command` through nemod.
///
/// # Errors
/// [`CliError::DaemonDown`] without a daemon, else what nemod says.
pub async fn run(command: Command, config: &Config, reporter: &Reporter) -> Result<(), CliError> {
    let client = DaemonClient::new(socket_path(&config.state_dir));
    let project = config.project.clone();
    match command {
        Command::Export { output, detach, .. } => export(&client, config, output, detach, reporter).await,
        Command::Jobs => jobs(&client, reporter).await,
        Command::Credits => {
            let credits: Value = get(&client, "/v1/credits").await?;
            let text = format!(
                "Credits: {} available, {} frozen, {} total",
                credits["available"], credits["frozen"], credits["total"]
            );
            reporter.done(&text, credits);
            Ok(())
        }
        Command::Tracks => {
            let path = match &project {
                Some(p) => format!("/v1/tracks?project={}", encode(p)),
                None => "/v1/tracks".to_owned(),
            };
            let tracks: Value = get(&client, &path).await?;
            let summary = tracks["summary"].as_str().unwrap_or_default().to_owned();
            reporter.done(&summary, tracks);
            Ok(())
        }
        Command::Projects => {
            let list: Value = get(&client, "/v1/projects").await?;
            let lines: Vec<String> = list["projects"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let mark = if p["current"].as_bool() == Some(true) { '*' } else { ' ' };
                            format!(
                                "{mark} {}  {}",
                                p["name"].as_str().unwrap_or_default(),
                                p["session_id"].as_str().unwrap_or_default()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let text = if lines.is_empty() { "No projects yet.".to_owned() } else { lines.join("\n") };
            reporter.done(&text, list);
            Ok(())
        }
        Command::New { name } => {
            let created: Value = client.post("/v1/projects", &NewProjectRequest { name }).await?;
            let p = &created["project"];
            let text =
                format!("Created project {} (session {})", p["name"], p["session_id"].as_str().unwrap_or_default());
            reporter.done(&text, created);
            Ok(())
        }
        Command::Upload { sources } => {
            let sources = sources.iter().map(|s| absolute_source(s)).collect();
            let uploaded: Value = client.post("/v1/uploads", &UploadRequest { project, sources }).await?;
            let names: Vec<&str> =
                uploaded["files"].as_array().into_iter().flatten().filter_map(|f| f["filename"].as_str()).collect();
            reporter.done(&format!("Uploaded {}", names.join(", ")), uploaded);
            Ok(())
        }
        Command::Chat { message: Some(message) } => chat(&client, project, message, reporter).await,
        other => Err(CliError::Daemon {
            message: format!("`{}` does not go through nemod yet", command_name(&other)),
            hint: "Run it with --backend cloud: nemod shares its projects and credentials.".into(),
            exit: nemo_core::error::Exit::Failure.code(),
        }),
    }
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Login => "login",
        Command::Logout => "logout",
        Command::Use { .. } => "use",
        Command::Open => "open",
        Command::Edit { .. } => "edit",
        Command::Batch { .. } => "batch",
        Command::Chat { .. } => "chat without a message",
        _ => "this command",
    }
}

async fn get<T: DeserializeOwned>(client: &DaemonClient, path: &str) -> Result<T, CliError> {
    Ok(client.get(path).await?)
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
    let name = match &config.project {
        Some(wanted) => Project::find(&projects, wanted),
        None => match store.current_project().await.ok().flatten() {
            Some(current) => projects.iter().find(|p| p.session_id == current),
            None => None,
        },
    }
    .map_or_else(|| "export".to_owned(), |p| file_safe(&p.name));
    config.output_dir.join(format!("{name}.mp4"))
}

/// `export [-o FILE] [--detach]` through nemod: queued at once; `--detach` returns with the
/// job, otherwise this follows the job until it ends (Ctrl-C stops following, not the job).
async fn export(
    client: &DaemonClient,
    config: &Config,
    output: Option<PathBuf>,
    detach: bool,
    reporter: &Reporter,
) -> Result<(), CliError> {
    let output = match output {
        Some(output) => output,
        None => default_output(config).await,
    };
    let request =
        ExportRequest { project: config.project.clone(), output: absolute(&output).to_string_lossy().into_owned() };
    let accepted: Value = client.post("/v1/exports", &request).await?;
    let job: JobView = serde_json::from_value(accepted["job"].clone())
        .map_err(|e| CliError::from(ClientError::BadReply { status: 202, reason: e.to_string() }))?;
    if detach {
        let text = format!(
            "Export queued as {} → {}\nnemod renders and downloads it; follow it with `nemoctl --backend daemon jobs`.",
            job.id, job.output
        );
        reporter.done(&text, json!({"render_id": job.id, "output": job.output, "state": job.state, "detached": true}));
        return Ok(());
    }
    let id = job.id.clone();
    let patience = tokio::time::timeout(config.render_timeout, follow(client, job, reporter));
    tokio::select! {
        result = patience => result.unwrap_or_else(|_| Err(timed_out(&id))),
        () = ctrl_c() => Err(CliError::Interrupted),
    }
}

/// `--render-timeout` ran out while following a daemon job: exit 8; nemod keeps the job.
fn timed_out(id: &str) -> CliError {
    match RenderId::parse(id) {
        Ok(id) => Error::RenderTimedOut { id }.into(),
        Err(_) => CliError::Config(format!("render {id} did not finish within --render-timeout")),
    }
}

/// Asks nemod about `job` until it ends, reporting its progress.
async fn follow(client: &DaemonClient, mut job: JobView, reporter: &Reporter) -> Result<(), CliError> {
    let mut last = None;
    loop {
        if job.is_final() {
            break;
        }
        tokio::time::sleep(FOLLOW_EVERY).await;
        job = match client.get::<Value>(&format!("/v1/jobs/{}", job.id)).await {
            Ok(answer) => serde_json::from_value(answer["job"].clone()).unwrap_or(job),
            // Resubmitted under a new id: the same output names it.
            Err(ClientError::Refused { status: 404, .. }) => {
                let list: JobList = client.get("/v1/jobs").await?;
                list.jobs.into_iter().rev().find(|j| j.output == job.output).unwrap_or(job)
            }
            Err(error) => return Err(error.into()),
        };
        let now = (job.state.clone(), job.progress);
        if last.as_ref() != Some(&now) {
            match (job.state.as_str(), job.progress) {
                ("rendering", Some(percent)) => reporter.report(ProgressEvent::Render {
                    id: nemo_core::ids::RenderId::parse(&job.id).map_err(|e| CliError::Config(e.to_string()))?,
                    percent,
                }),
                (state, _) => reporter.report(ProgressEvent::Step(format!("{state}…"))),
            }
            last = Some(now);
        }
    }
    match job.state.as_str() {
        "done" => {
            let bytes = job.bytes.unwrap_or(0);
            reporter.done(
                &format!("{} ({bytes} bytes)", job.output),
                json!({"output": job.output, "render_id": job.id, "bytes": bytes}),
            );
            Ok(())
        }
        state => Err(CliError::Daemon {
            message: format!("render {} {state}: {}", job.id, job.reason.as_deref().unwrap_or("no reason given")),
            hint: "Check the project with `nemoctl tracks`, then export again.".into(),
            exit: nemo_core::error::Exit::RenderFailed.code(),
        }),
    }
}

/// `jobs` through nemod.
async fn jobs(client: &DaemonClient, reporter: &Reporter) -> Result<(), CliError> {
    let list: JobList = client.get("/v1/jobs").await?;
    report::jobs(reporter, list.jobs, "nemod has no render jobs yet.");
    Ok(())
}

/// `chat MESSAGE` through nemod: the turn's events are shown as nemod receives them.
async fn chat(
    client: &DaemonClient,
    project: Option<String>,
    message: String,
    reporter: &Reporter,
) -> Result<(), CliError> {
    let mut last = None;
    let request = ChatRequest { project, message };
    let streamed = client.post_lines("/v1/chat", &request, |line| {
        if let Some(event) = progress_of(&line) {
            reporter.report(event);
        } else {
            last = Some(line);
        }
    });
    tokio::select! {
        result = streamed => result?,
        () = ctrl_c() => return Err(CliError::Interrupted),
    }
    let Some(last) = last else {
        return Err(ClientError::Connection("the stream ended without a result".into()).into());
    };
    if last["event"] == "error" {
        let detail: nemo_daemon_client::wire::ErrorDetail = serde_json::from_value(last["error"].clone())
            .map_err(|e| CliError::from(ClientError::BadReply { status: 200, reason: e.to_string() }))?;
        return Err(CliError::Daemon { message: detail.message, hint: detail.hint, exit: detail.exit });
    }
    let changes: Vec<&str> = last["changes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let text = match last["text"].as_str() {
        Some(text) if !text.is_empty() => text.to_owned(),
        _ => changes.join("\n"),
    };
    reporter.done(&text, last);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("my trip/2"), "my%20trip%2F2");
        assert_eq!(encode("abc-1_2.3~"), "abc-1_2.3~");
    }

    #[test]
    fn no_daemon_is_exit_10_with_the_hint_to_start_it() {
        let error = CliError::from(ClientError::NotRunning { socket: "/s/nemod.sock".into(), reason: "gone".into() });
        assert_eq!(error.exit_code(), 10);
        assert_eq!(error.hint(), "start it with: nemod &");
        assert!(error.message().contains("/s/nemod.sock"));
    }
}

//! Following a job of nemod to its end: its progress shown as it changes (a quick edit's
//! steps, the editor's answer once it came, the render's percentage), `--render-timeout` as the
//! patience (nemod keeps the job), Ctrl-C stopping the following, never the job.

use std::time::Duration;

use nemo_core::error::Exit;
use nemo_core::ids::RenderId;
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::service::silent_edit_notice;
use nemo_daemon_client::wire::{JobKind, JobList, JobReply, JobStatus, JobView};
use nemo_daemon_client::{ClientError, DaemonClient};

use crate::commands::interrupted;
use crate::commands::media::Exported;
use crate::config::Config;
use crate::failure::CliError;
use crate::report::Reporter;

/// How often a followed job is asked about.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

/// Follows `job` until its file is whole.
///
/// # Errors
/// The job's failure (its exit code), exit 8 past `--render-timeout`, [`CliError::Interrupted`].
pub async fn to_file(
    client: &DaemonClient,
    config: &Config,
    job: JobView,
    reporter: &Reporter,
) -> Result<Exported, CliError> {
    let id = job.id.clone();
    let patience = tokio::time::timeout(config.render_timeout, follow(client, job, reporter));
    let job = tokio::select! {
        result = patience => result.unwrap_or_else(|_| Err(timed_out(&id)))?,
        () = interrupted() => return Err(CliError::Interrupted),
    };
    finished(job)
}

/// `--render-timeout` ran out: exit 8; nemod keeps the job.
fn timed_out(id: &str) -> CliError {
    CliError::Daemon {
        message: format!("job {id} did not finish within --render-timeout"),
        hint: "nemod keeps it running: `nemoctl --backend daemon jobs` shows it.".into(),
        exit: Exit::TimedOut.code(),
    }
}

/// The file of a job that ended, or why it has none.
fn finished(job: JobView) -> Result<Exported, CliError> {
    let render_id = job.render().unwrap_or(&job.id).to_owned();
    match job.state {
        JobStatus::Done => Ok(Exported {
            render_id,
            bytes: job.bytes.unwrap_or(0),
            changes: (job.kind == JobKind::Edit).then_some(job.changes),
            output: job.output,
        }),
        state => {
            let reason = job.reason.unwrap_or_else(|| "no reason given".into());
            // A failure with its own exit code is a use case's: its own words.
            let message =
                if job.exit.is_some() { reason } else { format!("render {render_id} {}: {reason}", state.as_str()) };
            Err(CliError::Daemon {
                message,
                hint: job.hint.unwrap_or_else(|| "Check the project with `nemoctl tracks`, then export again.".into()),
                exit: job.exit.unwrap_or(Exit::RenderFailed.code()),
            })
        }
    }
}

/// Asks nemod about `job` until it ends, reporting its progress.
async fn follow(client: &DaemonClient, mut job: JobView, reporter: &Reporter) -> Result<JobView, CliError> {
    let mut shown = Shown::default();
    loop {
        shown.report(&job, reporter);
        if job.is_final() {
            return Ok(job);
        }
        tokio::time::sleep(FOLLOW_EVERY).await;
        job = match client.get::<JobReply>(&format!("/v1/jobs/{}", job.id)).await {
            Ok(reply) => reply.job,
            // An export resubmitted under a new id: the same output names it.
            Err(ClientError::Refused { status: 404, .. }) if job.kind == JobKind::Export => {
                let list: JobList = client.get("/v1/jobs").await?;
                list.jobs.into_iter().rev().find(|j| j.output == job.output).unwrap_or(job)
            }
            Err(error) => return Err(error.into()),
        };
    }
}

/// What was shown of a job so far, so that each change is shown once.
#[derive(Default)]
struct Shown {
    stage: Option<(JobStatus, Option<u8>, Option<String>)>,
    answer: bool,
}

impl Shown {
    fn report(&mut self, job: &JobView, reporter: &Reporter) {
        if let (Some(text), false) = (&job.text, self.answer) {
            // The editor's answer to a quick edit, as the in-process edit shows it.
            match (text.trim().is_empty(), job.changes.is_empty()) {
                (false, _) => reporter.report(ProgressEvent::AgentText(text.clone())),
                (true, false) => reporter.answer(&silent_edit_notice(&job.changes)),
                (true, true) => {}
            }
            self.answer = true;
        }
        let stage = (job.state, job.progress, job.step.clone());
        if self.stage.as_ref() == Some(&stage) || job.is_final() {
            return;
        }
        let render = job.render().and_then(|id| RenderId::parse(id).ok());
        let event = match (job.state, job.progress, render, &job.step) {
            (JobStatus::Rendering, Some(percent), Some(id), _) => ProgressEvent::Render { id, percent },
            (JobStatus::Editing, _, _, Some(step)) => ProgressEvent::Step(format!("{step}…")),
            (state, ..) => ProgressEvent::Step(format!("{}…", state.as_str())),
        };
        reporter.report(event);
        self.stage = Some(stage);
    }
}

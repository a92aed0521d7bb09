//! `POST /v1/chat`: one message, routed and carried out by the core's message use case (as
//! nemoctl's `chat` does), streamed as JSON lines while the daemon receives it — progress
//! events, then one [`ChatEnd`]. An export the message asks for is queued as a job of the
//! daemon and answered with it. The work runs on a task of its own: a client that goes away
//! does not stop it (and nothing is ever re-sent).

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::CONTENT_TYPE;
use hyper::{Response, StatusCode};
use nemo_core::error::Exit;
use nemo_core::model::Project;
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::service::FoundFile;
use nemo_daemon_client::wire::{
    ChatAnswer, ChatEnd, ChatRequest, ErrorDetail, ErrorKind, JobReply, JobView, progress_json,
};
use serde_json::Value;
use tokio::sync::mpsc;

use super::{Handled, bad_request, not_absolute, scoped};
use crate::daemon::Daemon;

/// Answers with the stream; the message is carried out whether or not the client stays.
pub async fn chat(daemon: &Arc<Daemon>, request: ChatRequest) -> Handled {
    if request.message.trim().is_empty() {
        return Err(bad_request("the message is empty", ""));
    }
    for dir in [&request.cwd, &request.output_dir].into_iter().flatten() {
        if !Path::new(dir).is_absolute() {
            return Err(not_absolute(dir));
        }
    }
    // A named project is scoped to this message; without one, the user's current project is
    // used — and made, as nemoctl's `chat` makes it, when none is selected.
    let service = match request.project.as_deref() {
        Some(selector) => scoped(daemon, Some(selector)).await?.0,
        None => daemon.service(),
    };
    let (lines, receiver) = mpsc::unbounded_channel::<Value>();
    let progress = ChannelProgress(lines.clone());
    let owner = Arc::clone(daemon);
    let offline = daemon.is_offline();
    daemon.supervisor().spawn_work(async move {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cwd = request.cwd.as_deref().map(Path::new);
        let find = |token: &str| -> Option<FoundFile> { nemo_storage::find_file(token, home.as_deref(), cwd) };
        let end = match service.message(&request.message, &find, &progress).await.map(ChatAnswer::of) {
            Ok(Ok(answer)) => ChatEnd::Done(answer.offline_if(offline)),
            Ok(Err(project)) => export(&owner, project, request.output_dir.as_deref()).await,
            Err(error) => ChatEnd::Error { error: ErrorDetail::of(&error) },
        };
        // The client may be gone; the work was still seen through.
        let _ = lines.send(serde_json::to_value(&end).unwrap_or(Value::Null));
    });
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        let value = receiver.recv().await?;
        let mut line = serde_json::to_vec(&value).unwrap_or_default();
        line.push(b'\n');
        Some((Ok::<_, Infallible>(Frame::data(Bytes::from(line))), receiver))
    });
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "application/x-ndjson")
        .body(BodyExt::boxed_unsync(StreamBody::new(stream)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed_unsync())))
}

/// Queues the export a message asked for, to `<output_dir>/<project>.mp4`.
async fn export(daemon: &Arc<Daemon>, project: Project, output_dir: Option<&str>) -> ChatEnd {
    let Some(dir) = output_dir else {
        return refused(
            ErrorKind::BadRequest,
            "an export needs output_dir (an absolute folder) in the request",
            Exit::Usage,
        );
    };
    if daemon.is_stopping() {
        return refused(ErrorKind::ShuttingDown, "nemod is shutting down", Exit::Failure);
    }
    let output = Path::new(dir).join(project.video_file_name());
    match daemon.supervisor().queue_export(project, &output.to_string_lossy()).await {
        Ok(job) => ChatEnd::Done(ChatAnswer::Export(Box::new(JobReply { job: JobView::of(&job) }))),
        Err(error) => ChatEnd::Error { error: ErrorDetail::of(&error) },
    }
}

fn refused(kind: ErrorKind, message: &str, exit: Exit) -> ChatEnd {
    ChatEnd::Error { error: ErrorDetail { kind, message: message.into(), hint: String::new(), exit: exit.code() } }
}

/// Progress as JSON lines on a channel.
struct ChannelProgress(mpsc::UnboundedSender<Value>);

impl Progress for ChannelProgress {
    fn report(&self, event: ProgressEvent) {
        let _ = self.0.send(progress_json(&event));
    }
}

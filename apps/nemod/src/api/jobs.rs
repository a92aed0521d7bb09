//! The job routes: exports and batches of exports (pre-checked, saved in `submitting`, answered
//! at once), quick edits (saved at their start, answered at once), the job list, one job, and
//! cancel. Every job is saved before it is accepted.

use std::path::Path;
use std::sync::Arc;

use http_body_util::BodyExt;
use hyper::StatusCode;
use nemo_daemon_client::wire::{
    BatchError, BatchReply, BatchRequest, EditRequest, ErrorBody, ErrorKind, ExportRequest, JobList, JobReply, JobView,
};

use super::{
    Handled, Reply, bad_request, check_sources, error, failed, json_reply, not_absolute, scoped, shutting_down,
};
use crate::daemon::Daemon;
use crate::edits::NewEdit;

/// `POST /v1/exports`.
pub async fn export(daemon: &Arc<Daemon>, request: ExportRequest) -> Handled {
    let job = queue(daemon, &request).await?;
    Ok(json_reply(StatusCode::ACCEPTED, &JobReply { job }))
}

/// Queues one export; the job is saved before this returns.
async fn queue(daemon: &Arc<Daemon>, request: &ExportRequest) -> Result<JobView, Reply> {
    if !Path::new(&request.output).is_absolute() {
        return Err(not_absolute(&format!("output {:?}", request.output)));
    }
    if daemon.is_stopping() {
        return Err(shutting_down());
    }
    let (_, project) = scoped(daemon, request.project.as_deref()).await?;
    let job = daemon.supervisor().queue_export(project, &request.output).await.map_err(|e| failed(&e))?;
    Ok(JobView::of(&job))
}

/// `POST /v1/batches`: the entries that pass their pre-check are queued, the others listed.
pub async fn batch(daemon: &Arc<Daemon>, request: BatchRequest) -> Handled {
    if request.exports.is_empty() {
        return Err(bad_request("the batch is empty", ""));
    }
    let mut reply = BatchReply { jobs: Vec::new(), errors: Vec::new() };
    for (index, entry) in request.exports.iter().enumerate() {
        match queue(daemon, entry).await {
            Ok(job) => reply.jobs.push(job),
            Err(refused) => {
                let status = refused.status().as_u16();
                let body = refused.into_body().collect().await.map(|c| c.to_bytes()).unwrap_or_default();
                match serde_json::from_slice::<ErrorBody>(&body) {
                    Ok(body) => reply.errors.push(BatchError { index, status, error: body.error }),
                    Err(e) => tracing::error!(index, error = %e, "a refusal of this daemon did not read back"),
                }
            }
        }
    }
    Ok(json_reply(StatusCode::ACCEPTED, &reply))
}

/// `POST /v1/edits`: the files are checked before anything is saved or sent.
pub async fn edit(daemon: &Arc<Daemon>, request: EditRequest) -> Handled {
    if !Path::new(&request.output).is_absolute() {
        return Err(not_absolute(&format!("output {:?}", request.output)));
    }
    if request.instruction.trim().is_empty() {
        return Err(bad_request("the instruction is empty", ""));
    }
    let claim = nemo_storage::output::reserve(Path::new(&request.output)).map_err(|e| failed(&e))?;
    check_sources(daemon, &request.sources).await?;
    if daemon.is_stopping() {
        return Err(shutting_down());
    }
    let name = request.name.trim();
    let edit = NewEdit {
        name: if name.is_empty() { "project".into() } else { name.to_owned() },
        sources: request.sources,
        instruction: request.instruction,
        output: request.output,
    };
    let job = daemon.supervisor().start_edit(edit, claim).map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::ACCEPTED, &JobReply { job: job.view(None) }))
}

/// `GET /v1/jobs`.
pub async fn list(daemon: &Daemon) -> Handled {
    let jobs = daemon.supervisor().views().await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &JobList { jobs }))
}

fn unknown_job(id: &str) -> Reply {
    error(
        StatusCode::NOT_FOUND,
        ErrorKind::NotFound,
        &format!("no job {id}"),
        "GET /v1/jobs lists them (an export resubmitted under a new id has a new id).",
    )
}

/// `GET /v1/jobs/ID`.
pub async fn job(daemon: &Daemon, id: &str) -> Handled {
    match daemon.supervisor().view(id).await.map_err(|e| failed(&e))? {
        Some(job) => Ok(json_reply(StatusCode::OK, &JobReply { job })),
        None => Err(unknown_job(id)),
    }
}

/// `POST /v1/jobs/ID/cancel`.
pub async fn cancel(daemon: &Daemon, id: &str) -> Handled {
    match daemon.supervisor().cancel(id).await.map_err(|e| failed(&e))? {
        Some(job) => Ok(json_reply(StatusCode::OK, &JobReply { job })),
        None => Err(unknown_job(id)),
    }
}

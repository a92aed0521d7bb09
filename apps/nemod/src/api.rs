//! The daemon's HTTP/JSON API (`docs/daemon-api.md`): a closed set of routes parsed from
//! method and path (with a catch-all), one small handler per route over the core's use cases.
//! Every failure is a JSON `{"error": {...}}` with a 4xx or 5xx status; no request can crash
//! the daemon (bodies over 1 MiB are refused before they are read whole).

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use nemo_core::error::{Error, Exit};
use nemo_core::ids::SessionId;
use nemo_core::model::Project;
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::service::check_file;
use nemo_daemon_client::MAX_BODY;
use nemo_daemon_client::wire::{
    BatchRequest, ChatRequest, ErrorBody, ErrorDetail, ExportRequest, Health, JobList, JobView, NewProjectRequest,
    UploadRequest, asset_json, credits_json, progress_json,
};
use nemo_storage::ScopedStore;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::daemon::Daemon;
use crate::jobs::Service;

/// What a handler answers.
pub type Reply = Response<UnsyncBoxBody<Bytes, Infallible>>;

/// Who is asking, as the listener established it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A process of the daemon's own user on the Unix socket (or a TCP client whose bearer
    /// token is checked per request).
    Trusted,
    /// A TCP client: each request must carry the bearer token.
    NeedsToken,
    /// A process of another user on the Unix socket: refused.
    Stranger,
}

/// The routes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Health,
    Projects,
    NewProject,
    Chat,
    Uploads,
    Tracks,
    Credits,
    Export,
    Batch,
    Jobs,
    Job(String),
    CancelJob(String),
    WrongMethod,
    Unknown,
}

fn route(method: &Method, path: &str) -> Route {
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let (get, post) = (method == Method::GET, method == Method::POST);
    let known = |wanted: bool, route: Route| if wanted { route } else { Route::WrongMethod };
    match segments.as_slice() {
        ["v1", "health"] => known(get, Route::Health),
        ["v1", "projects"] if post => Route::NewProject,
        ["v1", "projects"] => known(get, Route::Projects),
        ["v1", "chat"] => known(post, Route::Chat),
        ["v1", "uploads"] => known(post, Route::Uploads),
        ["v1", "tracks"] => known(get, Route::Tracks),
        ["v1", "credits"] => known(get, Route::Credits),
        ["v1", "exports"] => known(post, Route::Export),
        ["v1", "batches"] => known(post, Route::Batch),
        ["v1", "jobs"] => known(get, Route::Jobs),
        ["v1", "jobs", id] => known(get, Route::Job((*id).to_owned())),
        ["v1", "jobs", id, "cancel"] => known(post, Route::CancelJob((*id).to_owned())),
        _ => Route::Unknown,
    }
}

/// Answers one request.
pub async fn handle(daemon: Arc<Daemon>, caller: Caller, request: Request<Incoming>) -> Result<Reply, Infallible> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let reply = match caller {
        Caller::Stranger => error(StatusCode::FORBIDDEN, "forbidden", "this daemon serves its own user only", ""),
        Caller::NeedsToken if !daemon.token_accepts(header(&request, AUTHORIZATION.as_str())) => error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a bearer token is required on TCP",
            "Send Authorization: Bearer <the token in nemod's --token-file>.",
        ),
        _ => dispatch(&daemon, route(&method, &path), request).await,
    };
    tracing::debug!(%method, %path, status = reply.status().as_u16(), "request");
    Ok(reply)
}

fn header<'a>(request: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn dispatch(daemon: &Arc<Daemon>, route: Route, request: Request<Incoming>) -> Reply {
    let result = match route {
        Route::Health => Ok(health(daemon)),
        Route::Projects => projects(daemon).await,
        Route::NewProject => match body::<NewProjectRequest>(request).await {
            Ok(body) => new_project(daemon, &body.name).await,
            Err(reply) => return reply,
        },
        Route::Chat => match body::<ChatRequest>(request).await {
            Ok(body) => chat(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Uploads => match body::<UploadRequest>(request).await {
            Ok(body) => upload(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Tracks => tracks(daemon, query(&request, "project")).await,
        Route::Credits => credits(daemon).await,
        Route::Export => match body::<ExportRequest>(request).await {
            Ok(body) => export(daemon, &body).await.map(|job| json_reply(StatusCode::ACCEPTED, &json!({"job": job}))),
            Err(reply) => return reply,
        },
        Route::Batch => match body::<BatchRequest>(request).await {
            Ok(body) => batch(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Jobs => jobs(daemon).await,
        Route::Job(id) => job(daemon, &id).await,
        Route::CancelJob(id) => cancel(daemon, &id).await,
        Route::WrongMethod => {
            return error(StatusCode::METHOD_NOT_ALLOWED, "bad_request", "this route does not take that method", "");
        }
        Route::Unknown => {
            return error(
                StatusCode::NOT_FOUND,
                "not_found",
                "unknown route",
                "See docs/daemon-api.md for the routes.",
            );
        }
    };
    result.unwrap_or_else(|reply| reply)
}

type Handled = Result<Reply, Reply>;

fn query(request: &Request<Incoming>, key: &str) -> Option<String> {
    request.uri().query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key && !v.is_empty()).then(|| percent_decode(v))
    })
}

/// `%XX` and `+` decoding for query values (project names with spaces).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads a JSON body of at most [`MAX_BODY`] bytes.
async fn body<T: DeserializeOwned>(request: Request<Incoming>) -> Result<T, Reply> {
    let too_large =
        || error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", &format!("the body is over {MAX_BODY} bytes"), "");
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let bytes = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
        Err(e) => {
            return Err(error(StatusCode::BAD_REQUEST, "bad_request", &format!("could not read the body: {e}"), ""));
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        error(StatusCode::BAD_REQUEST, "bad_request", &format!("the body is not the expected JSON: {e}"), "")
    })
}

fn json_reply(status: StatusCode, value: &impl serde::Serialize) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)).boxed_unsync())
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed_unsync()))
}

/// A JSON error answer.
pub fn error(status: StatusCode, kind: &str, message: &str, hint: &str) -> Reply {
    let exit = if status.is_client_error() { Exit::InputRefused } else { Exit::Failure };
    let detail = ErrorDetail { kind: kind.into(), message: message.into(), hint: hint.into(), exit: exit.code() };
    json_reply(status, &ErrorBody { error: detail })
}

/// A use case's failure as an answer.
fn failed(error: &Error) -> Reply {
    let status = match error {
        Error::NoProject | Error::UnknownProject(_) => StatusCode::NOT_FOUND,
        _ if error.exit() == Exit::InputRefused => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_GATEWAY,
    };
    json_reply(status, &ErrorBody { error: ErrorDetail::of(error) })
}

fn health(daemon: &Daemon) -> Reply {
    let health = Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION").into(),
        pid: std::process::id(),
        backend: daemon.backend_name().into(),
        max_jobs: daemon.max_jobs(),
        active_jobs: daemon.supervisor().active(),
    };
    json_reply(StatusCode::OK, &health)
}

fn project_json(project: &Project, current: Option<&SessionId>) -> Value {
    json!({
        "name": project.name,
        "session_id": project.session_id.as_str(),
        "task_id": project.task_id.as_str(),
        "created": project.created.to_rfc3339(),
        "current": current == Some(&project.session_id),
    })
}

async fn projects(daemon: &Daemon) -> Handled {
    let service = daemon.service();
    let projects = service.projects().await.map_err(|e| failed(&e))?;
    let current = service.current_project().await.ok().map(|p| p.session_id);
    let list: Vec<Value> = projects.iter().map(|p| project_json(p, current.as_ref())).collect();
    Ok(json_reply(StatusCode::OK, &json!({"projects": list})))
}

async fn new_project(daemon: &Daemon, name: &str) -> Handled {
    let name = if name.trim().is_empty() { "untitled" } else { name.trim() };
    let project = daemon.service().new_project(name, &NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::CREATED, &json!({"project": project_json(&project, Some(&project.session_id))})))
}

/// The project a request names (session id, else the newest of that name) or the user's
/// current one, and a service whose current project it is — the user's is not switched (the
/// rule of nemoctl's `--project`).
async fn scoped(daemon: &Daemon, selector: Option<&str>) -> Result<(Service, Project), Reply> {
    let store = daemon.store();
    let current = store.current_project().await.map_err(|e| failed(&Error::Store(e.0)))?;
    let service = daemon.service_over(Arc::new(ScopedStore::new(store, current)));
    if let Some(selector) = selector.map(str::trim).filter(|s| !s.is_empty()) {
        service.use_project(selector).await.map_err(|e| failed(&e))?;
    }
    let project = service.current_project().await.map_err(|e| failed(&e))?;
    Ok((service, project))
}

async fn tracks(daemon: &Daemon, project: Option<String>) -> Handled {
    let (service, _) = scoped(daemon, project.as_deref()).await?;
    let report = service.tracks(&NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(
        StatusCode::OK,
        &json!({"project": report.project.name, "session_id": report.project.session_id.as_str(), "summary": report.summary}),
    ))
}

async fn credits(daemon: &Daemon) -> Handled {
    let credits = daemon.service().credits(&NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &credits_json(&credits)))
}

async fn upload(daemon: &Daemon, request: UploadRequest) -> Handled {
    if request.sources.is_empty() {
        return Err(error(StatusCode::BAD_REQUEST, "bad_request", "no sources given", ""));
    }
    let mut checked = Vec::new();
    for source in &request.sources {
        let is_url = source.starts_with("http://") || source.starts_with("https://");
        if !is_url && !Path::new(source).is_absolute() {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("{source} is not an absolute path"),
                "The daemon's working directory is not yours: send absolute paths.",
            ));
        }
        let size = std::fs::metadata(source).ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
        checked.push(check_file(source, size).map_err(|e| failed(&e))?);
    }
    let (service, _) = scoped(daemon, request.project.as_deref()).await?;
    let assets = service.upload(&checked, &NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &json!({"files": assets.iter().map(asset_json).collect::<Vec<_>>()})))
}

/// Queues one export; the job is saved before this returns.
async fn export(daemon: &Daemon, request: &ExportRequest) -> Result<JobView, Reply> {
    if !Path::new(&request.output).is_absolute() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("output {:?} is not an absolute path", request.output),
            "The daemon's working directory is not yours: send an absolute path.",
        ));
    }
    if daemon.is_stopping() {
        return Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "nemod is shutting down",
            "Start it again.",
        ));
    }
    let (_, project) = scoped(daemon, request.project.as_deref()).await?;
    let supervisor = daemon.supervisor();
    let job =
        supervisor.service().queue_export(project, &request.output, &NoisyProgress).await.map_err(|e| failed(&e))?;
    tracing::info!(job = %job.id, output = %job.output, "export queued");
    supervisor.spawn(job.clone(), true);
    Ok(JobView::of(&job))
}

async fn batch(daemon: &Daemon, request: BatchRequest) -> Handled {
    if request.exports.is_empty() {
        return Err(error(StatusCode::BAD_REQUEST, "bad_request", "the batch is empty", ""));
    }
    let mut jobs = Vec::new();
    let mut errors = Vec::new();
    for (index, entry) in request.exports.iter().enumerate() {
        match export(daemon, entry).await {
            Ok(job) => jobs.push(job),
            Err(reply) => {
                let status = reply.status().as_u16();
                let body = reply.into_body().collect().await.map(|c| c.to_bytes()).unwrap_or_default();
                let detail: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                errors.push(json!({"index": index, "status": status, "error": detail["error"]}));
            }
        }
    }
    Ok(json_reply(StatusCode::ACCEPTED, &json!({"jobs": jobs, "errors": errors})))
}

async fn jobs(daemon: &Daemon) -> Handled {
    let jobs = daemon.supervisor().jobs().await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &JobList { jobs: jobs.iter().map(JobView::of).collect() }))
}

fn unknown_job(id: &str) -> Reply {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("no job {id}"),
        "GET /v1/jobs lists them (a job resubmitted under a new id has a new id).",
    )
}

async fn job(daemon: &Daemon, id: &str) -> Handled {
    match daemon.supervisor().find(id).await.map_err(|e| failed(&e))? {
        Some(job) => Ok(json_reply(StatusCode::OK, &json!({"job": JobView::of(&job)}))),
        None => Err(unknown_job(id)),
    }
}

async fn cancel(daemon: &Daemon, id: &str) -> Handled {
    match daemon.supervisor().cancel(id).await.map_err(|e| failed(&e))? {
        Some(job) => Ok(json_reply(StatusCode::OK, &json!({"job": JobView::of(&job)}))),
        None => Err(unknown_job(id)),
    }
}

/// A chat turn, streamed as JSON lines while the daemon receives it. The turn runs on a task
/// of its own: a client that goes away does not stop it (and nothing is ever re-sent).
async fn chat(daemon: &Daemon, request: ChatRequest) -> Handled {
    if request.message.trim().is_empty() {
        return Err(error(StatusCode::BAD_REQUEST, "bad_request", "the message is empty", ""));
    }
    let (service, _) = scoped(daemon, request.project.as_deref()).await?;
    let (lines, receiver) = mpsc::unbounded_channel::<Value>();
    let progress = ChannelProgress(lines.clone());
    daemon.supervisor().spawn_work(async move {
        let last = match service.chat(&request.message, &progress).await {
            Ok(report) => json!({
                "event": "done",
                "text": report.text,
                "changes": report.changes,
                "recovered": report.recovered,
                "warning": report.warning,
            }),
            Err(error) => json!({"event": "error", "error": ErrorDetail::of(&error)}),
        };
        // The client may be gone; the turn was still seen through.
        let _ = lines.send(last);
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

/// Progress as JSON lines on a channel.
struct ChannelProgress(mpsc::UnboundedSender<Value>);

impl Progress for ChannelProgress {
    fn report(&self, event: ProgressEvent) {
        let _ = self.0.send(progress_json(&event));
    }
}

/// Progress of short requests: notices to the log.
struct NoisyProgress;

impl Progress for NoisyProgress {
    fn report(&self, event: ProgressEvent) {
        if let ProgressEvent::Notice(text) = event {
            tracing::info!("{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_a_closed_set_with_a_catch_all() {
        assert_eq!(route(&Method::GET, "/v1/health"), Route::Health);
        assert_eq!(route(&Method::GET, "/v1/jobs/"), Route::Jobs);
        assert_eq!(route(&Method::GET, "/v1/jobs/render_1"), Route::Job("render_1".into()));
        assert_eq!(route(&Method::POST, "/v1/jobs/render_1/cancel"), Route::CancelJob("render_1".into()));
        assert_eq!(route(&Method::POST, "/v1/projects"), Route::NewProject);
        assert_eq!(route(&Method::DELETE, "/v1/exports"), Route::WrongMethod);
        assert_eq!(route(&Method::GET, "/v2/health"), Route::Unknown);
        assert_eq!(route(&Method::GET, "/"), Route::Unknown);
    }

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(percent_decode("my+trip%20two"), "my trip two");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é1"), "%é1", "never panics inside a multi-byte character");
    }
}

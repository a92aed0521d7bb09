//! The daemon's HTTP/JSON API (`docs/daemon-api.md`): a closed set of routes parsed from
//! method and path (with a catch-all), one small handler per route over the core's use cases;
//! `chat` (the message stream) and `jobs` (exports, batches, quick edits, the job list) have
//! modules of their own. Every answer is a type of `nemo_daemon_client::wire`.
//! Every failure is a JSON `{"error": {...}}` with a 4xx or 5xx status; no request can crash
//! the daemon (bodies over 1 MiB are refused before they are read whole).

mod chat;
mod jobs;

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use nemo_core::error::{Error, Exit};
use nemo_core::model::Project;
use nemo_core::ports::{Progress, ProgressEvent};
use nemo_core::service::UploadSource;
use nemo_daemon_client::MAX_BODY;
use nemo_daemon_client::wire::{
    AccountView, AssetView, CreditsView, ErrorBody, ErrorDetail, ErrorKind, Health, LinkView, LogoutReply,
    NewProjectRequest, ProjectList, ProjectReply, ProjectView, TracksView, UploadReply, UploadRequest, UseRequest,
};
use serde::de::DeserializeOwned;

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
    Login,
    Logout,
    Projects,
    NewProject,
    UseProject,
    Chat,
    Uploads,
    Tracks,
    Link,
    Credits,
    Export,
    Batch,
    Edit,
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
        ["v1", "login"] => known(post, Route::Login),
        ["v1", "logout"] => known(post, Route::Logout),
        ["v1", "projects"] if post => Route::NewProject,
        ["v1", "projects"] => known(get, Route::Projects),
        ["v1", "projects", "current"] => known(post, Route::UseProject),
        ["v1", "chat"] => known(post, Route::Chat),
        ["v1", "uploads"] => known(post, Route::Uploads),
        ["v1", "tracks"] => known(get, Route::Tracks),
        ["v1", "link"] => known(get, Route::Link),
        ["v1", "credits"] => known(get, Route::Credits),
        ["v1", "exports"] => known(post, Route::Export),
        ["v1", "batches"] => known(post, Route::Batch),
        ["v1", "edits"] => known(post, Route::Edit),
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
        Caller::Stranger => {
            error(StatusCode::FORBIDDEN, ErrorKind::Forbidden, "this daemon serves its own user only", "")
        }
        Caller::NeedsToken if !daemon.token_accepts(header(&request, AUTHORIZATION.as_str())) => error(
            StatusCode::UNAUTHORIZED,
            ErrorKind::Unauthorized,
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
        Route::Login => login(daemon).await,
        Route::Logout => logout(daemon).await,
        Route::Projects => projects(daemon).await,
        Route::NewProject => match body::<NewProjectRequest>(request).await {
            Ok(body) => new_project(daemon, &body.name).await,
            Err(reply) => return reply,
        },
        Route::UseProject => match body::<UseRequest>(request).await {
            Ok(body) => use_project(daemon, &body.project).await,
            Err(reply) => return reply,
        },
        Route::Chat => match body(request).await {
            Ok(body) => chat::chat(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Uploads => match body::<UploadRequest>(request).await {
            Ok(body) => upload(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Tracks => tracks(daemon, query(&request, "project")).await,
        Route::Link => link(daemon, query(&request, "project")).await,
        Route::Credits => credits(daemon).await,
        Route::Export => match body(request).await {
            Ok(body) => jobs::export(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Batch => match body(request).await {
            Ok(body) => jobs::batch(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Edit => match body(request).await {
            Ok(body) => jobs::edit(daemon, body).await,
            Err(reply) => return reply,
        },
        Route::Jobs => jobs::list(daemon).await,
        Route::Job(id) => jobs::job(daemon, &id).await,
        Route::CancelJob(id) => jobs::cancel(daemon, &id).await,
        Route::WrongMethod => {
            return error(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorKind::BadRequest,
                "this route does not take that method",
                "",
            );
        }
        Route::Unknown => {
            return error(
                StatusCode::NOT_FOUND,
                ErrorKind::NotFound,
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
        || error(StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, &format!("the body is over {MAX_BODY} bytes"), "");
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let bytes = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
        Err(e) => {
            return Err(bad_request(&format!("could not read the body: {e}"), ""));
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| bad_request(&format!("the body is not the expected JSON: {e}"), ""))
}

fn json_reply(status: StatusCode, value: &impl serde::Serialize) -> Reply {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)).boxed_unsync())
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed_unsync()))
}

/// A JSON error answer: exit 6 for a client error, else 1.
pub fn error(status: StatusCode, kind: ErrorKind, message: &str, hint: &str) -> Reply {
    let exit = if status.is_client_error() { Exit::InputRefused } else { Exit::Failure };
    let detail = ErrorDetail { kind, message: message.into(), hint: hint.into(), exit: exit.code() };
    json_reply(status, &ErrorBody { error: detail })
}

/// A 400.
fn bad_request(message: &str, hint: &str) -> Reply {
    error(StatusCode::BAD_REQUEST, ErrorKind::BadRequest, message, hint)
}

/// The 400 for a path that is not absolute.
fn not_absolute(what: &str) -> Reply {
    bad_request(
        &format!("{what} is not an absolute path"),
        "The daemon's working directory is not yours: send absolute paths.",
    )
}

/// The 503 of a daemon that is stopping: no new work.
fn shutting_down() -> Reply {
    error(StatusCode::SERVICE_UNAVAILABLE, ErrorKind::ShuttingDown, "nemod is shutting down", "Start it again.")
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

async fn login(daemon: &Daemon) -> Handled {
    let account = daemon.supervisor().login().await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &AccountView::of(&account).offline_if(daemon.is_offline())))
}

async fn logout(daemon: &Daemon) -> Handled {
    daemon.supervisor().logout().await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &LogoutReply { logged_out: true }))
}

async fn projects(daemon: &Daemon) -> Handled {
    let service = daemon.service();
    let projects = service.projects().await.map_err(|e| failed(&e))?;
    let current = service.current_project().await.ok().map(|p| p.session_id);
    let projects = projects.iter().map(|p| ProjectView::of(p, current.as_ref())).collect();
    Ok(json_reply(StatusCode::OK, &ProjectList { projects }))
}

async fn new_project(daemon: &Daemon, name: &str) -> Handled {
    let name = if name.trim().is_empty() { "untitled" } else { name.trim() };
    let project = daemon.service().new_project(name, &NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::CREATED, &ProjectReply { project: ProjectView::of(&project, Some(&project.session_id)) }))
}

async fn use_project(daemon: &Daemon, name_or_id: &str) -> Handled {
    let project = daemon.service().use_project(name_or_id.trim()).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &ProjectReply { project: ProjectView::of(&project, Some(&project.session_id)) }))
}

/// The project a request names (session id, else the newest of that name) or the user's
/// current one, and a service whose current project it is — the user's is not switched (the
/// rule of nemoctl's `--project`).
async fn scoped(daemon: &Daemon, selector: Option<&str>) -> Result<(Service, Project), Reply> {
    let store = daemon.store();
    let current = store.current_project().await.map_err(|e| failed(&Error::Store(e.0)))?;
    let service = daemon.scoped(current);
    if let Some(selector) = selector.map(str::trim).filter(|s| !s.is_empty()) {
        service.use_project(selector).await.map_err(|e| failed(&e))?;
    }
    let project = service.current_project().await.map_err(|e| failed(&e))?;
    Ok((service, project))
}

async fn tracks(daemon: &Daemon, project: Option<String>) -> Handled {
    let (service, _) = scoped(daemon, project.as_deref()).await?;
    let report = service.tracks(&NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &TracksView::of(&report)))
}

async fn link(daemon: &Daemon, project: Option<String>) -> Handled {
    let (service, _) = scoped(daemon, project.as_deref()).await?;
    if daemon.is_offline() {
        return Ok(json_reply(StatusCode::OK, &LinkView { link: None }));
    }
    let link = service.claim_link(&NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &LinkView { link: Some(link) }))
}

async fn credits(daemon: &Daemon) -> Handled {
    let credits = daemon.service().credits(&NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &CreditsView::of(&credits).offline_if(daemon.is_offline())))
}

async fn upload(daemon: &Daemon, request: UploadRequest) -> Handled {
    let checked = check_sources(daemon, &request.sources).await?;
    let (service, _) = scoped(daemon, request.project.as_deref()).await?;
    let assets = service.upload(&checked, &NoisyProgress).await.map_err(|e| failed(&e))?;
    Ok(json_reply(StatusCode::OK, &UploadReply { files: assets.iter().map(AssetView::of).collect() }))
}

/// Checks uploads before a byte is sent: at least one, each an absolute path or a URL, of a
/// kind the daemon's backend takes and of a size within the limit.
async fn check_sources(daemon: &Daemon, sources: &[String]) -> Result<Vec<UploadSource>, Reply> {
    if sources.is_empty() {
        return Err(bad_request("no sources given", ""));
    }
    let mut checked = Vec::new();
    for source in sources {
        let is_url = source.starts_with("http://") || source.starts_with("https://");
        if !is_url && !Path::new(source).is_absolute() {
            return Err(not_absolute(source));
        }
        checked.push(nemo_storage::check_source(source, daemon.accepts()).map_err(|e| failed(&e))?);
    }
    Ok(checked)
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

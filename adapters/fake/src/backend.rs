//! [`FakeBackend`]: the [`Backend`] port served from memory, plus the handles tests use to
//! inject faults and to inspect what the service saw and holds.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use nemo_core::draft::Draft;
use nemo_core::error::ApiError;
use nemo_core::ids::{ClientId, RenderId, SessionId, TaskId, Token, UserId};
use nemo_core::media::{LocalMedia, MediaKind, MediaUrl, extension};
use nemo_core::model::{
    AnonymousGrant, ClaimGrant, Credits, NewSession, RenderRequest, RenderStatus, SessionState, UploadResult,
};
use nemo_core::ports::{Backend, Clock, EventStream, Progress, ProgressEvent};
use nemo_editor::{MediaEngine, Probe};
use nemo_storage::delivery::{copy_through_part, write_through_part};

use crate::calls::Call;
use crate::cdn;
use crate::config::FakeConfig;
use crate::faults::{Endpoint, Fault};
use crate::idgen::content_hash;
use crate::renders::{EngineJob, Output};
use crate::turn;
use crate::world::Shared;

/// How long a claim token stays valid, in seconds.
const CLAIM_SECONDS: u64 = 7 * 24 * 3600;

/// The in-memory NemoVideo service. Cheap to share: wrap it in an [`Arc`].
pub struct FakeBackend {
    shared: Arc<Shared>,
}

impl FakeBackend {
    /// A fresh service with no users, reading and sleeping on `clock`.
    #[must_use]
    pub fn new(clock: Arc<dyn Clock>, config: FakeConfig) -> Self {
        Self { shared: Arc::new(Shared::new(clock, config, None)) }
    }

    /// A fresh service that edits and renders for real with a media `engine`: uploads are
    /// probed (a file the engine cannot read is refused with 4001) and their segment's `src`
    /// is the file's absolute path; the agent can remove pauses and use music files; a
    /// render without a fault is the engine's render of the draft, with its real progress,
    /// and downloads copy the engine's file. Everything else is as [`FakeBackend::new`].
    #[must_use]
    pub fn with_engine(clock: Arc<dyn Clock>, config: FakeConfig, engine: Arc<dyn MediaEngine>) -> Self {
        Self { shared: Arc::new(Shared::new(clock, config, Some(engine))) }
    }

    /// The settings it runs with.
    #[must_use]
    pub fn config(&self) -> &FakeConfig {
        &self.shared.config
    }

    /// Queues `fault` for the next call to `endpoint` that finds no earlier fault queued.
    ///
    /// # Panics
    /// When the fault belongs to another endpoint (see [`Fault::endpoint`]).
    pub fn inject(&self, endpoint: Endpoint, fault: Fault) {
        self.shared.world().faults.inject(endpoint, fault);
    }

    /// Every later call first sleeps `latency` on the clock.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.world().latency = latency;
    }

    /// Every call that reached the service, in order.
    #[must_use]
    pub fn calls(&self) -> Vec<Call> {
        self.shared.world().calls.clone()
    }

    /// The calls to one endpoint, in order.
    #[must_use]
    pub fn calls_to(&self, endpoint: Endpoint) -> Vec<Call> {
        self.calls().into_iter().filter(|call| call.endpoint == endpoint).collect()
    }

    /// A session's draft now, whoever owns it.
    #[must_use]
    pub fn draft(&self, session: &SessionId) -> Option<Draft> {
        self.shared.world().sessions.get(session).map(|session| session.edit.draft())
    }

    /// A user's balance now (all zero for an unknown user).
    #[must_use]
    pub fn credits_of(&self, user: &UserId) -> Credits {
        self.shared.world().accounts.credits(user)
    }

    /// Every render id submitted, in order.
    #[must_use]
    pub fn render_ids_submitted(&self) -> Vec<RenderId> {
        self.shared.world().renders.ids()
    }

    /// What every call does first: the latency, then the next fault. A failure fault answers
    /// for the call (an [`ApiError::NotSent`] before the call is even logged); any other fault
    /// is handed to the endpoint.
    async fn arrive(&self, call: Call) -> Result<Option<Fault>, ApiError> {
        let latency = self.shared.world().latency;
        if !latency.is_zero() {
            self.shared.clock.sleep(latency).await;
        }
        let fault = {
            let mut world = self.shared.world();
            let fault = world.faults.take(call.endpoint);
            if let Some(Fault::Fail(error @ ApiError::NotSent(_))) = fault {
                return Err(error);
            }
            world.calls.push(call);
            fault
        };
        match fault {
            Some(Fault::Fail(error)) => Err(error),
            Some(Fault::Hang) => std::future::pending().await,
            other => Ok(other),
        }
    }

    /// The user of a live token.
    fn user(&self, token: &Token) -> Result<UserId, ApiError> {
        self.shared.world().accounts.authenticate(token, self.shared.now())
    }
}

/// Shows the settings only: the state holds tokens.
impl fmt::Debug for FakeBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeBackend").field("config", &self.shared.config).finish_non_exhaustive()
    }
}

#[async_trait]
impl Backend for FakeBackend {
    async fn anonymous_token(&self, client_id: &ClientId) -> Result<AnonymousGrant, ApiError> {
        self.arrive(Call::new(Endpoint::AnonymousToken, None, client_id.to_string())).await?;
        let mut world = self.shared.world();
        let world = &mut *world;
        world.accounts.grant(client_id, self.shared.now(), self.shared.config.starting_credits, &mut world.ids)
    }

    async fn create_session(
        &self,
        token: &Token,
        task_name: &str,
        _language: Option<&str>,
    ) -> Result<NewSession, ApiError> {
        self.arrive(Call::new(Endpoint::CreateSession, None, task_name)).await?;
        let user = self.user(token)?;
        let mut world = self.shared.world();
        let world = &mut *world;
        Ok(world.sessions.create(&user, task_name, &mut world.ids))
    }

    async fn claim_token(
        &self,
        token: &Token,
        task_id: &TaskId,
        session_id: &SessionId,
    ) -> Result<ClaimGrant, ApiError> {
        self.arrive(Call::new(Endpoint::ClaimToken, Some(session_id), task_id.as_str())).await?;
        let user = self.user(token)?;
        let mut world = self.shared.world();
        if !world.sessions.owned(&user, session_id)?.is_of_task(task_id) {
            return Err(ApiError::code(1002, "session not found in this task"));
        }
        Ok(ClaimGrant { claim_token: world.ids.claim(), expires_in: CLAIM_SECONDS })
    }

    async fn send_message(&self, token: &Token, session_id: &SessionId, text: &str) -> Result<EventStream, ApiError> {
        let fault = self.arrive(Call::new(Endpoint::SendMessage, Some(session_id), text)).await?;
        turn::start(&self.shared, token, session_id, text, fault.as_ref())
    }

    async fn upload_file(
        &self,
        token: &Token,
        session_id: &SessionId,
        file: &LocalMedia,
        progress: &dyn Progress,
    ) -> Result<UploadResult, ApiError> {
        let name = file.file_name();
        self.arrive(Call::new(Endpoint::UploadFile, Some(session_id), name)).await?;
        let report = |sent| progress.report(ProgressEvent::Upload { name: name.to_owned(), sent, total: file.size() });
        report(0);
        let user = self.user(token)?;
        self.shared.world().sessions.owned(&user, session_id)?;
        let probed = match self.shared.engine() {
            Some(engine) => Some(probe_upload(engine, file)?),
            None => None,
        };
        let src = probed.as_ref().map_or(name, |(src, _)| src.as_str());
        let asset = self.shared.world().sessions.owned(&user, session_id)?.ingest_as(
            name,
            file.kind(),
            &format!("{name}:{}", file.size()),
            src,
            probed.as_ref().map(|(_, probe)| probe),
        );
        report(file.size());
        Ok(UploadResult { files: vec![asset], session_state_applied: true })
    }

    async fn upload_urls(
        &self,
        token: &Token,
        session_id: &SessionId,
        urls: &[MediaUrl],
    ) -> Result<UploadResult, ApiError> {
        let listed: Vec<&str> = urls.iter().map(MediaUrl::as_str).collect();
        self.arrive(Call::new(Endpoint::UploadUrls, Some(session_id), listed.join(" "))).await?;
        let user = self.user(token)?;
        if let (Some(_), Some(url)) = (self.shared.engine(), listed.first()) {
            let refusal = format!("the offline engine edits local files only; download {url} and upload the file");
            return Err(ApiError::code(4001, refusal));
        }
        let files = listed.iter().map(|url| url_file(url)).collect::<Result<Vec<_>, _>>()?;
        let mut world = self.shared.world();
        let session = world.sessions.owned(&user, session_id)?;
        let files = files.iter().map(|(url, name, kind)| session.ingest(name, *kind, url)).collect();
        Ok(UploadResult { files, session_state_applied: true })
    }

    async fn state(&self, token: &Token, session_id: &SessionId) -> Result<SessionState, ApiError> {
        self.arrive(Call::new(Endpoint::State, Some(session_id), "")).await?;
        let user = self.user(token)?;
        Ok(self.shared.world().sessions.owned(&user, session_id)?.state(session_id))
    }

    async fn credits(&self, token: &Token) -> Result<Credits, ApiError> {
        self.arrive(Call::new(Endpoint::Credits, None, "")).await?;
        let user = self.user(token)?;
        Ok(self.shared.world().accounts.credits(&user))
    }

    async fn submit_render(&self, token: &Token, request: &RenderRequest) -> Result<RenderStatus, ApiError> {
        let call = Call::new(Endpoint::SubmitRender, Some(&request.session_id), request.id.as_str());
        let fault = self.arrive(call).await?;
        let user = self.user(token)?;
        let mut world = self.shared.world();
        world.sessions.owned(&user, &request.session_id)?;
        let draft_hash = content_hash(request.draft.as_json());
        let engine = self.shared.engine();
        let start = || {
            engine.map(|engine| match engine.start_render(request.draft.as_json()) {
                Ok(handle) => EngineJob::Started(handle),
                Err(error) => EngineJob::Refused(error.to_string()),
            })
        };
        world.renders.submit(&request.id, &user, draft_hash, self.shared.now(), fault, start)
    }

    async fn render_status(&self, token: &Token, id: &RenderId) -> Result<RenderStatus, ApiError> {
        self.arrive(Call::new(Endpoint::RenderStatus, None, id.as_str())).await?;
        let user = self.user(token)?;
        self.shared.world().renders.poll(&user, id, self.shared.now(), self.shared.engine())
    }

    async fn cancel_render(&self, token: &Token, id: &RenderId) -> Result<(), ApiError> {
        self.arrive(Call::new(Endpoint::CancelRender, None, id.as_str())).await?;
        let user = self.user(token)?;
        self.shared.world().renders.cancel(&user, id, self.shared.now(), self.shared.engine())
    }

    async fn download_url(&self, url: &str, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
        let not_found = || ApiError::status(404, "not found");
        if let Some(Fault::CdnDown) = self.arrive(Call::new(Endpoint::DownloadUrl, None, url)).await? {
            return Err(not_found());
        }
        let output = cdn::render_of_url(url)
            .and_then(|id| self.shared.world().renders.file(&id, self.shared.now(), self.shared.engine()))
            .ok_or_else(not_found)?;
        write_output(&output, dest, progress)
    }

    async fn download_render(
        &self,
        token: &Token,
        id: &RenderId,
        dest: &str,
        progress: &dyn Progress,
    ) -> Result<u64, ApiError> {
        self.arrive(Call::new(Endpoint::DownloadRender, None, id.as_str())).await?;
        let user = self.user(token)?;
        let output = self.shared.world().renders.owned_file(&user, id, self.shared.now(), self.shared.engine())?;
        write_output(&output, dest, progress)
    }
}

/// The file name and kind a media URL names; 4001 when its extension is not supported.
fn url_file(url: &str) -> Result<(&str, &str, MediaKind), ApiError> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path);
    let kind = extension(name).and_then(MediaKind::from_extension);
    kind.map(|kind| (url, name, kind)).ok_or_else(|| ApiError::code(4001, "unsupported file type"))
}

/// Writes a rendered file to `dest` through `dest.part`.
fn write_output(output: &Output, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
    match output {
        Output::Bytes(bytes) => write_through_part(bytes, dest, progress),
        Output::File(path) => copy_through_part(path, dest, progress),
    }
}

/// Probes an upload with the engine: its absolute path and what it holds; 4001 when the
/// engine cannot read it, or a video has no picture.
fn probe_upload(engine: &dyn MediaEngine, file: &LocalMedia) -> Result<(String, Probe), ApiError> {
    let src = std::path::absolute(file.path())
        .map_or_else(|_| file.path().to_owned(), |path| path.to_string_lossy().into_owned());
    let probe = engine.probe(&src).map_err(|error| ApiError::code(4001, error.to_string()))?;
    if file.kind() == MediaKind::Video && (!probe.has_video || probe.duration_ms <= 0) {
        return Err(ApiError::code(4001, format!("{} has no playable video stream", file.file_name())));
    }
    Ok((src, probe))
}

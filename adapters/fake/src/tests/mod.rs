//! Behaviour tests of the fake service through the `Backend` port: one harness, one file per
//! area of the wire contract.

mod accounts;
mod chat;
mod determinism;
mod downloads;
mod faults;
mod log;
mod renders;
mod uploads;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::StreamExt;
use futures::executor::block_on;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use nemo_core::ids::{ClientId, RenderId, SessionId, TaskId, Token, UserId};
use nemo_core::media::LocalMedia;
use nemo_core::model::{RenderRequest, RenderStatus};
use nemo_core::ports::{Backend, NoProgress};
use nemo_core::time::Timestamp;
use serde_json::Value;

use crate::{FakeBackend, FakeConfig, ManualClock};

/// When every test's clock starts.
const START: Timestamp = Timestamp::from_unix_ms(1_795_000_000_000);

/// A fake on a manual clock.
struct Harness {
    clock: Arc<ManualClock>,
    fake: FakeBackend,
}

/// A signed-in user with one session.
struct Project {
    token: Token,
    user: UserId,
    task: TaskId,
    session: SessionId,
}

impl Harness {
    fn new() -> Self {
        Self::with(FakeConfig::default())
    }

    fn with(config: FakeConfig) -> Self {
        let clock = Arc::new(ManualClock::new(START));
        let fake = FakeBackend::new(clock.clone(), config);
        Self { clock, fake }
    }

    /// A new user (the `n`th client id) with one empty session.
    fn project(&self, n: u32) -> Project {
        let grant = block_on(self.fake.anonymous_token(&client(n))).unwrap();
        let session = block_on(self.fake.create_session(&grant.token, "trip", Some("en"))).unwrap();
        Project { token: grant.token, user: grant.user_id, task: session.task_id, session: session.session_id }
    }

    /// A new user with one session holding one 10 s video, "city.mp4".
    fn project_with_video(&self, n: u32) -> Project {
        let project = self.project(n);
        self.upload(&project, "city.mp4");
        project
    }

    fn upload(&self, project: &Project, path: &str) {
        let file = LocalMedia::check(path, 1000).unwrap();
        block_on(self.fake.upload_file(&project.token, &project.session, &file, &NoProgress)).unwrap();
    }

    /// Every item of the turn answering `text`.
    fn send(&self, project: &Project, text: &str) -> Vec<Result<ChatEvent, ApiError>> {
        let stream = block_on(self.fake.send_message(&project.token, &project.session, text)).unwrap();
        block_on(stream.collect())
    }

    /// The turn's events, which must all have arrived.
    fn turn(&self, project: &Project, text: &str) -> Vec<ChatEvent> {
        self.send(project, text).into_iter().collect::<Result<_, _>>().unwrap()
    }

    fn draft(&self, project: &Project) -> Value {
        self.fake.draft(&project.session).unwrap().to_value()
    }

    /// Submits the session's current draft as render `render_<ms>`.
    fn submit(&self, project: &Project, ms: u64) -> Result<RenderStatus, ApiError> {
        let request = RenderRequest {
            id: RenderId::from_unix_ms(ms),
            session_id: project.session.clone(),
            draft: self.fake.draft(&project.session).unwrap(),
        };
        block_on(self.fake.submit_render(&project.token, &request))
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// The `n`th of a fixed set of client ids.
fn client(n: u32) -> ClientId {
    ClientId::parse(&format!("00000000-0000-4000-8000-{n:012}")).unwrap()
}

/// Checks that `result` is a refusal with that body code.
fn assert_code<T: std::fmt::Debug>(result: Result<T, ApiError>, code: i64) {
    match result {
        Err(ApiError::Refused(refusal)) if refusal.code == Some(code) => {}
        other => panic!("expected a refusal with code {code}, got {other:?}"),
    }
}

/// Checks that `result` is a refusal with that HTTP status and no body code.
fn assert_status<T: std::fmt::Debug>(result: Result<T, ApiError>, status: u16) {
    match result {
        Err(ApiError::Refused(refusal)) if refusal.status == status && refusal.code.is_none() => {}
        other => panic!("expected a refusal with HTTP {status}, got {other:?}"),
    }
}

/// The texts of a turn, as (text, partial) pairs.
fn texts(events: &[ChatEvent]) -> Vec<(String, bool)> {
    events
        .iter()
        .filter_map(|event| match event {
            ChatEvent::Text { text, partial } => Some((text.clone(), *partial)),
            _ => None,
        })
        .collect()
}

/// A fresh directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("nemo-fake-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// A path inside, as the port takes it.
    fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

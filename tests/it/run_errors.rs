//! A run error (`{"error": …}`: the agent framework's frame when the run raises) fails the
//! turn, whatever text came before: exit 1, with what changed read from the state, and the
//! message never re-sent. The fake's turns are made to end that way by [`Raising`].

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::{ApiError, Error};
use nemo_core::ids::{ClientId, RenderId, SessionId, TaskId, Token};
use nemo_core::media::{LocalMedia, MediaUrl};
use nemo_core::model::{
    AnonymousGrant, ClaimGrant, Credits, NewSession, RenderRequest, RenderStatus, SessionState, UploadResult,
};
use nemo_core::ports::{Backend, EventStream, Progress};
use nemo_core::service::{Nemo, Settings};
use nemo_fake::{Endpoint, FakeBackend};

use crate::support::World;

/// The fake, whose chat streams end with a run error after the turn's own events.
struct Raising(Arc<FakeBackend>);

const RUN_ERROR: &str = "RuntimeError: the render tool crashed";

#[async_trait]
impl Backend for Raising {
    async fn anonymous_token(&self, client_id: &ClientId) -> Result<AnonymousGrant, ApiError> {
        self.0.anonymous_token(client_id).await
    }
    async fn create_session(&self, t: &Token, name: &str, lang: Option<&str>) -> Result<NewSession, ApiError> {
        self.0.create_session(t, name, lang).await
    }
    async fn claim_token(&self, t: &Token, task: &TaskId, sid: &SessionId) -> Result<ClaimGrant, ApiError> {
        self.0.claim_token(t, task, sid).await
    }
    async fn send_message(&self, t: &Token, sid: &SessionId, text: &str) -> Result<EventStream, ApiError> {
        let error = ChatEvent::RunError { message: RUN_ERROR.into() };
        Ok(Box::pin(self.0.send_message(t, sid, text).await?.chain(futures::stream::iter([Ok(error)]))))
    }
    async fn upload_file(
        &self,
        t: &Token,
        sid: &SessionId,
        file: &LocalMedia,
        progress: &dyn Progress,
    ) -> Result<UploadResult, ApiError> {
        self.0.upload_file(t, sid, file, progress).await
    }
    async fn upload_urls(&self, t: &Token, sid: &SessionId, urls: &[MediaUrl]) -> Result<UploadResult, ApiError> {
        self.0.upload_urls(t, sid, urls).await
    }
    async fn state(&self, t: &Token, sid: &SessionId) -> Result<SessionState, ApiError> {
        self.0.state(t, sid).await
    }
    async fn credits(&self, t: &Token) -> Result<Credits, ApiError> {
        self.0.credits(t).await
    }
    async fn submit_render(&self, t: &Token, request: &RenderRequest) -> Result<RenderStatus, ApiError> {
        self.0.submit_render(t, request).await
    }
    async fn render_status(&self, t: &Token, id: &RenderId) -> Result<RenderStatus, ApiError> {
        self.0.render_status(t, id).await
    }
    async fn cancel_render(&self, t: &Token, id: &RenderId) -> Result<(), ApiError> {
        self.0.cancel_render(t, id).await
    }
    async fn download_url(&self, url: &str, dest: &str, progress: &dyn Progress) -> Result<u64, ApiError> {
        self.0.download_url(url, dest, progress).await
    }
    async fn download_render(
        &self,
        t: &Token,
        id: &RenderId,
        dest: &str,
        progress: &dyn Progress,
    ) -> Result<u64, ApiError> {
        self.0.download_render(t, id, dest, progress).await
    }
}

/// A chat of `message` in a project with a clip, where the run raises at the end.
async fn raising_turn(world: &World, message: &str) -> Error {
    world.project_with_clip().await;
    let nemo =
        Nemo::new(Arc::new(Raising(world.fake.clone())), world.clock.clone(), world.store.clone(), Settings::default());
    let error = nemo.chat(message, &world.progress).await.unwrap_err();
    assert_eq!(world.calls_to(Endpoint::SendMessage).len(), 1, "never re-sent");
    assert_eq!(world.calls_to(Endpoint::State).len(), 2, "read before, and again after the failure");
    error
}

#[tokio::test]
async fn a_run_error_after_a_reply_fails_the_turn_and_says_what_changed() {
    let world = World::new();
    let error = raising_turn(&world, "add music").await;
    assert!(!world.agent_text().is_empty(), "the reply was shown as it came");
    let Error::RunFailed { message, changes: Some(changes) } = &error else { panic!("{error:?}") };
    assert_eq!(message, RUN_ERROR);
    assert!(changes.iter().any(|c| c.contains("Background music added")), "{changes:?}");
    assert_eq!(error.exit().code(), 1);
    assert!(error.to_string().contains("the timeline changed meanwhile: Background music added"), "{error}");
    assert!(error.hint().contains("nemoctl tracks"), "{}", error.hint());
}

#[tokio::test]
async fn a_run_error_of_a_silent_turn_that_changed_nothing_says_so() {
    let world = World::new();
    let error = raising_turn(&world, "what can you do?").await;
    assert!(matches!(&error, Error::RunFailed { changes: Some(changes), .. } if changes.is_empty()), "{error:?}");
    assert_eq!(error.exit().code(), 1);
    assert!(error.to_string().ends_with("; the timeline did not change"), "{error}");
}

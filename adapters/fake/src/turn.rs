//! Running a chat turn: checking the message, charging the session's edit cost, then playing
//! the turn's script as the event stream. The edit lands when the script says; the cost is
//! settled when the turn ends — spent if the edit landed, given back if not. A turn whose
//! stream the client drops before its end finishes on the server at once (a real server
//! carries on without the connection).

use std::collections::VecDeque;
use std::sync::Arc;

use futures::stream;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use nemo_core::ids::{SessionId, Token, UserId};
use nemo_core::ports::EventStream;
use nemo_editor::Change;

use crate::faults::Fault;
use crate::script::{self, Step};
use crate::world::{Shared, World};

/// Starts the turn answering `text` in `session`, shaped by a stream `fault`.
pub(crate) fn start(
    shared: &Arc<Shared>,
    token: &Token,
    session: &SessionId,
    text: &str,
    fault: Option<&Fault>,
) -> Result<EventStream, ApiError> {
    let config = &shared.config;
    let editing = {
        let mut world = shared.world();
        let World { accounts, sessions, .. } = &mut *world;
        let user = accounts.authenticate(token, shared.now())?;
        sessions.owned(&user, session)?.edit.clone()
    };
    // The editor may run the media engine (seconds of work): not under the lock.
    let reply = editing.reply(text, shared.engine());
    let mut world = shared.world();
    let World { accounts, sessions, .. } = &mut *world;
    let user = accounts.authenticate(token, shared.now())?;
    let state = sessions.owned(&user, session)?;
    let charge = (reply.change.is_some() && !state.charged).then_some(config.session_edit_cost);
    if let Some(cost) = charge {
        let refusal = format!("not enough credits; register at {}/register?bind={user} to get more", config.web_url);
        accounts.freeze(&user, cost, refusal)?;
        state.charged = true;
    }
    drop(world);
    let steps = script::build(&reply, config.turn_work, fault).into();
    let turn = Turn {
        shared: Arc::clone(shared),
        user,
        session: session.clone(),
        change: reply.change,
        charge,
        steps,
        applied: false,
        settled: false,
    };
    Ok(Box::pin(stream::unfold(turn, |mut turn| async move {
        let event = turn.next().await?;
        Some((event, turn))
    })))
}

/// A turn in progress.
struct Turn {
    shared: Arc<Shared>,
    user: UserId,
    session: SessionId,
    change: Option<Change>,
    /// The cost this turn froze, if it charged the session.
    charge: Option<i64>,
    steps: VecDeque<Step>,
    applied: bool,
    settled: bool,
}

impl Turn {
    /// Plays the script up to its next event; `None` once it has ended.
    async fn next(&mut self) -> Option<Result<ChatEvent, ApiError>> {
        while let Some(step) = self.steps.pop_front() {
            match step {
                Step::Emit(event) => return Some(Ok(event)),
                Step::Sleep(duration) => self.shared.clock.sleep(duration).await,
                Step::Apply => self.apply(),
                Step::Fail(error) => {
                    self.finish();
                    return Some(Err(error));
                }
            }
        }
        self.finish();
        None
    }

    fn apply(&mut self) {
        let mut world = self.shared.world();
        if let (Some(change), Some(session)) = (&self.change, world.sessions.get_mut(&self.session)) {
            session.edit.drafts.apply(change);
            self.applied = true;
        }
    }

    /// Makes what is left of the edit land, then settles the charge. Runs once.
    fn finish(&mut self) {
        if self.settled {
            return;
        }
        self.settled = true;
        if std::mem::take(&mut self.steps).contains(&Step::Apply) {
            self.apply();
        }
        let Some(cost) = self.charge else { return };
        let mut world = self.shared.world();
        world.accounts.settle(&self.user, cost, self.applied);
        if let (false, Some(session)) = (self.applied, world.sessions.get_mut(&self.session)) {
            session.charged = false;
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.finish();
    }
}

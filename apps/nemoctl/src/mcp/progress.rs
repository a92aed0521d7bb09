//! The core's [`Progress`] port as MCP progress notifications: render percent (of 100),
//! upload and download bytes (of the total), and steps as messages, sent only when the
//! client asked with a progress token. `report` must not block, so events go through a
//! channel to a task that sends them; [`Notifier::finish`] waits until all were sent, so
//! none arrives after the tool's result.

use std::sync::{Mutex, PoisonError};

use nemo_core::ports::{Progress, ProgressEvent};
use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::{Peer, RoleServer};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

/// One tool call's progress reporter.
pub struct Notifier {
    token: Option<ProgressToken>,
    sender: Option<UnboundedSender<ProgressNotificationParam>>,
    sending: Option<JoinHandle<()>>,
    /// The last amount reported, so that a step's message keeps it.
    last: Mutex<Amount>,
}

impl Notifier {
    /// Reports to `peer` under `token`; without a token, discards every event.
    pub fn new(peer: Peer<RoleServer>, token: Option<ProgressToken>) -> Self {
        let (sender, sending) = match token {
            Some(_) => {
                let (sender, mut receiver) = unbounded_channel::<ProgressNotificationParam>();
                let sending = tokio::spawn(async move {
                    while let Some(param) = receiver.recv().await {
                        // A client that went away needs no progress.
                        let _ = peer.notify_progress(param).await;
                    }
                });
                (Some(sender), Some(sending))
            }
            None => (None, None),
        };
        Self { token, sender, sending, last: Mutex::new((0.0, None)) }
    }

    /// Waits until every reported event was sent.
    pub async fn finish(mut self) {
        self.sender = None;
        if let Some(sending) = self.sending.take() {
            let _ = sending.await;
        }
    }
}

impl Progress for Notifier {
    fn report(&self, event: ProgressEvent) {
        let (Some(token), Some(sender)) = (&self.token, &self.sender) else { return };
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let Some((amount, message)) = describe(&event) else { return };
        if let Some(amount) = amount {
            *last = amount;
        }
        let (progress, total) = *last;
        let mut param = ProgressNotificationParam::new(token.clone(), progress).with_message(message);
        param.total = total;
        let _ = sender.send(param);
    }
}

/// How much is done, of how much (when known).
type Amount = (f64, Option<f64>);

/// An event's amount (steps have none) and message; `None` for the editor's reply text,
/// which is the chat tool's result, not progress.
fn describe(event: &ProgressEvent) -> Option<(Option<Amount>, String)> {
    #[allow(clippy::cast_precision_loss)]
    let bytes = |n: u64| n as f64;
    Some(match event {
        ProgressEvent::Render { id, percent } => {
            (Some((f64::from(*percent), Some(100.0))), format!("rendering {id}: {percent}%"))
        }
        ProgressEvent::Download { received, total } => (
            Some((bytes(*received), total.map(bytes))),
            match total {
                Some(total) => format!("downloaded {received} of {total} bytes"),
                None => format!("downloaded {received} bytes"),
            },
        ),
        ProgressEvent::Upload { name, sent, total } => {
            (Some((bytes(*sent), Some(bytes(*total)))), format!("uploading {name}: {sent} of {total} bytes"))
        }
        ProgressEvent::Step(text) | ProgressEvent::Notice(text) | ProgressEvent::Activity(text) => (None, text.clone()),
        ProgressEvent::StillWorking { elapsed } => (None, format!("still working ({} s)", elapsed.as_secs())),
        ProgressEvent::Waiting { reason, duration } => (None, format!("{reason}: waiting {} s", duration.as_secs())),
        ProgressEvent::AgentText(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use nemo_core::ids::RenderId;

    use super::*;

    #[test]
    fn render_percent_and_bytes_are_amounts_and_steps_are_messages() {
        let id = RenderId::from_unix_ms(7);
        let render = describe(&ProgressEvent::Render { id: id.clone(), percent: 40 }).unwrap();
        assert_eq!(render, (Some((40.0, Some(100.0))), format!("rendering {id}: 40%")));
        let download = describe(&ProgressEvent::Download { received: 10, total: Some(20) }).unwrap();
        assert_eq!(download, (Some((10.0, Some(20.0))), "downloaded 10 of 20 bytes".to_owned()));
        let unknown = describe(&ProgressEvent::Download { received: 10, total: None }).unwrap();
        assert_eq!(unknown.0, Some((10.0, None)));
        let step = describe(&ProgressEvent::Step("Submitting the render…".into())).unwrap();
        assert_eq!(step, (None, "Submitting the render…".to_owned()));
        let waiting =
            describe(&ProgressEvent::Waiting { reason: "rate limited".into(), duration: Duration::from_secs(30) });
        assert_eq!(waiting.unwrap().1, "rate limited: waiting 30 s");
        assert!(describe(&ProgressEvent::AgentText("Done.".into())).is_none());
    }
}

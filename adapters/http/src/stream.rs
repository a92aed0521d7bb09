//! The chat turn as a stream: the response body decoded incrementally (SSE framing, then the
//! payload mapper). A transport error mid-body becomes one final `MaybeSent` item; an event
//! over the size cap one final `BadReply` item. Dropping the stream drops the response, which
//! closes the connection. Nothing here retries or reconnects.

use std::collections::VecDeque;
use std::pin::Pin;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use nemo_core::ports::EventStream;

use crate::events::map_event;
use crate::sse::{SseDecoder, SseItem};
use crate::transport::{cut, map_error};

type Body = Pin<Box<dyn Stream<Item = Result<Bytes, ApiError>> + Send>>;

struct Turn {
    body: Option<Body>,
    decoder: SseDecoder,
    items: Vec<Result<SseItem, crate::sse::EventTooLarge>>,
    queue: VecDeque<Result<ChatEvent, ApiError>>,
}

impl Turn {
    /// Moves decoded items to the queue; an oversized event ends the turn.
    fn drain(&mut self) {
        for item in self.items.drain(..) {
            match item {
                Ok(SseItem::Event { data, .. }) => self.queue.extend(map_event(&data).into_iter().map(Ok)),
                Ok(SseItem::KeepAlive) => self.queue.push_back(Ok(ChatEvent::Heartbeat)),
                Err(too_large) => {
                    self.queue.push_back(Err(ApiError::BadReply {
                        status: 200,
                        reason: too_large.to_string(),
                        body: String::new(),
                    }));
                    self.body = None;
                    break;
                }
            }
        }
    }
}

/// The events of a `text/event-stream` response.
pub fn chat_events(response: reqwest::Response) -> EventStream {
    let body: Body = Box::pin(response.bytes_stream().map(|chunk| chunk.map_err(|e| cut(map_error(e)))));
    events_from(body)
}

/// The events of any byte stream (used by [`chat_events`] and by tests).
pub(crate) fn events_from(body: Body) -> EventStream {
    let turn = Turn { body: Some(body), decoder: SseDecoder::default(), items: Vec::new(), queue: VecDeque::new() };
    Box::pin(futures::stream::unfold(turn, |mut turn| async move {
        loop {
            if let Some(item) = turn.queue.pop_front() {
                return Some((item, turn));
            }
            let body = turn.body.as_mut()?;
            match body.next().await {
                Some(Ok(chunk)) => {
                    turn.decoder.feed(&chunk, &mut turn.items);
                    turn.drain();
                }
                Some(Err(error)) => {
                    turn.body = None;
                    turn.queue.push_back(Err(error));
                }
                None => {
                    turn.body = None;
                    turn.decoder.finish(&mut turn.items);
                    turn.drain();
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(chunks: Vec<Result<&'static [u8], ApiError>>) -> Vec<Result<ChatEvent, ApiError>> {
        let body: Body = Box::pin(futures::stream::iter(chunks.into_iter().map(|c| c.map(Bytes::from_static))));
        futures::executor::block_on(events_from(body).collect())
    }

    #[test]
    fn a_cut_ends_with_one_maybe_sent() {
        let got = collect(vec![
            Ok(b": ping\r\n\r\ndata: {\"type\":\"text\",\"content\":\"a\"}\r\n\r\ndata: {\"type\""),
            Err(ApiError::MaybeSent("reset".into())),
        ]);
        assert_eq!(
            got,
            [
                Ok(ChatEvent::Heartbeat),
                Ok(ChatEvent::Text { text: "a".into(), partial: true }),
                Err(ApiError::MaybeSent("reset".into()))
            ]
        );
    }
}

//! A pure, incremental server-sent-events decoder: bytes in (split anywhere), complete events
//! out. No I/O, no async, bounded memory.
//!
//! Framing rules (WHATWG event-stream, with the choices this client makes):
//! - lines end with LF, CRLF or a lone CR, even when the CR and the LF arrive in different chunks;
//! - a leading UTF-8 BOM is skipped; lines are decoded only once complete, so a multi-byte
//!   character split across chunks is never cut (invalid UTF-8 is replaced, never a panic);
//! - `data:` lines of one event are joined with `\n`; `event:` and `id:` are kept, `retry:` and
//!   unknown fields are ignored;
//! - a `:` comment line, and an event whose data is empty, are reported as [`SseItem::KeepAlive`];
//! - **choice:** at the end of the stream, an event still open (no blank line after it, or
//!   even no line ending) is dispatched if it has data, because the service ends the turn by
//!   closing the connection and the last event must not be lost;
//! - an event (or line) longer than the cap is reported once as [`EventTooLarge`] and skipped up
//!   to its terminating blank line.

/// The default cap on one event's size: 16 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// One decoded item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseItem {
    /// An event with data.
    Event {
        /// The `data:` lines joined with `\n`.
        data: String,
        /// The `event:` field, if any.
        event: Option<String>,
        /// The `id:` field, if any.
        id: Option<String>,
    },
    /// A comment line or an event with empty data.
    KeepAlive,
}

/// An event grew past the size cap; it was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a server-sent event exceeded {limit} bytes and was skipped")]
pub struct EventTooLarge {
    /// The cap in bytes.
    pub limit: usize,
}

/// The incremental decoder. Feed chunks with [`SseDecoder::feed`], then call
/// [`SseDecoder::finish`] at the end of the stream.
#[derive(Debug)]
pub struct SseDecoder {
    /// Bytes of a line not yet terminated.
    line: Vec<u8>,
    /// The data of the event being built (lines joined with `\n`).
    data: Vec<u8>,
    /// Whether a `data` field was seen in the current event.
    has_data: bool,
    event: Option<String>,
    id: Option<String>,
    /// The previous chunk ended with CR: a leading LF in the next one belongs to it.
    skip_lf: bool,
    /// No line completed yet: a BOM may still have to be stripped.
    at_start: bool,
    /// Skipping the rest of an oversized event.
    skipping: bool,
    /// A line has started but not ended (its bytes are in `line`, or dropped while skipping).
    partial: bool,
    max_event: usize,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_EVENT_BYTES)
    }
}

impl SseDecoder {
    /// A decoder that refuses events larger than `max_event` bytes.
    #[must_use]
    pub fn new(max_event: usize) -> Self {
        Self {
            line: Vec::new(),
            data: Vec::new(),
            has_data: false,
            event: None,
            id: None,
            skip_lf: false,
            at_start: true,
            skipping: false,
            partial: false,
            max_event,
        }
    }

    /// Decodes `chunk`, appending every item it completes to `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Result<SseItem, EventTooLarge>>) {
        if self.skip_lf && !chunk.is_empty() {
            self.skip_lf = false;
            if let [b'\n', rest @ ..] = chunk {
                chunk = rest;
            }
        }
        while !chunk.is_empty() {
            let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') else {
                self.carry(chunk, out);
                self.partial = true;
                return;
            };
            let terminator = chunk[end];
            let line_part = &chunk[..end];
            chunk = &chunk[end + 1..];
            if terminator == b'\r' {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            if !std::mem::take(&mut self.partial) {
                self.line_complete(line_part, out);
            } else {
                self.carry(line_part, out);
                if self.skipping {
                    // The end of a dropped line, not a blank line.
                    self.line.clear();
                    continue;
                }
                let line = std::mem::take(&mut self.line);
                self.line_complete(&line, out);
                self.line = line;
                self.line.clear();
            }
        }
    }

    /// Ends the stream: a line without its ending counts as complete, and an open event with
    /// data is dispatched (see the module doc).
    pub fn finish(&mut self, out: &mut Vec<Result<SseItem, EventTooLarge>>) {
        if std::mem::take(&mut self.partial) && !self.skipping {
            let line = std::mem::take(&mut self.line);
            self.line_complete(&line, out);
        }
        self.line.clear();
        if self.has_data {
            self.line_complete(b"", out);
        }
        self.reset_event();
        self.skipping = false;
    }

    /// Keeps an incomplete line for the next chunk, within the cap.
    fn carry(&mut self, bytes: &[u8], out: &mut Vec<Result<SseItem, EventTooLarge>>) {
        if self.skipping {
            return;
        }
        if self.line.len() + self.data.len() + bytes.len() > self.max_event {
            self.overflow(out);
            return;
        }
        self.line.extend_from_slice(bytes);
    }

    fn overflow(&mut self, out: &mut Vec<Result<SseItem, EventTooLarge>>) {
        out.push(Err(EventTooLarge { limit: self.max_event }));
        self.skipping = true;
        self.line = Vec::new();
        self.data = Vec::new();
        self.reset_event();
    }

    fn reset_event(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.event = None;
        self.id = None;
    }

    fn line_complete(&mut self, mut line: &[u8], out: &mut Vec<Result<SseItem, EventTooLarge>>) {
        if self.at_start {
            self.at_start = false;
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            if self.skipping {
                self.skipping = false;
                return;
            }
            self.dispatch(out);
            return;
        }
        if self.skipping {
            return;
        }
        if line[0] == b':' {
            out.push(Ok(SseItem::KeepAlive));
            return;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                if self.data.len() + value.len() + 1 > self.max_event {
                    self.overflow(out);
                    return;
                }
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"id" => self.id = Some(String::from_utf8_lossy(value).into_owned()),
            _ => {} // `retry` and unknown fields are ignored.
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Result<SseItem, EventTooLarge>>) {
        if !self.has_data {
            self.reset_event();
            return;
        }
        if self.data.iter().all(u8::is_ascii_whitespace) {
            out.push(Ok(SseItem::KeepAlive));
            self.reset_event();
            return;
        }
        let data = match String::from_utf8(std::mem::take(&mut self.data)) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        out.push(Ok(SseItem::Event { data, event: self.event.take(), id: self.id.take() }));
        self.reset_event();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_chunks(chunks: &[&[u8]]) -> Vec<Result<SseItem, EventTooLarge>> {
        let mut decoder = SseDecoder::default();
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut out);
        }
        decoder.finish(&mut out);
        out
    }

    fn ev(data: &str) -> Result<SseItem, EventTooLarge> {
        Ok(SseItem::Event { data: data.into(), event: None, id: None })
    }

    fn check(input: &str, expected: &[Result<SseItem, EventTooLarge>]) {
        assert_eq!(decode_chunks(&[input.as_bytes()]), expected, "{input:?}");
    }

    #[test]
    fn frames_lf_crlf_and_cr() {
        check("data: a\n\ndata: b\n\n", &[ev("a"), ev("b")]);
        check("data: a\r\n\r\ndata: b\r\n\r\n", &[ev("a"), ev("b")]);
        check("data: a\r\rdata: b\r\r", &[ev("a"), ev("b")]);
    }

    #[test]
    fn joins_data_lines_and_keeps_fields() {
        check("data: a\ndata:b\ndata\n\n", &[ev("a\nb\n")]);
        check(
            "event: msg\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n",
            &[Ok(SseItem::Event { data: "x".into(), event: Some("msg".into()), id: Some("7".into()) })],
        );
    }

    #[test]
    fn comments_and_empty_data_are_keep_alives() {
        check(
            ": ping\n\ndata:\n\ndata: \n\n",
            &[Ok(SseItem::KeepAlive), Ok(SseItem::KeepAlive), Ok(SseItem::KeepAlive)],
        );
        check("event: x\n\n", &[]);
    }

    #[test]
    fn skips_a_bom_even_split() {
        assert_eq!(decode_chunks(&[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]), [ev("a")]);
    }

    #[test]
    fn dispatches_an_open_event_at_the_end() {
        check("data: a\n", &[ev("a")]);
        check("data: a", &[ev("a")]);
        check(": only a comment", &[Ok(SseItem::KeepAlive)]);
    }

    #[test]
    fn caps_event_size_and_recovers() {
        let mut decoder = SseDecoder::new(8);
        let mut out = Vec::new();
        decoder.feed(b"data: 0123456789\n\ndata: ok\n\n", &mut out);
        decoder.finish(&mut out);
        assert_eq!(out, [Err(EventTooLarge { limit: 8 }), ev("ok")]);
        let mut decoder = SseDecoder::new(8);
        let mut out = Vec::new();
        for _ in 0..100 {
            decoder.feed(b"0123456789", &mut out);
        }
        assert_eq!(out, [Err(EventTooLarge { limit: 8 })]);
        assert!(decoder.line.capacity() <= 16);
    }

    /// Found by the `sse_decoder` fuzz target: the cap counts bytes received, so six bytes of
    /// invalid UTF-8 under a cap of 16 pass and decode to 18 bytes of U+FFFD.
    #[test]
    fn the_cap_counts_bytes_received_not_replacement_characters() {
        let mut decoder = SseDecoder::new(16);
        let mut out = Vec::new();
        decoder.feed(b"data:\xFF\xFF\xFF\xFF\xFF\xFF", &mut out);
        decoder.finish(&mut out);
        assert_eq!(out, [ev(&"\u{FFFD}".repeat(6))]);
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(decode_chunks(&[b"data: \xFF\n\n"]), [ev("\u{FFFD}")]);
    }

    fn stream_text() -> impl Strategy<Value = String> {
        let event = prop_oneof![
            "[a-zé€😀 {}\":,]{0,12}".prop_map(|d| format!("data: {d}")),
            "[a-z€]{0,6}".prop_map(|d| format!("data:{d}\ndata: {d}")),
            Just(": keep-alive".to_owned()),
            Just("event: message\nid: 1".to_owned()),
        ];
        (proptest::collection::vec(event, 0..8), prop_oneof![Just("\n"), Just("\r\n"), Just("\r")])
            .prop_map(|(events, eol)| events.iter().map(|e| format!("{}{eol}{eol}", e.replace('\n', eol))).collect())
    }

    proptest! {
        #[test]
        fn chunking_never_changes_the_events(text in stream_text(), cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
            let bytes = text.as_bytes();
            let whole = decode_chunks(&[bytes]);
            let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            points.sort_unstable();
            let mut chunks = Vec::new();
            let mut start = 0;
            for p in points {
                chunks.push(&bytes[start..p]);
                start = p;
            }
            chunks.push(&bytes[start..]);
            prop_assert_eq!(&decode_chunks(&chunks), &whole);
            let singles: Vec<&[u8]> = bytes.chunks(1).collect();
            prop_assert_eq!(&decode_chunks(&singles), &whole);
        }

        #[test]
        fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)) {
            let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            let _ = decode_chunks(&refs);
        }
    }
}

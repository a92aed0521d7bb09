//! The SSE decoder over agent-framework events with partial text deltas: throughput (decoder
//! alone, and with the payload mapper) fed in 16 KiB chunks, and the latency of one event
//! after much of a stream has already passed — which must not grow with the stream's length.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nemo_http::events::map_event;
use nemo_http::sse::{SseDecoder, SseItem};

/// One agent-framework text delta, framed.
fn event(i: usize) -> String {
    format!(
        "data: {{\"content\":{{\"role\":\"model\",\"parts\":[{{\"text\":\"delta {i}: trimming the pauses, adding a title caf\u{e9} \"}}]}},\"partial\":true,\"author\":\"nemo_agent\",\"invocationId\":\"e-1\",\"id\":\"ev-{i}\",\"timestamp\":1795355066.57}}\n\n"
    )
}

/// Events up to `bytes` long.
fn stream(bytes: usize) -> Vec<u8> {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&event(i));
        i += 1;
    }
    out.into_bytes()
}

/// Feeds `bytes` in 16 KiB chunks, handing every decoded item to `on_item`.
fn decode(bytes: &[u8], mut on_item: impl FnMut(SseItem)) {
    let mut decoder = SseDecoder::default();
    let mut out = Vec::new();
    for chunk in bytes.chunks(16 * 1024) {
        decoder.feed(black_box(chunk), &mut out);
        out.drain(..).flatten().for_each(&mut on_item);
    }
    decoder.finish(&mut out);
    out.drain(..).flatten().for_each(on_item);
}

fn throughput(c: &mut Criterion) {
    let bytes = stream(4 * 1024 * 1024);
    let mut group = c.benchmark_group("sse");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode_16k_chunks", |b| {
        b.iter(|| {
            let mut events = 0usize;
            decode(&bytes, |_| events += 1);
            events
        });
    });
    group.bench_function("decode_and_map_16k_chunks", |b| {
        b.iter(|| {
            let mut events = 0usize;
            decode(&bytes, |item| {
                if let SseItem::Event { data, .. } = item {
                    events += map_event(&data).len();
                }
            });
            events
        });
    });
    group.finish();
}

fn latency(c: &mut Criterion) {
    let one = event(0).into_bytes();
    let mut group = c.benchmark_group("sse_latency");
    for mib in [0usize, 64] {
        let mut decoder = SseDecoder::default();
        let mut out = Vec::new();
        for chunk in stream(mib * 1024 * 1024).chunks(16 * 1024) {
            decoder.feed(chunk, &mut out);
            out.clear();
        }
        group.bench_function(BenchmarkId::new("one_event_after_mib", mib), |b| {
            b.iter(|| {
                decoder.feed(black_box(&one), &mut out);
                let got = out.len();
                out.clear();
                got
            });
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, latency);
criterion_main!(benches);

//! Throughput of the SSE decoder (and of decoder + payload mapper) over a few MB of
//! agent-framework events with partial text deltas, fed in 16 KiB chunks.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nemo_http::events::map_event;
use nemo_http::sse::{SseDecoder, SseItem};
use std::hint::black_box;

fn stream() -> Vec<u8> {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < 4 * 1024 * 1024 {
        out.push_str(&format!(
            "data: {{\"content\":{{\"role\":\"model\",\"parts\":[{{\"text\":\"delta {i}: trimming the pauses, adding a title caf\u{e9} \"}}]}},\"partial\":true,\"author\":\"nemo_agent\",\"invocationId\":\"e-1\",\"id\":\"ev-{i}\",\"timestamp\":1795355066.57}}\n\n"
        ));
        i += 1;
    }
    out.into_bytes()
}

fn bench(c: &mut Criterion) {
    let bytes = stream();
    let mut group = c.benchmark_group("sse");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode_16k_chunks", |b| {
        b.iter(|| {
            let mut decoder = SseDecoder::default();
            let mut out = Vec::new();
            let mut events = 0usize;
            for chunk in bytes.chunks(16 * 1024) {
                decoder.feed(black_box(chunk), &mut out);
                events += out.len();
                out.clear();
            }
            decoder.finish(&mut out);
            events + out.len()
        });
    });
    group.bench_function("decode_and_map_16k_chunks", |b| {
        b.iter(|| {
            let mut decoder = SseDecoder::default();
            let mut out = Vec::new();
            let mut events = 0usize;
            for chunk in bytes.chunks(16 * 1024) {
                decoder.feed(black_box(chunk), &mut out);
                for item in out.drain(..) {
                    if let Ok(SseItem::Event { data, .. }) = item {
                        events += map_event(&data).len();
                    }
                }
            }
            events
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! A whisper.cpp model made by the test: the real ggml file format (header, mel filters,
//! vocabulary, every tensor whisper.cpp asks for, by name and shape) with tiny dimensions and
//! pseudo-random weights, so that loading, recognising and reading segments run for real
//! without a model from the internet. What it "hears" is noise; only the plumbing is checked.

use std::path::Path;

/// Width of every layer, heads, layers, mel bands, audio and text positions, vocabulary.
const STATE: i32 = 8;
const HEADS: i32 = 2;
const LAYERS: i32 = 4;
const MELS: i32 = 80;
const AUDIO_CTX: i32 = 1500;
const TEXT_CTX: i32 = 448;
const VOCAB: i32 = 51_864;

/// Writes the model to `path`.
pub fn write(path: &Path) {
    let mut out = 0x6767_6d6cu32.to_le_bytes().to_vec();
    // ftype 1: matrices and convolutions in f16, as in whisper.cpp's own models.
    let dims = [VOCAB, AUDIO_CTX, STATE, HEADS, LAYERS, TEXT_CTX, STATE, HEADS, LAYERS, MELS, 1];
    dims.iter().for_each(|v| out.extend(v.to_le_bytes()));
    // Mel filters: 80 bands over 201 FFT bins, each a narrow triangle.
    out.extend(MELS.to_le_bytes());
    out.extend(201i32.to_le_bytes());
    for band in 0..MELS {
        for bin in 0..201 {
            let distance = (bin as f32 - band as f32 * 2.5).abs();
            out.extend((1.0 - distance / 2.0).max(0.0).to_le_bytes());
        }
    }
    // The vocabulary: the 256 one-byte tokens (whisper.cpp names the rest itself).
    out.extend(256i32.to_le_bytes());
    for byte in 0..=255u8 {
        out.extend(1u32.to_le_bytes());
        out.push(byte);
    }
    let mut random = Random(0x2545_f491);
    for (name, shape) in tensors() {
        // whisper.cpp's rule: weights of two dimensions or more are f16, the rest f32.
        let half = name.ends_with(".weight") && shape.len() >= 2;
        out.extend(i32::try_from(shape.len()).unwrap_or(0).to_le_bytes());
        out.extend(i32::try_from(name.len()).unwrap_or(0).to_le_bytes());
        out.extend(i32::from(half).to_le_bytes());
        shape.iter().for_each(|n| out.extend(n.to_le_bytes()));
        out.extend(name.as_bytes());
        let norm = name.ends_with("ln.weight") || name.ends_with("ln_post.weight");
        for _ in 0..shape.iter().product::<i32>() {
            let value = if norm { 1.0 } else { random.next() };
            if half {
                out.extend(f16_bits(value).to_le_bytes());
            } else {
                out.extend(value.to_le_bytes());
            }
        }
    }
    std::fs::write(path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Every tensor's name and shape (ggml's order: the fastest dimension first).
fn tensors() -> Vec<(String, Vec<i32>)> {
    let s = STATE;
    let mut all = vec![
        ("encoder.positional_embedding".to_owned(), vec![s, AUDIO_CTX]),
        ("encoder.conv1.weight".to_owned(), vec![3, MELS, s]),
        ("encoder.conv1.bias".to_owned(), vec![1, s]),
        ("encoder.conv2.weight".to_owned(), vec![3, s, s]),
        ("encoder.conv2.bias".to_owned(), vec![1, s]),
        ("encoder.ln_post.weight".to_owned(), vec![s]),
        ("encoder.ln_post.bias".to_owned(), vec![s]),
        ("decoder.positional_embedding".to_owned(), vec![s, TEXT_CTX]),
        ("decoder.token_embedding.weight".to_owned(), vec![s, VOCAB]),
        ("decoder.ln.weight".to_owned(), vec![s]),
        ("decoder.ln.bias".to_owned(), vec![s]),
    ];
    let block = |prefix: &str| {
        [
            ("mlp_ln.weight", vec![s]),
            ("mlp_ln.bias", vec![s]),
            ("mlp.0.weight", vec![s, 4 * s]),
            ("mlp.0.bias", vec![4 * s]),
            ("mlp.2.weight", vec![4 * s, s]),
            ("mlp.2.bias", vec![s]),
        ]
        .into_iter()
        .map(|(name, shape)| (name.to_owned(), shape))
        .chain(attention("attn"))
        .map(|(name, shape)| (format!("{prefix}.{name}"), shape))
        .collect::<Vec<_>>()
    };
    for layer in 0..LAYERS {
        all.extend(block(&format!("encoder.blocks.{layer}")));
        all.extend(block(&format!("decoder.blocks.{layer}")));
        let cross = attention("cross_attn").map(|(name, shape)| (format!("decoder.blocks.{layer}.{name}"), shape));
        all.extend(cross);
    }
    all
}

/// An attention's nine tensors (its layer norm, query, key without a bias, value, output).
fn attention(name: &str) -> impl Iterator<Item = (String, Vec<i32>)> + '_ {
    let s = STATE;
    [
        ("_ln.weight", vec![s]),
        ("_ln.bias", vec![s]),
        (".query.weight", vec![s, s]),
        (".query.bias", vec![s]),
        (".key.weight", vec![s, s]),
        (".value.weight", vec![s, s]),
        (".value.bias", vec![s]),
        (".out.weight", vec![s, s]),
        (".out.bias", vec![s]),
    ]
    .into_iter()
    .map(move |(part, shape)| (format!("{name}{part}"), shape))
}

/// `value` as IEEE half-precision bits (normal numbers; anything smaller than 2⁻¹⁴ is 0).
fn f16_bits(value: f32) -> u16 {
    let bits = value.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32 - 127 + 15;
    if exponent <= 0 {
        return sign;
    }
    sign | ((exponent as u16) << 10) | ((bits >> 13) & 0x3ff) as u16
}

/// xorshift32: weights in [-0.5, 0.5), the same every run.
struct Random(u32);

impl Random {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    }
}

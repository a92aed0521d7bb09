//! A speech model file checked before whisper.cpp is handed it: whisper.cpp trusts the sizes
//! in a file (a wrong one can abort the process or overrun its buffers), so the file is walked
//! here first — the ggml magic, the dimensions, the mel filters, the vocabulary, then every
//! tensor's header (its data skipped, not read) — and anything implausible is refused with the
//! reason.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Elements per block and bytes per block of each ggml tensor type whisper models use: f32,
/// f16, the 32-element quantizations, the 256-element k-quants, bf16.
const TENSOR_TYPES: [(i32, u64, u64); 13] = [
    (0, 1, 4),
    (1, 1, 2),
    (2, 32, 18),
    (3, 32, 20),
    (6, 32, 22),
    (7, 32, 24),
    (8, 32, 34),
    (10, 256, 84),
    (11, 256, 110),
    (12, 256, 144),
    (13, 256, 176),
    (14, 256, 210),
    (30, 1, 2),
];

/// `ggml` as whisper.cpp's loader reads it (a little-endian u32).
const MAGIC: u32 = 0x6767_6d6c;

/// The smallest vocabulary of a whisper model (English-only ones: 51 864 tokens).
const MIN_VOCAB: i32 = 51_864;

/// Why a file is not a model this engine hands to whisper.cpp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadModel {
    /// It cannot be opened or read.
    #[error("cannot be read ({0})")]
    Unreadable(String),
    /// It does not start with ggml's magic.
    #[error("is not a whisper.cpp ggml model (it does not start with ggml's header)")]
    NotGgml,
    /// It ends before its last tensor does.
    #[error("is cut short (the file ends too early)")]
    Truncated,
    /// Its weights are 32-bit floats, which whisper.cpp's convolution cannot run (it aborts).
    #[error("stores its weights as 32-bit floats, which whisper.cpp cannot run (use an f16 or quantized model)")]
    F32,
    /// A size in its header is out of range.
    #[error("has an implausible {0} in its header")]
    Implausible(&'static str),
}

/// Reads the header of the model at `path`.
///
/// # Errors
/// [`BadModel`] saying what is wrong.
pub fn check(path: &Path) -> Result<(), BadModel> {
    let file = File::open(path).map_err(|e| BadModel::Unreadable(e.to_string()))?;
    let left = file.metadata().map_err(|e| BadModel::Unreadable(e.to_string()))?.len();
    let mut header = Header { reader: BufReader::new(file), left };
    if header.u32()? != MAGIC {
        return Err(BadModel::NotGgml);
    }
    let [
        vocab,
        audio_ctx,
        audio_state,
        audio_head,
        audio_layer,
        text_ctx,
        text_state,
        text_head,
        text_layer,
        mels,
        ftype,
    ] = [(); 11].map(|()| header.i32());
    let (vocab, mels, ftype) = (vocab?, mels?, ftype?);
    let (audio_state, text_state) = (audio_state?, text_state?);
    let in_range = |value: i32, low: i32, high: i32| (low..=high).contains(&value);
    let checks = [
        (in_range(vocab, MIN_VOCAB, 60_000), "vocabulary size"),
        (in_range(audio_ctx?, 1, 1 << 16) && in_range(text_ctx?, 1, 1 << 16), "context length"),
        (in_range(audio_state, 1, 1 << 14) && audio_state == text_state, "width"),
        (divides(audio_head?, audio_state) && divides(text_head?, text_state), "head count"),
        (in_range(audio_layer?, 1, 256) && in_range(text_layer?, 1, 256), "layer count"),
        (in_range(mels, 1, 512), "mel band count"),
        (in_range(ftype, 0, 1 << 16), "weight type"),
    ];
    if let Some((_, what)) = checks.iter().find(|(ok, _)| !ok) {
        return Err(BadModel::Implausible(what));
    }
    if ftype == 0 {
        return Err(BadModel::F32);
    }
    let (filter_mels, filter_fft) = (header.i32()?, header.i32()?);
    if !in_range(filter_mels, 1, 512) || !in_range(filter_fft, 1, 4096) {
        return Err(BadModel::Implausible("mel filter size"));
    }
    header.skip(4 * u64::from(filter_mels.unsigned_abs()) * u64::from(filter_fft.unsigned_abs()))?;
    let tokens = header.i32()?;
    if !in_range(tokens, 0, vocab) {
        return Err(BadModel::Implausible("vocabulary size"));
    }
    for _ in 0..tokens {
        let len = header.u32()?;
        if len > 1024 {
            return Err(BadModel::Implausible("token length"));
        }
        header.skip(u64::from(len))?;
    }
    while header.left > 0 {
        tensor(&mut header)?;
    }
    Ok(())
}

/// One tensor's header, its name and data skipped.
fn tensor(header: &mut Header) -> Result<(), BadModel> {
    let (dims, name, kind) = (header.i32()?, header.i32()?, header.i32()?);
    if !(1..=4).contains(&dims) || !(1..=256).contains(&name) {
        return Err(BadModel::Implausible("tensor header"));
    }
    let mut elements = 1u64;
    for _ in 0..dims {
        let n = header.i32()?;
        if !(1..=1 << 24).contains(&n) {
            return Err(BadModel::Implausible("tensor size"));
        }
        elements = elements.saturating_mul(u64::from(n.unsigned_abs()));
    }
    let (_, block, bytes) =
        TENSOR_TYPES.iter().find(|(id, _, _)| *id == kind).ok_or(BadModel::Implausible("tensor type"))?;
    if !elements.is_multiple_of(*block) {
        return Err(BadModel::Implausible("tensor size"));
    }
    header.skip(u64::from(name.unsigned_abs()))?;
    header.skip(elements / block * bytes)
}

/// Whether `heads` splits `width` into whole heads.
fn divides(heads: i32, width: i32) -> bool {
    heads > 0 && width % heads == 0
}

/// The file, read in order, with how many of its bytes are left.
struct Header {
    reader: BufReader<File>,
    left: u64,
}

impl Header {
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], BadModel> {
        let mut bytes = [0; N];
        self.reader.read_exact(&mut bytes).map_err(|_| BadModel::Truncated)?;
        self.left = self.left.saturating_sub(N as u64);
        Ok(bytes)
    }

    fn u32(&mut self) -> Result<u32, BadModel> {
        self.bytes().map(u32::from_le_bytes)
    }

    fn i32(&mut self) -> Result<i32, BadModel> {
        self.bytes().map(i32::from_le_bytes)
    }

    fn skip(&mut self, n: u64) -> Result<(), BadModel> {
        if n > self.left {
            return Err(BadModel::Truncated);
        }
        let by = i64::try_from(n).map_err(|_| BadModel::Truncated)?;
        self.reader.seek_relative(by).map_err(|e| BadModel::Unreadable(e.to_string()))?;
        self.left -= n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with these eleven dimensions, 80×201 filters and `tokens` one-byte tokens.
    fn header(dims: [i32; 11], tokens: i32) -> Vec<u8> {
        let mut bytes = MAGIC.to_le_bytes().to_vec();
        dims.iter().chain(&[80, 201]).for_each(|v| bytes.extend(v.to_le_bytes()));
        bytes.extend(std::iter::repeat_n(0u8, 4 * 80 * 201));
        bytes.extend(tokens.to_le_bytes());
        (0..tokens).for_each(|_| bytes.extend([1, 0, 0, 0, b'a']));
        bytes
    }

    fn check_bytes(bytes: &[u8]) -> Result<(), BadModel> {
        let dir = tempfile::tempdir().map_err(|e| BadModel::Unreadable(e.to_string()))?;
        let path = dir.path().join("model.bin");
        std::fs::write(&path, bytes).map_err(|e| BadModel::Unreadable(e.to_string()))?;
        check(&path)
    }

    const TINY: [i32; 11] = [51_864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1];

    #[test]
    fn a_plausible_header_passes_and_each_fault_is_named() {
        assert_eq!(check_bytes(&header(TINY, 3)), Ok(()));
        assert_eq!(check_bytes(b"GGUF and then anything"), Err(BadModel::NotGgml));
        let whole = header(TINY, 3);
        assert_eq!(check_bytes(&whole[..whole.len() - 1]), Err(BadModel::Truncated));
        assert_eq!(check_bytes(&whole[..10]), Err(BadModel::Truncated));
        let mut wide = TINY;
        wide[6] = 512;
        assert_eq!(check_bytes(&header(wide, 3)), Err(BadModel::Implausible("width")));
        let mut heads = TINY;
        heads[3] = 5;
        assert_eq!(check_bytes(&header(heads, 3)), Err(BadModel::Implausible("head count")));
        assert_eq!(check_bytes(&header(TINY, 60_000)), Err(BadModel::Implausible("vocabulary size")));
        let mut f32 = TINY;
        f32[10] = 0;
        assert_eq!(check_bytes(&header(f32, 3)), Err(BadModel::F32));
        let mut tensor = header(TINY, 3);
        tensor.extend([2i32, 4, 1, 3, 2].iter().flat_map(|v| v.to_le_bytes()));
        tensor.extend(b"name");
        tensor.extend([0u8; 12]);
        assert_eq!(check_bytes(&tensor), Ok(()), "a 3×2 f16 tensor");
        assert_eq!(check_bytes(&tensor[..tensor.len() - 1]), Err(BadModel::Truncated));
        // The record: dimensions, name length, type, two sizes, the name, 12 bytes of data.
        let record = tensor.len() - 36;
        let mut dims = tensor.clone();
        dims[record..record + 4].copy_from_slice(&9i32.to_le_bytes());
        assert_eq!(check_bytes(&dims), Err(BadModel::Implausible("tensor header")), "nine dimensions");
        let mut kind = tensor.clone();
        kind[record + 8..record + 12].copy_from_slice(&99i32.to_le_bytes());
        assert_eq!(check_bytes(&kind), Err(BadModel::Implausible("tensor type")));
        let missing = check(Path::new("/no/such/model.bin"));
        assert!(matches!(missing, Err(BadModel::Unreadable(_))), "{missing:?}");
    }
}

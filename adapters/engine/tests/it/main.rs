//! Integration tests of the ffmpeg engine on real media: `samples/clip.mp4` and small clips
//! made with ffmpeg's test sources. Every result is checked with ffprobe (or the pixels), not
//! by reading the draft. They need ffmpeg: without it they fail saying how to install it.

mod engine;
mod in_process;
mod layouts;
mod mix;
mod smart;
mod speech;
mod support;
mod whisper_model;

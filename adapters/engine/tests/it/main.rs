//! Integration tests of the ffmpeg engine (written next).

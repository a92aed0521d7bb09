//! Uploads of files and URLs: assets, the video track, progress.

use futures::executor::block_on;
use nemo_core::media::{LocalMedia, MediaKind, MediaUrl};
use nemo_core::model::Asset;
use nemo_core::ports::{Backend, ProgressEvent};
use serde_json::json;

use super::Harness;
use crate::RecordingProgress;

#[test]
fn a_video_becomes_an_asset_and_a_segment_at_the_end_of_the_video_track() {
    let h = Harness::new();
    let p = h.project(1);
    let progress = RecordingProgress::new();
    let file = LocalMedia::check("clips/city timelapse.mp4", 1234).unwrap();
    let result = block_on(h.fake.upload_file(&p.token, &p.session, &file, &progress)).unwrap();
    assert!(result.session_state_applied);
    let [asset] = result.files.as_slice() else { panic!("one asset: {result:?}") };
    let hash = asset.hash.clone().unwrap();
    assert_eq!(hash.len(), 16);
    assert_eq!(
        *asset,
        Asset {
            filename: "city timelapse.mp4".into(),
            kind: Some(MediaKind::Video),
            cdn_url: Some(format!("https://cdn.fake.nemovideo.invalid/assets/{hash}/city timelapse.mp4")),
            duration_s: Some(10.0),
            width: Some(1920),
            height: Some(1080),
            fps: Some(30.0),
            hash: Some(hash.clone()),
        }
    );
    let upload = |sent| ProgressEvent::Upload { name: "city timelapse.mp4".into(), sent, total: 1234 };
    assert_eq!(progress.events(), [upload(0), upload(1234)]);

    h.upload(&p, "beach.mov");
    assert_eq!(
        h.draft(&p),
        json!({"t": [{"tt": 0, "m": {}, "sg": [
            {"src": "city timelapse.mp4", "nm": "city timelapse", "st": 0, "d": 10_000, "in": 0},
            {"src": "beach.mov", "nm": "beach", "st": 10_000, "d": 10_000, "in": 0},
        ]}], "d": 20_000})
    );
    let state = block_on(h.fake.state(&p.token, &p.session)).unwrap();
    let names: Vec<&str> = state.video_infos.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(names, ["city timelapse.mp4", "beach.mov"]);
}

#[test]
fn images_and_audio_are_assets_without_segments() {
    let h = Harness::new();
    let p = h.project(1);
    h.upload(&p, "cover.png");
    h.upload(&p, "voice.mp3");
    let state = block_on(h.fake.state(&p.token, &p.session)).unwrap();
    let shapes: Vec<_> = state.video_infos.iter().map(|a| (a.kind, a.duration_s, a.width, a.fps)).collect();
    assert_eq!(
        shapes,
        [(Some(MediaKind::Image), None, Some(1920), None), (Some(MediaKind::Audio), Some(10.0), None, None)]
    );
    assert_eq!(h.draft(&p), json!({"t": []}));
}

#[test]
fn urls_are_uploaded_like_files() {
    let h = Harness::new();
    let p = h.project(1);
    let urls = [
        MediaUrl::check("https://example.com/v/beach.mov?sig=1").unwrap(),
        MediaUrl::check("https://example.com/i/logo.webp").unwrap(),
    ];
    let result = block_on(h.fake.upload_urls(&p.token, &p.session, &urls)).unwrap();
    let files: Vec<_> = result.files.iter().map(|a| (a.filename.as_str(), a.kind)).collect();
    assert_eq!(files, [("beach.mov", Some(MediaKind::Video)), ("logo.webp", Some(MediaKind::Image))]);
    assert!(result.session_state_applied);
    assert_eq!(h.draft(&p).pointer("/t/0/sg/0/nm"), Some(&json!("beach")));
    assert_ne!(result.files[0].hash, result.files[1].hash);
}

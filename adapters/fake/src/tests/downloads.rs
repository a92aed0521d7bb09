//! Downloads of rendered videos: from the CDN without a token, or from the API with one;
//! always through `dest.part`.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use futures::executor::block_on;
use nemo_core::error::ApiError;
use nemo_core::ids::RenderId;
use nemo_core::ports::{Backend, NoProgress, Progress, ProgressEvent};

use super::{Harness, Project, TempDir, assert_code, assert_status, client};
use crate::idgen::content_hash;
use crate::lock;

/// On every download event: the bytes so far, whether `dest.part` and `dest` exist.
struct PartWatcher {
    dest: String,
    seen: Mutex<Vec<(u64, bool, bool)>>,
}

impl Progress for PartWatcher {
    fn report(&self, event: ProgressEvent) {
        if let ProgressEvent::Download { received, total } = event {
            assert_eq!(total, Some(4096));
            let exists = |path: &str| Path::new(path).exists();
            lock(&self.seen).push((received, exists(&format!("{}.part", self.dest)), exists(&self.dest)));
        }
    }
}

/// A user whose render `render_1` of one video has completed.
fn rendered(h: &Harness) -> Project {
    let p = h.project_with_video(1);
    h.submit(&p, 1).unwrap();
    h.advance(Duration::from_secs(6));
    p
}

const URL: &str = "https://cdn.fake.nemovideo.invalid/renders/render_1.mp4";

#[test]
fn a_render_is_written_to_a_part_file_then_renamed() {
    let h = Harness::new();
    let p = rendered(&h);
    let dir = TempDir::new();
    let dest = dir.file("out.mp4");
    let watcher = PartWatcher { dest: dest.clone(), seen: Mutex::new(Vec::new()) };
    assert_eq!(block_on(h.fake.download_url(URL, &dest, &watcher)), Ok(4096));
    let seen = lock(&watcher.seen).clone();
    assert_eq!(
        seen,
        [(0, true, false), (1024, true, false), (2048, true, false), (3072, true, false), (4096, true, false)]
    );
    let bytes = std::fs::read(&dest).unwrap();
    let draft_hash = content_hash(h.fake.draft(&p.session).unwrap().as_json());
    assert!(bytes.starts_with(format!("NEMOFAKE RENDER render_1 DRAFT {draft_hash}\n").as_bytes()));
    assert!(!Path::new(&format!("{dest}.part")).exists());

    let fallback = dir.file("fallback.mp4");
    assert_eq!(
        block_on(h.fake.download_render(&p.token, &RenderId::from_unix_ms(1), &fallback, &NoProgress)),
        Ok(4096)
    );
    assert_eq!(std::fs::read(&fallback).unwrap(), bytes);
}

#[test]
fn only_completed_renders_are_on_the_cdn() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let dir = TempDir::new();
    let dest = dir.file("out.mp4");
    h.submit(&p, 1).unwrap();
    assert_status(block_on(h.fake.download_url(URL, &dest, &NoProgress)), 404);
    assert_status(block_on(h.fake.download_render(&p.token, &RenderId::from_unix_ms(1), &dest, &NoProgress)), 404);
    h.advance(Duration::from_secs(6));
    for unknown in ["https://cdn.fake.nemovideo.invalid/renders/render_2.mp4", "https://example.com/x.mp4"] {
        assert_status(block_on(h.fake.download_url(unknown, &dest, &NoProgress)), 404);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing was written");
}

#[test]
fn the_fallback_needs_the_owners_token() {
    let h = Harness::new();
    let p = rendered(&h);
    let other = h.project(2);
    let dir = TempDir::new();
    let dest = dir.file("out.mp4");
    let id = RenderId::from_unix_ms(1);
    assert_status(block_on(h.fake.download_render(&other.token, &id, &dest, &NoProgress)), 404);
    block_on(h.fake.anonymous_token(&client(1))).unwrap();
    assert_code(block_on(h.fake.download_render(&p.token, &id, &dest, &NoProgress)), 1001);
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let h = Harness::new();
    rendered(&h);
    let dir = TempDir::new();
    let dest = dir.file("missing/out.mp4");
    let result = block_on(h.fake.download_url(URL, &dest, &NoProgress));
    assert!(matches!(result, Err(ApiError::Local(_))), "{result:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

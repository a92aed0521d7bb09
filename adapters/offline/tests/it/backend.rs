//! The offline backend with the engine, through the `Backend` port as the core uses it:
//! upload → message → state → render → download, the result checked with ffprobe; and what
//! lasts between processes (a second backend on the same state directory stands for the next
//! command, or a restarted nemod).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::executor::block_on;
use nemo_core::chat::event::ChatEvent;
use nemo_core::error::ApiError;
use nemo_core::ids::{ClientId, RenderId, SessionId, Token};
use nemo_core::media::{LocalMedia, MediaKind};
use nemo_core::model::{RenderPhase, RenderRequest, RenderStatus};
use nemo_core::ports::{Backend, NoProgress};
use nemo_offline::OfflineBackend;
use serde_json::Value;

use super::support::*;

/// An offline backend on its own state directory, with one project.
pub struct World {
    state: tempfile::TempDir,
    fake: OfflineBackend,
    token: Token,
    session: SessionId,
}

impl World {
    pub fn new() -> Self {
        Self::with_speech_model(None)
    }

    /// A world whose engine recognises speech with the whisper.cpp model `model`.
    pub fn with_speech_model(model: Option<PathBuf>) -> Self {
        let state = temp();
        let fake = OfflineBackend::new(state.path(), Arc::new(engine().with_speech_model(model)));
        let client = ClientId::parse("00000000-0000-4000-8000-000000000001").unwrap_or_else(|e| panic!("{e:?}"));
        let grant = block_on(fake.anonymous_token(&client)).unwrap_or_else(|e| panic!("{e}"));
        let session =
            block_on(fake.create_session(&grant.token, "engine", Some("en"))).unwrap_or_else(|e| panic!("{e}"));
        Self { state, fake, token: grant.token, session: session.session_id }
    }

    /// The same state in a new backend: the next command, or nemod after a restart.
    fn reopen(self) -> Self {
        let fake = OfflineBackend::new(self.state.path(), Arc::new(engine()));
        Self { fake, ..self }
    }

    pub fn upload(&self, path: &str) -> Result<(), ApiError> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let file = LocalMedia::check(path, size).unwrap_or_else(|e| panic!("{e:?}"));
        block_on(self.fake.upload_file(&self.token, &self.session, &file, &NoProgress)).map(drop)
    }

    /// The final text of the turn answering `message`.
    pub fn say(&self, message: &str) -> String {
        self.try_say(message).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_say(&self, message: &str) -> Result<String, ApiError> {
        let stream = block_on(self.fake.send_message(&self.token, &self.session, message))?;
        let events: Vec<_> = block_on(stream.collect());
        Ok(events
            .into_iter()
            .filter_map(|event| match event {
                Ok(ChatEvent::Text { text, partial: false }) => Some(text),
                _ => None,
            })
            .collect())
    }

    pub fn draft(&self) -> Value {
        let state = block_on(self.fake.state(&self.token, &self.session)).unwrap_or_else(|e| panic!("{e}"));
        state.draft.map(|draft| draft.to_value()).unwrap_or_default()
    }

    /// Submits the state's draft under `id`.
    fn submit(&self, id: &RenderId) -> Result<(), ApiError> {
        let state = block_on(self.fake.state(&self.token, &self.session)).unwrap_or_else(|e| panic!("{e}"));
        let draft = state.draft.unwrap_or_else(|| panic!("no draft"));
        let request = RenderRequest { id: id.clone(), session_id: self.session.clone(), draft };
        block_on(self.fake.submit_render(&self.token, &request)).map(drop)
    }

    /// Renders the state's draft and downloads it into `dir`.
    pub fn export(&self, dir: &Path) -> std::path::PathBuf {
        let id = RenderId::from_unix_ms(1);
        self.submit(&id).unwrap_or_else(|e| panic!("{e}"));
        self.download(&id, dir)
    }

    /// Waits for render `id` and downloads it into `dir`.
    fn download(&self, id: &RenderId, dir: &Path) -> std::path::PathBuf {
        let status = self.wait(id);
        assert_eq!(status.phase, RenderPhase::Completed, "{status:?}");
        let url = status.output_url.unwrap_or_else(|| panic!("no url"));
        let dest = dir.join("out.mp4");
        let bytes = block_on(self.fake.download_url(&url, &dest.to_string_lossy(), &NoProgress))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::metadata(&dest).map(|m| m.len()).ok(), Some(bytes));
        assert!(!dir.join("out.mp4.part").exists());
        dest
    }

    fn wait(&self, id: &RenderId) -> RenderStatus {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let status = block_on(self.fake.render_status(&self.token, id)).unwrap_or_else(|e| panic!("{e}"));
            if !matches!(status.phase, RenderPhase::Pending | RenderPhase::Processing) || Instant::now() > deadline {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The refusal's message of a 4001, else a failure.
fn refused(result: Result<impl std::fmt::Debug, ApiError>) -> String {
    match result {
        Err(ApiError::Refused(refusal)) if refusal.code == Some(4001) => refusal.message,
        other => panic!("expected 4001, got {other:?}"),
    }
}

#[test]
fn an_upload_is_probed_and_its_segment_points_at_the_real_file() {
    let world = World::new();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let state = block_on(world.fake.state(&world.token, &world.session)).unwrap_or_else(|e| panic!("{e}"));
    let asset = &state.video_infos[0];
    assert_eq!((asset.duration_s, asset.width, asset.height, asset.fps), (Some(6.0), Some(320), Some(180), Some(15.0)));
    assert_eq!(world.draft().pointer("/t/0/sg/0/src").and_then(Value::as_str), Some(sample().as_str()));
    assert_eq!(world.draft()["d"], 6000);
}

#[test]
fn a_corrupt_upload_is_refused_with_4001() {
    let world = World::new();
    let dir = temp();
    let corrupt = dir.path().join("broken.mp4");
    std::fs::write(&corrupt, [1u8; 2048]).unwrap_or_else(|e| panic!("{e}"));
    let message = refused(world.upload(&corrupt.to_string_lossy()));
    assert!(message.contains("broken.mp4") && message.contains("not a readable"), "{message}");
}

#[test]
fn an_uploaded_subtitle_file_is_what_add_captions_uses_in_the_next_command_too() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let vtt = dir.path().join("talk.vtt");
    std::fs::write(&vtt, "WEBVTT\n\n00:00.500 --> 00:01.200\nHi\n").unwrap_or_else(|e| panic!("{e}"));
    let file =
        LocalMedia::check_among(vtt.to_string_lossy(), 40, &nemo_offline::ACCEPTS).unwrap_or_else(|e| panic!("{e}"));
    let uploaded = block_on(world.fake.upload_file(&world.token, &world.session, &file, &NoProgress));
    assert_eq!(uploaded.map(|u| u.files[0].kind), Ok(Some(MediaKind::Subtitles)));
    let world = world.reopen();
    assert_eq!(world.say("add captions"), "Added 1 caption from talk.vtt.");
}

#[test]
fn several_instructions_in_one_message_all_apply_to_the_rendered_file() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("remove the pauses, add a title 'Hello' and make it vertical");
    assert!(answer.starts_with("Removed 2 pauses (1.8 s); the video is now 4.2 seconds long."), "{answer}");
    assert!(answer.contains("Added the title \"Hello\"") && answer.contains("vertical (9:16, 1080×1920)"), "{answer}");
    let out = world.export(dir.path());
    // 6 s less the two 1 s pauses, 50 ms of each kept on both sides: 4.2 s.
    let probe = check_mp4(&out, 4.2, 0.1, true);
    assert_eq!(size(&probe), (1080, 1920));
}

#[test]
fn trim_mute_and_speed_in_chinese_and_english() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("剪到4秒，静音，然后 speed ×2");
    assert!(answer.contains("4 seconds long") && answer.contains("muted") && answer.contains("2×"), "{answer}");
    check_mp4(&world.export(dir.path()), 2.0, FRAME_S, false);
}

#[test]
fn an_unknown_instruction_is_answered_with_what_the_agent_can_do() {
    let world = World::new();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    let before = world.draft();
    let answer = world.say("make it pop with lasers");
    assert!(answer.starts_with("I can ") && answer.contains("add a title"), "{answer}");
    assert!(answer.contains("remove the pauses") && answer.contains("vertical 9:16"), "{answer}");
    assert_eq!(world.draft(), before);
}

#[test]
fn a_clip_without_sound_keeps_its_pauses_with_a_message() {
    let world = World::new();
    let dir = temp();
    world.upload(&make_clip(dir.path(), "quiet.mp4", 2, false)).unwrap_or_else(|e| panic!("{e}"));
    let answer = world.say("remove the pauses");
    assert_eq!(answer, "The video has no sound, so there are no pauses to find; I left it as it is.");
    assert_eq!(world.draft()["d"], 2000);
}

#[test]
fn music_from_a_file_at_a_volume_is_mixed_in() {
    let world = World::new();
    let dir = temp();
    world.upload(&make_clip(dir.path(), "quiet.mp4", 2, false)).unwrap_or_else(|e| panic!("{e}"));
    let song = make_music(dir.path(), 1);
    let answer = world.say(&format!("add background music {song} at 30%"));
    assert_eq!(answer, "Added background music (song, 30%).");
    check_mp4(&world.export(dir.path()), 2.0, FRAME_S, true);
}

#[test]
fn cancelling_an_engine_render_leaves_nothing() {
    let world = World::new();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    world.say("make it vertical, slow down to 0.25x");
    let state = block_on(world.fake.state(&world.token, &world.session)).unwrap_or_else(|e| panic!("{e}"));
    let id = RenderId::from_unix_ms(9);
    let request = RenderRequest {
        id: id.clone(),
        session_id: world.session.clone(),
        draft: state.draft.unwrap_or_else(|| panic!()),
    };
    block_on(world.fake.submit_render(&world.token, &request)).unwrap_or_else(|e| panic!("{e}"));
    block_on(world.fake.cancel_render(&world.token, &id)).unwrap_or_else(|e| panic!("{e}"));
    let status = world.wait(&id);
    assert_eq!((status.phase, status.error.as_deref()), (RenderPhase::Failed, Some("cancelled")));
}

#[test]
fn add_music_without_a_file_uses_the_uploaded_song() {
    let world = World::new();
    let dir = temp();
    world.upload(&make_clip(dir.path(), "quiet.mp4", 2, false)).unwrap_or_else(|e| panic!("{e}"));
    let song = make_music(dir.path(), 1);
    world.upload(&song).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.say("add music at 40%"), "Added background music (song, 40%).");
    assert_eq!(world.draft().pointer("/t/1/sg/0/src").and_then(Value::as_str), Some(song.as_str()));
    check_mp4(&world.export(dir.path()), 2.0, FRAME_S, true);
}

#[test]
fn an_image_upload_is_probed_and_a_url_is_refused() {
    let world = World::new();
    let dir = temp();
    let image = dir.path().join("logo.png").to_string_lossy().into_owned();
    ffmpeg(&["-f", "lavfi", "-i", "color=red:size=64x48", "-frames:v", "1", &image]);
    world.upload(&image).unwrap_or_else(|e| panic!("{e}"));
    let state = block_on(world.fake.state(&world.token, &world.session)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((state.video_infos[0].width, state.video_infos[0].height), (Some(64), Some(48)));

    let url = nemo_core::media::MediaUrl::check("https://example.invalid/a.mp4").unwrap_or_else(|e| panic!("{e:?}"));
    let message = refused(block_on(world.fake.upload_urls(&world.token, &world.session, &[url])));
    assert!(message.contains("local files only"), "{message}");
}

#[test]
fn a_project_its_history_and_its_media_last_into_the_next_process() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    world.say("remove the pauses");
    let world = world.reopen();
    assert_eq!(world.draft()["d"], 4200);
    world.say("add a title 'Hi'");
    let world = world.reopen();
    assert_eq!(world.say("undo"), "Undid the last change; the video is 4.2 seconds long again.");
    let world = world.reopen();
    assert_eq!(world.draft()["t"].as_array().map(Vec::len), Some(1), "the title is gone");
    check_mp4(&world.export(dir.path()), 4.2, 0.1, true);
}

#[test]
fn a_render_whose_process_is_gone_is_rendered_again_by_the_next() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    world.say("trim to 3 seconds");
    let id = RenderId::from_unix_ms(7);
    world.submit(&id).unwrap_or_else(|e| panic!("{e}"));
    // The backend that started it is dropped (its ffmpeg killed, its work removed).
    let world = world.reopen();
    check_mp4(&world.download(&id, dir.path()), 3.0, FRAME_S, true);
    assert!(matches!(world.submit(&id), Err(ApiError::Refused(r)) if r.status == 409), "an id is used once");
}

#[test]
fn a_changed_or_vanished_upload_is_named_before_any_turn_or_render() {
    let world = World::new();
    let dir = temp();
    let clip = make_clip(dir.path(), "take.mp4", 2, true);
    world.upload(&clip).unwrap_or_else(|e| panic!("{e}"));
    make_clip(dir.path(), "take.mp4", 3, true);
    let message = refused(world.try_say("mute"));
    assert!(message.starts_with("take.mp4 (") && message.contains("changed since it was uploaded"), "{message}");
    let message = refused(world.submit(&RenderId::from_unix_ms(3)));
    assert!(message.contains("changed since it was uploaded"), "{message}");
    std::fs::remove_file(&clip).unwrap_or_else(|e| panic!("{e}"));
    let message = refused(world.try_say("mute"));
    assert!(message.contains("is gone since it was uploaded"), "{message}");
}

#[test]
fn two_clips_joined_with_a_fade_render_as_one_video() {
    let world = World::new();
    let dir = temp();
    world.upload(&sample()).unwrap_or_else(|e| panic!("{e}"));
    world.upload(&make_clip(dir.path(), "second.mp4", 2, true)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.say("join the clips with a fade"), "Joined the 2 clips with a fade.");
    check_mp4(&world.export(dir.path()), 8.0, 0.1, true);
}

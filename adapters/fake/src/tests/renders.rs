//! Render jobs: phases by clock time, duplicate ids, cancelling, ownership.

use std::time::Duration;

use futures::executor::block_on;
use nemo_core::error::ApiError;
use nemo_core::ids::RenderId;
use nemo_core::model::{RenderPhase, RenderRequest, RenderStatus};
use nemo_core::ports::Backend;

use super::{Harness, Project, assert_code, assert_status};

fn poll(h: &Harness, p: &Project, ms: u64) -> RenderStatus {
    block_on(h.fake.render_status(&p.token, &RenderId::from_unix_ms(ms))).unwrap()
}

fn phase(status: &RenderStatus) -> (RenderPhase, u8, Option<&str>) {
    (status.phase.clone(), status.progress, status.output_url.as_deref())
}

#[test]
fn a_render_is_pending_then_processing_then_completed_by_clock_time() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    let submitted = h.submit(&p, 1).unwrap();
    assert_eq!(phase(&submitted), (RenderPhase::Pending, 0, None));
    let mut seen = Vec::new();
    for step_ms in [999, 1, 2500, 2499, 1] {
        h.advance(Duration::from_millis(step_ms));
        seen.push(poll(&h, &p, 1));
    }
    let url = "https://cdn.fake.nemovideo.invalid/renders/render_1.mp4";
    assert_eq!(
        seen.iter().map(phase).collect::<Vec<_>>(),
        [
            (RenderPhase::Pending, 0, None),
            (RenderPhase::Processing, 0, None),
            (RenderPhase::Processing, 50, None),
            (RenderPhase::Processing, 99, None),
            (RenderPhase::Completed, 100, Some(url)),
        ]
    );
    assert_eq!(h.fake.render_ids_submitted(), [RenderId::from_unix_ms(1)]);
}

#[test]
fn a_render_id_can_be_used_once() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.submit(&p, 7).unwrap();
    assert_eq!(h.submit(&p, 7).unwrap_err(), ApiError::status(409, "render id already exists"));
    h.submit(&p, 8).unwrap();
    assert_eq!(h.fake.render_ids_submitted(), [RenderId::from_unix_ms(7), RenderId::from_unix_ms(8)]);
}

#[test]
fn a_cancelled_render_fails_and_a_finished_one_stays_finished() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.submit(&p, 1).unwrap();
    h.advance(Duration::from_secs(2));
    block_on(h.fake.cancel_render(&p.token, &RenderId::from_unix_ms(1))).unwrap();
    h.advance(Duration::from_secs(10));
    let cancelled = poll(&h, &p, 1);
    assert_eq!((cancelled.phase, cancelled.error.as_deref()), (RenderPhase::Failed, Some("cancelled")));

    h.submit(&p, 2).unwrap();
    h.advance(Duration::from_secs(6));
    block_on(h.fake.cancel_render(&p.token, &RenderId::from_unix_ms(2))).unwrap();
    assert_eq!(poll(&h, &p, 2).phase, RenderPhase::Completed);
}

#[test]
fn renders_of_other_users_or_unknown_ids_are_not_found() {
    let h = Harness::new();
    let (mine, theirs) = (h.project_with_video(1), h.project_with_video(2));
    h.submit(&theirs, 1).unwrap();
    for ms in [1, 2] {
        let id = RenderId::from_unix_ms(ms);
        assert_status(block_on(h.fake.render_status(&mine.token, &id)), 404);
        assert_status(block_on(h.fake.cancel_render(&mine.token, &id)), 404);
    }
    let request = RenderRequest {
        id: RenderId::from_unix_ms(3),
        session_id: theirs.session.clone(),
        draft: h.fake.draft(&theirs.session).unwrap(),
    };
    assert_code(block_on(h.fake.submit_render(&mine.token, &request)), 1002);
}

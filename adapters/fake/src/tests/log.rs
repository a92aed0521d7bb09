//! The request log and the latency: what reached the service, in order, without secrets.

use std::time::Duration;

use futures::executor::block_on;
use nemo_core::ids::RenderId;
use nemo_core::ports::Backend;

use super::{Harness, client};
use crate::{Call, Endpoint};

#[test]
fn every_call_is_logged_in_order_with_what_it_carried_and_no_token() {
    let h = Harness::new();
    let p = h.project_with_video(1);
    h.turn(&p, "add music");
    h.submit(&p, 5).unwrap();
    block_on(h.fake.render_status(&p.token, &RenderId::from_unix_ms(5))).unwrap();
    let s = Some(&p.session);
    assert_eq!(
        h.fake.calls(),
        [
            Call::new(Endpoint::AnonymousToken, None, client(1).to_string()),
            Call::new(Endpoint::CreateSession, None, "trip"),
            Call::new(Endpoint::UploadFile, s, "city.mp4"),
            Call::new(Endpoint::SendMessage, s, "add music"),
            Call::new(Endpoint::SubmitRender, s, "render_5"),
            Call::new(Endpoint::RenderStatus, None, "render_5"),
        ]
    );
    assert!(!format!("{:?}", h.fake.calls()).contains(p.token.expose()));
}

#[test]
fn latency_is_a_clock_sleep_before_every_call() {
    let h = Harness::new();
    h.fake.set_latency(Duration::from_millis(250));
    let p = h.project(1);
    assert_eq!(h.clock.sleeps(), [Duration::from_millis(250); 2]);
    block_on(h.fake.credits(&p.token)).unwrap();
    assert_eq!(h.clock.sleeps().len(), 3);
}

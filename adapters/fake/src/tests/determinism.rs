//! The same seed and calls give the same ids and drafts; another seed gives other ids.

use futures::executor::block_on;
use nemo_core::ports::Backend;

use super::Harness;
use crate::FakeConfig;

/// The ids and drafts a fixed sequence of calls produces on a fake seeded with `seed`.
fn run(seed: u64) -> Vec<String> {
    let h = Harness::with(FakeConfig { seed, ..FakeConfig::default() });
    let mut seen = Vec::new();
    for n in 1..=2 {
        let p = h.project_with_video(n);
        h.turn(&p, "add music");
        h.turn(&p, "add a title 'Same'");
        let claim = block_on(h.fake.claim_token(&p.token, &p.task, &p.session)).unwrap();
        let state = block_on(h.fake.state(&p.token, &p.session)).unwrap();
        let hashes = state.video_infos.iter().filter_map(|a| a.hash.clone());
        seen.extend([p.token.expose().to_owned(), p.user.to_string(), p.task.to_string(), p.session.to_string()]);
        seen.extend([claim.claim_token, state.draft.unwrap().as_json().to_owned()]);
        seen.extend(hashes);
    }
    seen
}

#[test]
fn the_same_seed_and_calls_give_the_same_ids_and_drafts() {
    assert_eq!(run(42), run(42));
}

#[test]
fn another_seed_gives_other_ids_and_the_same_drafts() {
    let (a, b) = (run(1), run(2));
    let differ: Vec<bool> = a.iter().zip(&b).map(|(x, y)| x != y).collect();
    // token, user, task, session and claim differ; the draft and the content hash do not.
    assert_eq!(differ, [[true, true, true, true, true, false, false]; 2].concat());
}

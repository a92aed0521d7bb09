//! A store that cannot write (a full disk, a read-only state dir) is reported with exit 1 and
//! a hint, never ignored: the store port mocked with mockall.

use std::sync::Arc;

use nemo_core::error::Error;
use nemo_core::ports::StoreError;
use nemo_core::ports::store::MockStore;
use nemo_core::service::{Nemo, Settings};
use nemo_fake::{FakeBackend, FakeConfig, ManualClock, RecordingProgress};

use crate::support::START;

#[tokio::test]
async fn credentials_that_cannot_be_saved_fail_the_login_with_a_hint() {
    let mut store = MockStore::new();
    store.expect_hold_credentials().returning(|| Ok(Box::new(())));
    store.expect_credentials().returning(|| Ok(None));
    store.expect_client_id().returning(|| Ok(None));
    store.expect_save_client_id().times(1).returning(|_| Ok(()));
    store.expect_save_credentials().times(1).returning(|_| Err(StoreError("disk full".into())));
    let clock = Arc::new(ManualClock::new(START));
    let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
    let nemo = Nemo::new(fake, clock, Arc::new(store), Settings::default());

    let error = nemo.login(&RecordingProgress::new()).await.unwrap_err();

    assert_eq!(error, Error::Store("disk full".into()));
    assert_eq!(error.exit().code(), 1);
    assert!(error.hint().contains("NEMO_STATE_DIR"));
}

#[tokio::test]
async fn a_store_that_cannot_be_read_stops_before_any_request() {
    let mut store = MockStore::new();
    store.expect_hold_credentials().returning(|| Ok(Box::new(())));
    store.expect_credentials().returning(|| Err(StoreError("credentials.json is corrupt".into())));
    let clock = Arc::new(ManualClock::new(START));
    let fake = Arc::new(FakeBackend::new(clock.clone(), FakeConfig::default()));
    let nemo = Nemo::new(fake.clone(), clock, Arc::new(store), Settings::default());

    let error = nemo.credits(&RecordingProgress::new()).await.unwrap_err();

    assert_eq!(error, Error::Store("credentials.json is corrupt".into()));
    assert!(fake.calls().is_empty(), "nothing was sent");
}

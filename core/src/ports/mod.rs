//! The ports: what the domain needs from the outside world, as small async traits. Adapters
//! implement them; the use cases in [`crate::service`] are generic over them.

pub mod backend;
pub mod clock;
pub mod progress;
pub mod store;

pub use backend::{Backend, EventStream};
pub use clock::Clock;
pub use progress::{NoProgress, Progress, ProgressEvent};
pub use store::{Store, StoreError, StoredCredentials};

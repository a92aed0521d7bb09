//! `nemo-storage`: the core's [`Store`](nemo_core::ports::Store) port on real files, plus
//! `config.toml` and the [`settings`] both apps read the same way.
//!
//! Layout (directories are created on first write, mode 0700):
//!
//! | File | Holds | Format |
//! |---|---|---|
//! | `CONFIG/client_id` | the client id, shared with the vendor's skills | one UUID line |
//! | `CONFIG/credentials.json` | token, user id, expiry; **mode 0600 from creation** | JSON, `"schema": 1` |
//! | `CONFIG/config.toml` | settings (`api_url`, `web_url`, `skill`, ...) | TOML |
//! | `STATE/projects.json` | projects (last draft verbatim) and the current one | JSON, `"schema": 1` |
//! | `STATE/jobs.json` | render jobs | JSON, `"schema": 1` |
//!
//! Rules every file follows:
//!
//! - **Atomic writes.** A temporary file in the same directory is written, fsynced and
//!   renamed over the target, then the directory is fsynced: a crash leaves the old file or
//!   the new one, never a torn one.
//! - **Read-modify-write under a lock.** Changes to `projects.json` and `jobs.json` take an
//!   exclusive lock on `STATE/.lock` (an OS file lock, released by the kernel if the process
//!   dies), so two processes never lose each other's updates. The credentials and the client
//!   id are written whole: last writer wins.
//! - **Never overwrite what cannot be read.** A state file that is not valid JSON of the
//!   expected shape is renamed aside to `<name>.corrupt-<unix-ms>` the first time it is read,
//!   and that read fails with a [`StoreError`](nemo_core::ports::StoreError) naming both
//!   paths; the next run starts from an empty file. A file with a *newer* `schema` is left
//!   untouched and every access fails, telling the user to upgrade nemoctl. A `config.toml`
//!   that does not parse is also left untouched (the user wrote it): the error says where.
//! - **The token never leaks.** Nothing here implements `Debug` over a token; errors name
//!   files, never their contents.
//!
//! Wire (persisted) structs live in [`mod@wire`]; the core's domain types are not
//! `Serialize`, conversions are written by hand.
#![warn(missing_docs)]

pub mod claim;
mod config_file;
pub mod delivery;
mod document;
pub mod files;
mod local;
pub mod output;
mod scoped;
pub mod settings;
mod store;
pub mod wire;

pub use config_file::ConfigFile;
pub use document::Document;
pub use local::{check_source, find_file};
pub use scoped::ScopedStore;
pub use store::FileStore;

/// The schema version this build reads and writes.
pub const SCHEMA: u32 = 1;

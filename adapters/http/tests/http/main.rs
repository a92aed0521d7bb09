//! Integration tests of the HTTP adapter against a scripted server on 127.0.0.1 (one test
//! binary; no internet, no fake-server crate).

mod chat;
mod deadlines;
mod errors;
mod files;
mod redirects;
mod requests;
mod retries;
mod server;

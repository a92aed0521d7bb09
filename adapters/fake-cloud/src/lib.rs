//! `nemo-fake-cloud`: the in-memory fake NemoVideo served over HTTP on loopback.
#![warn(missing_docs)]

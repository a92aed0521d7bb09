//! `nemod`: the NemoVideo daemon.
fn main() {}

//! `nemo-http`: the backend port spoken over HTTP to NemoVideo, exactly per the wire contract.
#![warn(missing_docs)]

//! Chat turns: the events a turn streams ([`event`]) and the rules for showing them
//! ([`turn`]).

pub mod event;
pub mod turn;

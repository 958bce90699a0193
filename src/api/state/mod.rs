//! Queue states: read, written, and taken as an operation's argument.

pub mod arg;
pub mod read;
pub mod read_item;
pub mod write;
pub mod write_item;

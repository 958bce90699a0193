//! The operations, by family: each file holds its operations' handlers, the readers
//! only they use, and their output types. Shared readers live in [`crate::api::read`],
//! queue states in [`crate::api::state`], shared writers in [`crate::api::write`].

pub mod answers;
pub mod decide;
pub mod enqueue;
pub mod inspect;
pub mod jobs;
pub mod meta;
pub mod next;
pub mod plan;
pub mod queue;
pub mod record;
pub mod reply;

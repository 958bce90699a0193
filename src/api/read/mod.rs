//! Readers shared by several operations: JSON arguments into core types, with the
//! field path of every error (`request.start`, `options.maxRangeDays`).

pub mod answer;
pub mod fields;
pub mod job;
pub mod jobs;
pub mod options;
pub mod request;
pub mod settings;
pub mod values;

//! The fields of a job the core reads, as found in its JSON text or its `Value`: what
//! the scanner ([`crate::api::scan::jobs`]) and the job reader
//! ([`crate::api::read::job`]) share. A leaf: it depends on nothing.

/// One string field of a job as read: absent (or `null`), a string borrowed from the
/// input, or a value of another type (its JSON type's name, for the error).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Text<'t> {
    /// Absent, or `null`.
    #[default]
    Absent,
    /// A string.
    Str(&'t str),
    /// Another type: its name (`"a number"`).
    Wrong(&'static str),
}

impl Text<'_> {
    /// Whether the field is given (a value of any type but `null`).
    pub fn given(self) -> bool {
        self != Text::Absent
    }
}

/// A job's `channels` as read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum Names<'t> {
    /// Absent, or `null`.
    #[default]
    Absent,
    /// A list of strings.
    List(Vec<&'t str>),
    /// Not an array: its type's name.
    Wrong(&'static str),
    /// An array with a value that is not a string at this position: its type's name.
    WrongAt(usize, &'static str),
}

/// The fields of a job the core reads, borrowed from the input (its JSON text, or its
/// `serde_json::Value`); every other field is ignored, whatever it holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JobFields<'t> {
    /// `id`.
    pub id: Text<'t>,
    /// `profile`.
    pub profile: Text<'t>,
    /// `interval` (`"start/end"`).
    pub interval: Text<'t>,
    /// The start and end, under each pair of names a job may use: `start`/`end`,
    /// `startDate`/`endDate`, `start_date`/`end_date` (see [`RANGE_KEYS`]).
    pub range: [(Text<'t>, Text<'t>); 3],
    /// `status`.
    pub status: Text<'t>,
    /// `channels`.
    pub channels: Names<'t>,
}

/// The names of [`JobFields::range`]'s pairs, in order.
pub const RANGE_KEYS: [(&str, &str); 3] = [
    ("start", "end"),
    ("startDate", "endDate"),
    ("start_date", "end_date"),
];

impl<'t> JobFields<'t> {
    /// The string field called `key`, if the core reads it (a `match` compiles to length
    /// and byte checks, where a search compared with each name in turn).
    pub fn text_mut(&mut self, key: &str) -> Option<&mut Text<'t>> {
        Some(match key {
            "id" => &mut self.id,
            "profile" => &mut self.profile,
            "interval" => &mut self.interval,
            "start" => &mut self.range[0].0,
            "end" => &mut self.range[0].1,
            "startDate" => &mut self.range[1].0,
            "endDate" => &mut self.range[1].1,
            "start_date" => &mut self.range[2].0,
            "end_date" => &mut self.range[2].1,
            "status" => &mut self.status,
            _ => return None,
        })
    }
}

//! A scanner over JSON text that is already known to be valid: it splits the call's
//! argument array into unparsed slots, and reads a plain job list without building a
//! `serde_json::Value` tree.
//!
//! **Why it is written by hand.** Building the `Value` tree is most of the time of a
//! `decide` on a large job array, and a serde-derived reader of the same fields, with
//! `RawValue` for the split, is tens of KB of wasm (and more in the ServiceNow scripts);
//! this scanner is a few hundred bytes (the measurements are in docs/performance.md). It is safe because it only ever sees text that
//! serde_json has checked ([`split`] validates the whole call first, and a job list held
//! as a string is checked the same way before it is scanned: `read::jobs`), and because it
//! never decides anything: when a job is not in the simple form it reads (a field of
//! another type, an escape in a string the core reads), it answers `None` and the caller
//! reads the list the general way, which gives the same answer or the exact error.

use crate::api::read::fields::{JobFields, Names, Text};
use serde::de::IgnoredAny;

/// Deepest nesting the scanner splits; deeper text is parsed whole by serde_json, whose
/// recursion limit (128) then answers as it always has.
const MAX_DEPTH: usize = 100;

/// The arguments of a call, split: the text of each element, and how many objects and
/// arrays the whole text holds (what a `Value` tree of it would allocate nodes for).
pub struct Split<'t> {
    /// Each argument's JSON text, trimmed.
    pub args: Vec<&'t str>,
    /// Objects and arrays in all the arguments.
    pub containers: usize,
}

/// Splits a JSON array of arguments into the text of each element. `None` when `text`
/// is not valid JSON, not an array, or nested deeper than `MAX_DEPTH`: the caller
/// then parses it whole, for the exact error.
pub fn split(text: &str) -> Option<Split<'_>> {
    // Validate everything first: what follows relies on it. `IgnoredAny` checks the
    // syntax without allocating.
    serde_json::from_str::<IgnoredAny>(text).ok()?;
    let b = text.as_bytes();
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = ws(b, i + 1);
    let mut out = Split {
        args: Vec::new(),
        containers: 1,
    };
    if b.get(i) == Some(&b']') {
        return Some(out);
    }
    loop {
        let s = skip(b, i);
        if s.depth > MAX_DEPTH {
            return None;
        }
        out.containers += s.containers;
        out.args.push(text.get(i..s.end)?);
        i = ws(b, s.end);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            _ => return Some(out),
        }
    }
}

/// The number of elements of the JSON array `text` (valid JSON, from [`split`]),
/// counting no further than `max + 1`; `None` when it is not an array.
pub fn count_at_most(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut i = ws(b, 1);
    if b.get(i) == Some(&b']') {
        return Some(0);
    }
    let mut n = 0;
    loop {
        n += 1;
        if n > max {
            return Some(n);
        }
        i = ws(b, skip(b, i).end);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            _ => return Some(n),
        }
    }
}

/// Reads a JSON array of job objects (valid JSON, from [`split`]). `None` when any
/// element is not an object, or a field the core reads is neither `null` nor a string
/// (a list of strings for `channels`) without escapes: the caller then reads the list
/// from its `Value`, which tells each type. Other fields are skipped,
/// whatever they hold. A key given twice counts with its last value, as in serde_json.
pub fn jobs(text: &str) -> Option<Vec<JobFields<'_>>> {
    let b = text.as_bytes();
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        return Some(out);
    }
    loop {
        let (job, end) = job(text, i)?;
        out.push(job);
        i = ws(b, end);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            _ => return Some(out),
        }
    }
}

/// One job object at `i`; answers it and the index after it.
fn job(text: &str, mut i: usize) -> Option<(JobFields<'_>, usize)> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut f = JobFields::default();
    i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some((f, i + 1));
    }
    loop {
        let (key, after) = plain_string(text, i)?;
        i = ws(b, ws(b, after) + 1); // past the ':'
        if let Some(slot) = f.text_mut(key) {
            let (v, after) = string_or_null(text, i)?;
            *slot = v.map_or(Text::Absent, Text::Str);
            i = after;
        } else if key == "channels" {
            let (v, after) = channel_list(text, i)?;
            f.channels = v.map_or(Names::Absent, Names::List);
            i = after;
        } else {
            i = skip(b, i).end;
        }
        i = ws(b, i);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            _ => return Some((f, i + 1)), // the '}'
        }
    }
}

/// `null` (as `None`) or a string without escapes at `i`, and the index after it.
fn string_or_null(text: &str, i: usize) -> Option<(Option<&str>, usize)> {
    if text.as_bytes().get(i) == Some(&b'n') {
        return Some((None, i + 4));
    }
    plain_string(text, i).map(|(s, end)| (Some(s), end))
}

/// `null` or an array of strings without escapes at `i`, and the index after it.
fn channel_list(text: &str, i: usize) -> Option<(Option<Vec<&str>>, usize)> {
    let b = text.as_bytes();
    match b.get(i) {
        Some(b'n') => return Some((None, i + 4)),
        Some(b'[') => {}
        _ => return None,
    }
    let mut names = Vec::new();
    let mut i = ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return Some((Some(names), i + 1));
    }
    loop {
        let (s, end) = plain_string(text, i)?;
        names.push(s);
        i = ws(b, end);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            _ => return Some((Some(names), i + 1)), // the ']'
        }
    }
}

/// The contents of the string starting at `i` when it has no escapes, and the index
/// after its closing quote.
fn plain_string(text: &str, i: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let len = b
        .get(i + 1..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\')?;
    let end = i + 1 + len;
    if b[end] == b'\\' {
        return None;
    }
    Some((text.get(i + 1..end)?, end + 1))
}

/// What [`skip`] found: where the value ends, how deeply it nests (0 for a scalar) and
/// how many objects and arrays it holds.
pub(crate) struct Skipped {
    end: usize,
    depth: usize,
    containers: usize,
}

/// Skips the value at `i`.
fn skip(b: &[u8], mut i: usize) -> Skipped {
    let (mut depth, mut deepest, mut containers) = (0usize, 0usize, 0usize);
    let done = |end, deepest, containers| Skipped {
        end,
        depth: deepest,
        containers,
    };
    loop {
        match b.get(i) {
            None => return done(i, deepest, containers),
            Some(b'"') => i = string_end(b, i + 1),
            Some(b'[' | b'{') => {
                depth += 1;
                containers += 1;
                deepest = deepest.max(depth);
                i += 1;
                continue;
            }
            Some(b']' | b'}') if depth > 0 => {
                depth -= 1;
                i += 1;
            }
            // A scalar ends at the first delimiter (the end of its container, a
            // comma or white space).
            Some(b']' | b'}' | b',' | b' ' | b'\t' | b'\n' | b'\r') if depth == 0 => {
                return done(i, deepest, containers)
            }
            Some(_) => {
                i += 1;
                continue;
            }
        }
        if depth == 0 {
            return done(i, deepest, containers);
        }
    }
}

/// The index after the closing quote of the string whose contents start at `i`. Most of
/// a job list's bytes are inside strings, so this is the scanner's inner loop: a search
/// for the next quote or backslash, which compiles to a tight loop, rather than a step of
/// [`skip`]'s state machine per byte.
#[inline]
fn string_end(b: &[u8], mut i: usize) -> usize {
    loop {
        let Some(rest) = b.get(i..) else {
            return b.len();
        };
        match rest.iter().position(|&c| c == b'"' || c == b'\\') {
            Some(p) if rest[p] == b'"' => return i + p + 1,
            Some(p) => i += p + 2, // past the backslash and the byte it escapes
            None => return b.len(),
        }
    }
}

/// The index of the first byte at or after `i` that is not JSON white space.
fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn splits_top_level_elements() {
        let args = |t| split(t).map(|s| s.args);
        assert_eq!(args("[]"), Some(vec![]));
        assert_eq!(
            args(r#" [ 1 , "a,]" ,{"x":[1,{}]}, null ] "#),
            Some(vec!["1", r#""a,]""#, r#"{"x":[1,{}]}"#, "null"])
        );

        let containers = |t| split(t).map(|s| s.containers);

        assert_eq!(
            containers(r#" [ 1 , "a,[{" ,{"x":[1,{}]}, null ] "#),
            Some(4)
        );
        assert_eq!(
            args(r#"["\"]", -1.5e3,true]"#),
            Some(vec![r#""\"]""#, "-1.5e3", "true"])
        );
        assert_eq!(args("{}"), None);
        assert_eq!(args("[1,"), None);
        let deep = format!(
            "[{}{}]",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(args(&deep), None);
        let ok = format!("[{}{}]", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(args(&ok).map(|v| v.len()), Some(1));
    }

    #[test]
    fn counts_elements_up_to_a_bound() {
        assert_eq!(count_at_most("[]", 3), Some(0));
        assert_eq!(count_at_most(r#"[ {"a":[1,2]} , "x,y" ]"#, 3), Some(2));
        assert_eq!(count_at_most("[1,2,3,4,5,6]", 3), Some(4));
        assert_eq!(count_at_most(r#"{"a":1}"#, 3), None);
    }

    #[test]
    fn each_range_key_names_its_own_field() {
        let mut f = JobFields::default();
        for (i, (s, e)) in crate::api::read::fields::RANGE_KEYS.iter().enumerate() {
            *f.text_mut(s).unwrap() = Text::Str("s");
            *f.text_mut(e).unwrap() = Text::Str("e");
            assert_eq!(f.range[i], (Text::Str("s"), Text::Str("e")));
        }
        assert_eq!(f.text_mut("channels"), None);
    }

    #[test]
    fn reads_plain_jobs_and_refuses_the_rest() {
        let list = jobs(r#"[ {"id":"a","x":{"y":[1,"}"]},"start":"s","end":null,"channels":["sms", "email"]}, {} ]"#)
            .unwrap();

        assert_eq!(list.len(), 2);

        assert_eq!(list[0].id, Text::Str("a"));
        assert_eq!(list[0].range[0], (Text::Str("s"), Text::Absent));
        assert_eq!(list[0].channels, Names::List(vec!["sms", "email"]));

        assert_eq!(list[1], JobFields::default());

        // Last value wins, as in serde_json.
        assert_eq!(
            jobs(r#"[{"id":"a","id":"b"}]"#).unwrap()[0].id,
            Text::Str("b")
        );

        for refused in [
            r#"[1]"#,
            r#"[{"id":5}]"#,
            r#"[{"id":"a\"b"}]"#,
            r#"[{"i\u0064":"a"}]"#,
            r#"[{"channels":"sms"}]"#,
            r#"[{"channels":["sms",1]}]"#,
            r#"{"$index":1}"#,
        ] {
            assert_eq!(jobs(refused), None, "{refused}");
        }
    }
}

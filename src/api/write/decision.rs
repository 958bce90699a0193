//! Writing the JSON of decisions by hand, straight into the answer.
//!
//! Every other answer is a `#[derive(Serialize)]` struct (`write.rs`). Decisions are the
//! exception: a decision is the hottest answer (a `decideMany` batch of a thousand is
//! megabytes), and serde_json's writer, which in this crate's build reserves and appends
//! for every key, quote and string, is measurably slower on it (the comparison, made
//! with `node bench/compare.js`, is in docs/performance.md). It emits the
//! same text serde_json writes (keys in sorted order, the same escaping): the property
//! test `strings_are_written_as_serde_json_writes_them` and the vectors, whose answers
//! are byte-equal across the two writers' history, hold it to that.

use crate::decide::{Action, Decision, Job};
use crate::error::Error;
use crate::profile::Profile;
use crate::time::{format_ms, Window};
use core::fmt::Write;

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    // Copy runs of plain text whole; only ASCII needs escaping, and ASCII bytes never
    // occur inside a multi-byte UTF-8 sequence, so byte indices are char boundaries.
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escaped.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escaped);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Appends `"key":` (keys are plain identifiers).
fn key(out: &mut String, k: &str) {
    out.push('"');
    out.push_str(k);
    out.push_str("\":");
}

fn list<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, item);
    }
    out.push(']');
}

/// `{"end","lockKey","start"}`.
pub fn window(out: &mut String, w: &Window) {
    let (s, e) = (format_ms(w.start), format_ms(w.end));
    out.push_str("{\"end\":\"");
    out.push_str(&e);
    out.push_str("\",\"lockKey\":\"");
    out.push_str(&s);
    out.push('/');
    out.push_str(&e);
    out.push_str("\",\"start\":\"");
    out.push_str(&s);
    out.push_str("\"}");
}

/// `{"channels"?,"end","id","profile","start","status"}`.
pub fn job(out: &mut String, j: &Job) {
    out.push('{');
    if let Some(c) = &j.channels {
        key(out, "channels");
        list(out, c, |o, s| string(o, s));
        out.push(',');
    }
    key(out, "end");
    string(out, &format_ms(j.window.end));
    out.push(',');
    key(out, "id");
    string(out, &j.id);
    out.push(',');
    key(out, "profile");
    string(out, j.profile.name());
    out.push(',');
    key(out, "start");
    string(out, &format_ms(j.window.start));
    out.push(',');
    key(out, "status");
    string(out, &j.status);
    out.push('}');
}

/// `{"code","field","message"}`.
pub fn error(out: &mut String, e: &Error) {
    out.push('{');
    key(out, "code");
    string(out, e.code.as_str());
    out.push(',');
    key(out, "field");
    string(out, &e.field);
    out.push(',');
    key(out, "message");
    string(out, &e.message);
    out.push('}');
}

/// A decision, with `profile` and `endpoint` unless it is a rejection.
pub fn decision(out: &mut String, d: &Decision, profile: Option<Profile>) {
    let profile = profile.filter(|_| d.action != Action::Reject);
    out.push('{');
    key(out, "action");
    string(out, d.action.as_str());
    if let Some(j) = &d.already_exported {
        out.push(',');
        key(out, "alreadyExported");
        job(out, j);
    }
    out.push(',');
    key(out, "conflicts");
    list(out, &d.conflicts, job);
    if let Some(p) = profile {
        out.push(',');
        key(out, "endpoint");
        out.push_str("{\"method\":");
        string(out, p.method());
        out.push_str(",\"path\":");
        string(out, p.path());
        out.push_str(",\"pollPath\":");
        string(out, &p.poll_path());
        out.push('}');
    }
    out.push(',');
    key(out, "errors");
    list(out, &d.errors, error);
    out.push(',');
    key(out, "freeWindows");
    list(out, &d.free_windows, window);
    if let Some(k) = &d.lock_key {
        out.push(',');
        key(out, "lockKey");
        string(out, k);
    }
    if d.action == Action::Submit {
        out.push(',');
        key(out, "payloads");
        // Payloads are typed (`profile::Payload`) and small: serde writes them.
        list(out, &d.payloads, |o, p| {
            o.push_str(&serde_json::to_string(p).unwrap_or_else(|_| String::from("null")))
        });
    }
    if let Some(p) = profile {
        out.push(',');
        key(out, "profile");
        string(out, p.name());
    }
    if let Some(r) = d.recheck_after_ms {
        out.push(',');
        key(out, "recheckAfterMs");
        let _ = write!(out, "{r}");
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_like_serde_json() {
        for s in [
            "plain",
            "quote \" and \\ back",
            "tab\tnew\nline\r",
            "\u{1}\u{1f}\u{7f}",
            "é 中 😀",
            "\u{8}\u{c}",
        ] {
            let mut out = String::new();
            string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }
}

//! Readers of the values inputs share: instants, intervals, windows, channel lists,
//! whole numbers and header values, each error with its field path.

use crate::api::args::{one, Errors};
use crate::api::obj::{show, type_name, Obj};
use crate::channel;
use crate::error::Within;
use crate::error::{Error, ErrorCode, Result};
use crate::time::{parse_instant, Window, MAX_MS, MIN_MS};
use crate::zone::{self, Zone};
use serde_json::Value;

/// Reads an instant given as epoch milliseconds (number) or an ISO instant string.
pub fn instant_value(v: &Value, field: &str) -> Result<i64> {
    match v {
        Value::String(s) => parse_instant(s).within(field),
        Value::Number(n) => n
            .as_f64()
            .filter(|f| {
                f.is_finite() && f.fract() == 0.0 && (MIN_MS as f64..=MAX_MS as f64).contains(f)
            })
            .map(|f| f as i64)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidDate,
                    field,
                    format!("{} is not a valid epoch-millisecond instant", show(v)),
                )
            }),
        other => Err(Error::new(
            ErrorCode::InvalidDate,
            field,
            format!(
                "expected an ISO instant string or epoch milliseconds, not {}",
                type_name(other)
            ),
        )),
    }
}

/// An optional instant at `key` (ISO string or epoch milliseconds).
pub fn opt_instant(o: &Obj, key: &str) -> Result<Option<i64>> {
    o.get(key)
        .map(|v| instant_value(v, &o.field(key)))
        .transpose()
}

/// A date/time string field resolved in `zone`.
fn date_field(o: &Obj, key: &str, zone: Option<Zone>) -> Result<i64> {
    match o.str_as(key, ErrorCode::InvalidDate)? {
        Some(s) => zone::parse_in(s, zone).within(&o.field(key)),
        None => Err(Error::new(
            ErrorCode::InvalidDate,
            o.field(key),
            format!("{key} is missing"),
        )),
    }
}

/// Parses `a/b` into a window.
pub fn interval(text: &str, zone: Option<Zone>, field: &str) -> Result<Window> {
    let mut parts = text.splitn(3, '/');
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::new(ErrorCode::InvalidDate, field, "an interval must be \"start/end\", e.g. \"2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z\""));
    };
    let s = zone::parse_in(a, zone).within(field)?;
    let e = zone::parse_in(b, zone).within(field)?;
    Window::new(s, e).within(field)
}

/// Reads a window from `start`+`end` or `interval` (jobs may also say `start_date`/`end_date`
/// or `startDate`/`endDate`). Reports a bad start and a bad end together.
pub fn window_of(
    o: &Obj,
    zone: Option<Zone>,
    alt_keys: bool,
    missing_code: ErrorCode,
) -> Errors<Window> {
    let pairs: &[(&str, &str)] = if alt_keys {
        &[
            ("start", "end"),
            ("startDate", "endDate"),
            ("start_date", "end_date"),
        ]
    } else {
        &[("start", "end")]
    };
    let found = pairs.iter().find(|(s, e)| o.has(s) || o.has(e));
    match (one(o.str_as("interval", ErrorCode::InvalidDate))?, found) {
        (Some(_), Some((s, _))) => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            o.field(s),
            "give either interval or start/end, not both",
        )]),
        (Some(text), None) => one(interval(text, zone, &o.field("interval"))),
        (None, Some((s, e))) => match (date_field(o, s, zone), date_field(o, e, zone)) {
            (Ok(start), Ok(end)) => one(Window::new(start, end).within(&o.field(e))),
            (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
        },
        (None, None) => Err(vec![Error::new(
            missing_code,
            o.path.clone(),
            "a range is required: give start and end (or interval \"start/end\")",
        )]),
    }
}

/// Reads a channel list at `key`; `None` when absent.
pub fn channels_of(o: &Obj, key: &str) -> Result<Option<Vec<String>>> {
    channels_for(o, key, false)
}

/// [`channels_of`], refusing the message types analytics does not know when `analytics`
/// (the profile filters on analytics `messageType`).
pub fn channels_for(o: &Obj, key: &str, analytics: bool) -> Result<Option<Vec<String>>> {
    let Some(list) = o.array(key)? else {
        return Ok(None);
    };
    let field = o.field(key);
    let mut names = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        match v {
            Value::String(s) => names.push(s.as_str()),
            other => {
                return Err(Error::new(
                    ErrorCode::UnknownChannel,
                    format!("{field}[{i}]"),
                    format!("a channel must be a string, not {}", type_name(other)),
                ))
            }
        }
    }
    let canonical = channel::canonicalize(&names).within(&field)?;
    if analytics {
        channel::check_analytics(&names).within(&field)?;
    }
    Ok(Some(canonical))
}

/// An optional whole number in `0..=max`.
pub fn u32_opt(o: &Obj, key: &str, max: u32) -> Result<Option<u32>> {
    Ok(o.uint(key, u64::from(max))?.map(|x| x as u32))
}

/// Reads a header value: a string, a number, or an array (first element).
pub fn header_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.first().and_then(header_value),
        _ => None,
    }
}

//! Reading requests: one to decide or plan, one to queue (with its bulk parts), and
//! lists of them.

use crate::api::args::{one, Errors};
use crate::api::limits::{self, too_many};
use crate::api::obj::{type_name, Obj};
use crate::api::read::options::Context;
use crate::api::read::values::{channels_for, u32_opt, window_of};
use crate::decide::{self, Request};
use crate::error::Within;
use crate::error::{Error, ErrorCode};
use crate::profile::Profile;
use crate::zone::Zone;
use serde_json::Value;

/// The fields a request may have.
pub const REQUEST_KEYS: [&str; 6] = [
    "start", "end", "interval", "timeZone", "channels", "profile",
];

/// The fields of a request to queue: a request's, and `split`.
const QUEUED_REQUEST_KEYS: [&str; 7] = [
    "start", "end", "interval", "timeZone", "channels", "profile", "split",
];

/// Parses a request, collecting every error. With `need_channels` false (plan), the
/// channels may be omitted.
pub fn request_of(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    need_channels: bool,
) -> Errors<Request> {
    request_with(v, path, ctx, need_channels, &REQUEST_KEYS)
}

/// [`request_of`], with the fields the request may have.
fn request_with(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    need_channels: bool,
    keys: &[&str],
) -> Errors<Request> {
    let v = v.ok_or_else(|| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            path,
            "request is missing",
        )]
    })?;
    let o = one(Obj::new(v, path, ErrorCode::InvalidArgument, "request"))?;
    let mut errors = Vec::new();
    if let Err(e) = o.only(keys) {
        errors.push(e);
    }
    let profile = match o.str("profile").and_then(|p| {
        p.map(|p| Profile::parse(p).within(&o.field("profile")))
            .transpose()
    }) {
        Ok(p) => p.unwrap_or(ctx.profile),
        Err(e) => {
            errors.push(e);
            ctx.profile
        }
    };
    let zone = match o.str("timeZone").and_then(|z| {
        z.map(|z| Zone::lookup(z).within(&o.field("timeZone")))
            .transpose()
    }) {
        Ok(z) => z.or(ctx.zone),
        Err(e) => {
            errors.push(e);
            return Err(errors);
        }
    };
    let window = window_of(&o, zone, false, ErrorCode::InvalidDate)
        .map_err(|e| errors.extend(e))
        .ok();
    let channels = match channels_for(&o, "channels", profile.filters_analytics()) {
        Ok(Some(c)) => Some(c),
        Ok(None) if need_channels => {
            errors.push(Error::new(ErrorCode::NoChannels, o.field("channels"), "channels is missing: name them explicitly (e.g. [\"sms\", \"whatsapp\"]); an export never defaults to all channels"));
            None
        }
        Ok(None) => Some(Vec::new()),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (window, channels) {
        (Some(window), Some(channels)) if errors.is_empty() => Ok(Request {
            window,
            channels,
            profile,
        }),
        _ => Err(errors),
    }
}

/// A request to queue (at `path`) and its parts: split when it is longer than
/// `maxRangeDays` (default: its profile's maximum), or as its `split: { granularity }`
/// asks, into windows aligned in the request's zone (see [`crate::bulk`]).
pub fn queued_request_of(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    opts: &Obj,
) -> Errors<(Request, Option<Vec<crate::time::Window>>)> {
    let request = request_with(v, path, ctx, true, &QUEUED_REQUEST_KEYS)?;
    let o = one(Obj::new(
        v.unwrap_or(&Value::Null),
        path,
        ErrorCode::InvalidArgument,
        "request",
    ))?;
    let asked = match o.get("split") {
        None | Some(Value::Null) => None,
        Some(s) => {
            let so = one(Obj::new(
                s,
                &o.field("split"),
                ErrorCode::InvalidArgument,
                "split: { granularity: \"hour\" | \"day\" | \"week\" | \"month\" }",
            ))?;
            one(so.only(&["granularity"]))?;
            let g = one(so.str("granularity"))?.ok_or_else(|| {
                vec![Error::new(
                    ErrorCode::InvalidArgument,
                    so.field("granularity"),
                    "split.granularity is missing: \"hour\", \"day\", \"week\" or \"month\"",
                )]
            })?;
            Some(one(crate::plan::Granularity::parse(
                g,
                chrono::Weekday::Mon,
            )
            .within(&so.field("granularity")))?)
        }
    };
    // The zone was read (and checked) by request_of.
    let zone = o
        .str("timeZone")
        .ok()
        .flatten()
        .and_then(|z| Zone::lookup(z).ok())
        .or(ctx.zone)
        .unwrap_or(crate::zone::UTC);
    let max_days = one(u32_opt(opts, "maxRangeDays", limits::MAX_RANGE_DAYS))?
        .unwrap_or(request.profile.max_range_days().value);
    let parts =
        one(crate::bulk::split(request.window, zone, max_days, asked).map_err(|e| e.within(path)))?;
    Ok((request, parts.map(|p| p.windows)))
}

/// Checks a request (at `path`) against `options.maxRangeDays` (default: its profile's
/// maximum).
pub fn check_max_range(o: &Obj, request: &Request, path: &str) -> Errors<()> {
    let max_days = one(u32_opt(o, "maxRangeDays", limits::MAX_RANGE_DAYS))?
        .unwrap_or(request.profile.max_range_days().value);
    one(decide::check_range_length(request.window, max_days).within(path))
}

/// The `requests` argument of the batch operations: an array, or an error.
pub fn request_list(reqs: Option<&Value>) -> Errors<&Vec<Value>> {
    match reqs {
        Some(Value::Array(a)) if a.len() > limits::MAX_BATCH => Err(vec![too_many(
            "requests",
            a.len(),
            limits::MAX_BATCH,
            "requests",
        )]),
        Some(Value::Array(a)) => Ok(a),
        other => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "requests",
            format!(
                "requests must be an array of requests, not {}",
                other.map_or("nothing", type_name)
            ),
        )]),
    }
}

//! Channel filters: the Genesys media types and message sub-types.
//!
//! An export must name its channels explicitly: an empty list is an error, never an
//! implicit "all". Input is case-insensitive; output is canonical lowercase, with
//! duplicates removed, sorted.

use crate::error::{Error, ErrorCode, Result};

/// Genesys `mediaType` values accepted as channels.
pub const MEDIA_TYPES: [&str; 8] = [
    "voice",
    "callback",
    "chat",
    "email",
    "message",
    "cobrowse",
    "video",
    "screenshare",
];

/// Genesys message sub-types (`messageType`) accepted as channels.
pub const MESSAGE_TYPES: [&str; 11] = [
    "sms",
    "whatsapp",
    "facebook",
    "twitter",
    "instagram",
    "line",
    "telegram",
    "kakao",
    "webmessaging",
    "open",
    "apple",
];

/// Which Genesys dimension a channel filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// A `mediaType` (voice, chat, ...).
    Media,
    /// A `messageType` of the `message` media type (sms, whatsapp, ...).
    Message,
}

/// The kind of a canonical channel name, or `None` if it is not a channel.
pub fn kind_of(name: &str) -> Option<ChannelKind> {
    if MEDIA_TYPES.contains(&name) {
        Some(ChannelKind::Media)
    } else if MESSAGE_TYPES.contains(&name) {
        Some(ChannelKind::Message)
    } else {
        None
    }
}

/// Validates and canonicalises a channel list. `field` is the list's path; an entry's
/// error names `field[i]`.
pub fn canonicalize<S: AsRef<str>>(names: &[S], field: &str) -> Result<Vec<String>> {
    if names.is_empty() {
        return Err(Error::new(
            ErrorCode::NoChannels,
            field,
            "no channels given: name them explicitly (e.g. [\"sms\", \"whatsapp\"]); an export never \
             defaults to all channels",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        let lower = n.as_ref().trim().to_ascii_lowercase();
        if kind_of(&lower).is_none() {
            let shown: String = n.as_ref().chars().take(40).collect();
            return Err(Error::new(
                ErrorCode::UnknownChannel,
                format!("{field}[{i}]"),
                format!(
                    "unknown channel {shown:?}; valid media types: {}; valid message types: {}",
                    MEDIA_TYPES.join(", "),
                    MESSAGE_TYPES.join(", ")
                ),
            ));
        }
        out.push(lower);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_sorted_deduplicated() {
        assert_eq!(
            canonicalize(&["WhatsApp", "sms", " SMS "], "channels").unwrap(),
            vec!["sms", "whatsapp"]
        );
    }

    #[test]
    fn unknown_and_empty_are_errors() {
        let e = canonicalize(&["sms", "fax"], "request.channels").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownChannel);
        assert_eq!(e.field, "request.channels[1]");
        assert!(e.message.contains("whatsapp"));
        let e = canonicalize::<&str>(&[], "request.channels").unwrap_err();
        assert_eq!(e.code, ErrorCode::NoChannels);
    }
}

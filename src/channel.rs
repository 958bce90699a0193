//! Channel filters: the Genesys media types and message sub-types.
//!
//! An export must name its channels explicitly: an empty list is an error, never an
//! implicit "all". Input is case-insensitive; output is canonical lowercase, with
//! duplicates removed, sorted.
//!
//! Analytics knows the `mediaType` values and the `messageType` values listed in
//! [`MESSAGE_TYPES`] (attested in the official SDK models). telegram, kakao, viber and
//! wechat appear only in the conversation-side message enums, not in analytics: a
//! `messageType` filter on them may match nothing. So the profiles that filter on
//! analytics (`conversationDetailsJobs`, `recordingJobs`) refuse them with
//! `UNKNOWN_CHANNEL` ([`check_analytics`]); `evaluationExports`, whose filter vocabulary
//! only the community describes, accepts them.

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

/// Analytics `messageType` values (sub-types of the `message` media type).
pub const MESSAGE_TYPES: [&str; 9] = [
    "sms",
    "whatsapp",
    "facebook",
    "twitter",
    "instagram",
    "line",
    "webmessaging",
    "open",
    "apple",
];

/// Message types of the conversation-side enums that analytics does not know.
pub const CONVERSATION_ONLY_MESSAGE_TYPES: [&str; 4] = ["telegram", "kakao", "viber", "wechat"];

/// Which Genesys dimension a channel filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// A `mediaType` (voice, chat, ...).
    Media,
    /// A `messageType` of the `message` media type (sms, whatsapp, ...).
    Message,
    /// A message type analytics does not know (telegram, kakao, viber, wechat).
    ConversationOnly,
}

/// The kind of a canonical channel name, or `None` if it is not a channel.
pub fn kind_of(name: &str) -> Option<ChannelKind> {
    if MEDIA_TYPES.contains(&name) {
        Some(ChannelKind::Media)
    } else if MESSAGE_TYPES.contains(&name) {
        Some(ChannelKind::Message)
    } else if CONVERSATION_ONLY_MESSAGE_TYPES.contains(&name) {
        Some(ChannelKind::ConversationOnly)
    } else {
        None
    }
}

/// Validates and canonicalises a channel list. An entry's error names it by position
/// (`[i]`); the caller puts the list's path in front.
pub fn canonicalize<S: AsRef<str>>(names: &[S]) -> Result<Vec<String>> {
    if names.is_empty() {
        return Err(Error::new(
            ErrorCode::NoChannels,
            "",
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
                format!("[{i}]"),
                format!(
                    "unknown channel {shown:?}; valid media types: {}; valid message types: {} \
                     (and, for evaluationExports only, {})",
                    MEDIA_TYPES.join(", "),
                    MESSAGE_TYPES.join(", "),
                    CONVERSATION_ONLY_MESSAGE_TYPES.join(", ")
                ),
            ));
        }
        out.push(lower);
    }
    Ok(crate::order::sort_dedup_strings(out))
}

/// Refuses the channels analytics does not know, for a profile that filters on the
/// analytics `messageType` dimension. Errors name the entry, as for [`canonicalize`].
pub fn check_analytics<S: AsRef<str>>(names: &[S]) -> Result<()> {
    for (i, n) in names.iter().enumerate() {
        let c = n.as_ref().trim().to_ascii_lowercase();
        if kind_of(&c) == Some(ChannelKind::ConversationOnly) {
            return Err(Error::new(
                ErrorCode::UnknownChannel,
                format!("[{i}]"),
                format!(
                    "{c:?} is a conversation message type that analytics does not know: a \
                     messageType filter on it may match nothing. Analytics message types: {}",
                    MESSAGE_TYPES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Within;

    #[test]
    fn analytics_profiles_refuse_conversation_only_types() {
        assert!(check_analytics(&["sms", "voice"]).is_ok());
        let e = check_analytics(&["sms", " Telegram"])
            .within("request.channels")
            .unwrap_err();
        assert_eq!(e.field, "request.channels[1]");
        assert!(canonicalize(&["telegram"]).is_ok());
    }

    #[test]
    fn canonical_sorted_deduplicated() {
        assert_eq!(
            canonicalize(&["WhatsApp", "sms", " SMS "]).unwrap(),
            vec!["sms", "whatsapp"]
        );
    }

    #[test]
    fn unknown_and_empty_are_errors() {
        let e = canonicalize(&["sms", "fax"])
            .within("request.channels")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownChannel);
        assert_eq!(e.field, "request.channels[1]");
        assert!(e.message.contains("whatsapp"));
        let e = canonicalize::<&str>(&[])
            .within("request.channels")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NoChannels);
    }
}

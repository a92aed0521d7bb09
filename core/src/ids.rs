//! Identifiers and secrets as newtypes: parsed once at the edge, trusted everywhere after.
//!
//! Every id that ends up in a URL path is checked to be URL-path safe, so no adapter has to
//! escape anything; the token is a secret whose `Debug` and `Display` print `***`.

use std::fmt;

use uuid::Uuid;

/// An id or token was empty or held characters that cannot travel in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct InvalidId {
    /// Which kind of id was refused ("session id", "render id", ...).
    pub what: &'static str,
    /// Why it was refused.
    pub reason: &'static str,
}

fn check_path_safe(what: &'static str, value: &str) -> Result<(), InvalidId> {
    if value.is_empty() {
        return Err(InvalidId { what, reason: "it is empty" });
    }
    if value.len() > 256 {
        return Err(InvalidId { what, reason: "it is longer than 256 characters" });
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b)) {
        return Err(InvalidId { what, reason: "only letters, digits, '-', '_', '.' and '~' are allowed" });
    }
    Ok(())
}

macro_rules! path_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Parses a value received from the service or the user.
            ///
            /// # Errors
            /// [`InvalidId`] when the value is empty, longer than 256 characters or holds
            /// characters that are not URL-path safe.
            pub fn parse(value: impl Into<String>) -> Result<Self, InvalidId> {
                let value = value.into();
                check_path_safe($what, &value)?;
                Ok(Self(value))
            }

            /// The id as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

path_id!(
    /// A chat session of the agent (`session_id`; the real service uses 19-digit numbers).
    SessionId,
    "session id"
);
path_id!(
    /// The task (project) that owns a session (`task_id`).
    TaskId,
    "task id"
);
path_id!(
    /// The account a token belongs to (`user_id`; anonymous ones start `anon_`).
    UserId,
    "user id"
);
path_id!(
    /// A render job (`render_<unix-ms>` when this client creates it).
    RenderId,
    "render id"
);

impl RenderId {
    /// The id this client gives a new render: `render_<unix-ms>`.
    #[must_use]
    pub fn from_unix_ms(ms: u64) -> Self {
        Self(format!("render_{ms}"))
    }
}

impl UserId {
    /// Whether the account is anonymous (a free starter token).
    #[must_use]
    pub fn is_anonymous(&self) -> bool {
        self.0.starts_with("anon_")
    }
}

/// The client id sent as `X-Client-Id` when asking for an anonymous token. Not a secret, but
/// it must be reused: a new one per call burns the per-IP rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId(Uuid);

impl ClientId {
    /// A fresh random (v4) client id.
    #[must_use]
    pub fn generate() -> Self {
        Self(Uuid::new_v4())
    }

    /// Parses the one-line file format shared with the vendor's skills (surrounding
    /// whitespace ignored).
    ///
    /// # Errors
    /// [`InvalidId`] when the text is not a UUID.
    pub fn parse(text: &str) -> Result<Self, InvalidId> {
        Uuid::parse_str(text.trim()).map(Self).map_err(|_| InvalidId { what: "client id", reason: "it is not a UUID" })
    }

    /// The underlying UUID.
    #[must_use]
    pub fn uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// A bearer token (`nmv_usr_...`). It never appears in output, logs or URLs: `Debug` and
/// `Display` print `***`; only [`Token::expose`] gives the text, for the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token; refuses one that could not travel in an HTTP header.
    ///
    /// # Errors
    /// [`InvalidId`] when empty or when it holds whitespace or control characters.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidId> {
        let value = value.into();
        if value.is_empty() {
            return Err(InvalidId { what: "token", reason: "it is empty" });
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidId { what: "token", reason: "it holds spaces or control characters" });
        }
        Ok(Self(value))
    }

    /// The secret text, for the `Authorization` header and the credentials file only.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_refuse_what_would_break_a_url() {
        assert!(SessionId::parse("7301234567890123456").is_ok());
        assert!(SessionId::parse("").is_err());
        assert!(SessionId::parse("a/b").is_err());
        assert!(RenderId::parse("render_1?x=1").is_err());
        assert!(TaskId::parse("tsk 1").is_err());
    }

    #[test]
    fn render_ids_carry_the_unix_milliseconds() {
        assert_eq!(RenderId::from_unix_ms(1_795_355_066_570).as_str(), "render_1795355066570");
    }

    #[test]
    fn tokens_never_print() {
        let token = Token::new("nmv_usr_secret").unwrap();
        assert_eq!(format!("{token} {token:?}"), "*** Token(***)");
        assert_eq!(token.expose(), "nmv_usr_secret");
        assert!(Token::new("two words").is_err());
    }

    #[test]
    fn client_ids_round_trip_through_their_file_format() {
        let id = ClientId::generate();
        assert_eq!(ClientId::parse(&format!("{id}\n")).unwrap(), id);
        assert!(ClientId::parse("not-a-uuid").is_err());
    }

    #[test]
    fn anonymous_users_are_recognised() {
        assert!(UserId::parse("anon_42").unwrap().is_anonymous());
        assert!(!UserId::parse("u_42").unwrap().is_anonymous());
    }
}

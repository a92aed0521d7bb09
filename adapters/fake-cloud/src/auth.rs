//! The request headers this server checks itself before the fake is called: the bearer
//! token (401 when missing or malformed), the client id of the anonymous-token call (400),
//! and the attribution headers export requires (402). Tokens are parsed, never echoed.

use hyper::HeaderMap;
use hyper::header::AUTHORIZATION;
use nemo_core::ids::{ClientId, Token};

use crate::body::Reply;
use crate::envelope::{self, Family};

/// The three attribution headers (§1).
const ATTRIBUTION: [&str; 3] = ["x-skill-source", "x-skill-version", "x-skill-platform"];

/// The bearer token, or the 401 answer in `family`'s envelope.
pub(crate) fn bearer(headers: &HeaderMap, family: Family) -> Result<Token, Reply> {
    headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .and_then(|token| Token::new(token.trim()).ok())
        .ok_or_else(|| envelope::status(family, 401, "not authenticated: send Authorization: Bearer <token>"))
}

/// The `X-Client-Id`, or the 400 answer.
pub(crate) fn client_id(headers: &HeaderMap) -> Result<ClientId, Reply> {
    let value = headers.get("x-client-id").and_then(|value| value.to_str().ok());
    match value.map(ClientId::parse) {
        Some(Ok(id)) => Ok(id),
        Some(Err(_)) => Err(envelope::status(Family::Code, 400, "X-Client-Id is not a UUID")),
        None => Err(envelope::status(Family::Code, 400, "missing X-Client-Id header")),
    }
}

/// Whether all three attribution headers are present and not empty.
pub(crate) fn attributed(headers: &HeaderMap) -> bool {
    ATTRIBUTION.iter().all(|name| headers.get(*name).is_some_and(|value| !value.is_empty()))
}

/// The real service's answer to an export without attribution (a misleading 402).
pub(crate) fn export_blocked() -> Reply {
    envelope::status(Family::Success, 402, "free plan export blocked")
}

#[cfg(test)]
mod tests {
    use hyper::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn bearer_tokens_are_required_and_well_formed() {
        let ok = bearer(&headers(&[("authorization", "Bearer nmv_usr_1")]), Family::Code);
        assert_eq!(ok.map(|t| t.expose().to_owned()).ok().as_deref(), Some("nmv_usr_1"));
        for bad in [&[][..], &[("authorization", "Basic abc")], &[("authorization", "Bearer ")]] {
            let reply = bearer(&headers(bad), Family::Code).err().map(|r| r.status().as_u16());
            assert_eq!(reply, Some(401));
        }
    }

    #[test]
    fn client_ids_must_be_uuids() {
        assert!(client_id(&headers(&[("x-client-id", "6f1c1d1e-8a53-4a39-9d3c-1b2c3d4e5f60")])).is_ok());
        for bad in [&[][..], &[("x-client-id", "nope")]] {
            assert_eq!(client_id(&headers(bad)).err().map(|r| r.status().as_u16()), Some(400));
        }
    }

    #[test]
    fn attribution_needs_all_three_headers() {
        let all = [("x-skill-source", "a"), ("x-skill-version", "1"), ("x-skill-platform", "unknown")];
        assert!(attributed(&headers(&all)));
        assert!(!attributed(&headers(&all[..2])));
        assert_eq!(export_blocked().status().as_u16(), 402);
    }
}

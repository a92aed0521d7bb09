//! Where the bearer token may go: the API's own origin (scheme, host, port), and nowhere else.
//! The authenticated client follows a redirect only within that origin; any other redirect is
//! handed back unfollowed and read as a refusal.

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// The most redirects followed in a row (reqwest's own default).
const MAX_REDIRECTS: usize = 10;

/// Whether `a` and `b` are the same origin (RFC 6454: scheme, host and port).
#[must_use]
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// The redirect policy of the client that carries credentials: follow only to `api`'s origin.
pub fn api_only(api: Url) -> Policy {
    Policy::custom(move |attempt: Attempt<'_>| {
        if !same_origin(attempt.url(), &api) {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let api = url("https://api.test/x");
        assert!(same_origin(&api, &url("https://api.test:443/other?q=1")));
        assert!(!same_origin(&api, &url("http://api.test/x")));
        assert!(!same_origin(&api, &url("https://api.test:8443/x")));
        assert!(!same_origin(&api, &url("https://cdn.api.test/x")));
        assert!(!same_origin(&url("http://127.0.0.1:1/"), &url("http://127.0.0.1:2/")));
    }
}

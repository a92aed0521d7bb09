//! The closed set of routes this server answers, parsed from method and path; everything
//! else is [`Route::Unknown`], answered 404 so that an unexpected request fails loudly.

use hyper::Method;
use nemo_fake::Endpoint;

use crate::envelope::Family;

/// One route, with the path parts it carries (unchecked: handlers parse them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /api/auth/anonymous-token`.
    AnonymousToken,
    /// `POST /api/tasks/me/with-session/nemo_agent`.
    CreateSession,
    /// `POST /api/auth/claim-token`.
    ClaimToken,
    /// `POST /run_sse`.
    RunSse,
    /// `POST /api/upload-video/nemo_agent/me/<sid>`.
    Upload(String),
    /// `GET /api/state/nemo_agent/me/<sid>/latest`.
    State(String),
    /// `GET /api/credits/balance/simple`.
    Credits,
    /// `POST /api/render/proxy/lambda`.
    SubmitRender,
    /// `GET /api/render/proxy/lambda/<id>`.
    RenderStatus(String),
    /// `POST /api/render/proxy/lambda/<id>/cancel`.
    CancelRender(String),
    /// `GET /api/render/proxy/<id>/download`.
    DownloadRender(String),
    /// `GET /cdn/<rest>` (percent-decoded).
    Cdn(String),
    /// `POST /_fake/faults`.
    AdminFaults,
    /// `POST /_fake/latency`.
    AdminLatency,
    /// `POST /_fake/sse-shape`.
    AdminSseShape,
    /// `POST /_fake/reply-delay`.
    AdminReplyDelay,
    /// `GET /_fake/calls`.
    AdminCalls,
    /// Anything else.
    Unknown,
}

impl Route {
    /// The fake's endpoint this route calls (`None` for the switches and unknown routes).
    pub(crate) fn endpoint(&self) -> Option<Endpoint> {
        Some(match self {
            Self::AnonymousToken => Endpoint::AnonymousToken,
            Self::CreateSession => Endpoint::CreateSession,
            Self::ClaimToken => Endpoint::ClaimToken,
            Self::RunSse => Endpoint::SendMessage,
            Self::Upload(_) => Endpoint::UploadFile,
            Self::State(_) => Endpoint::State,
            Self::Credits => Endpoint::Credits,
            Self::SubmitRender => Endpoint::SubmitRender,
            Self::RenderStatus(_) => Endpoint::RenderStatus,
            Self::CancelRender(_) => Endpoint::CancelRender,
            Self::DownloadRender(_) => Endpoint::DownloadRender,
            Self::Cdn(_) => Endpoint::DownloadUrl,
            Self::AdminFaults
            | Self::AdminLatency
            | Self::AdminSseShape
            | Self::AdminReplyDelay
            | Self::AdminCalls
            | Self::Unknown => return None,
        })
    }

    /// The envelope this route answers in (its refusals, for the byte routes): the success
    /// envelope on the render routes, the code envelope everywhere else (§2).
    pub(crate) fn family(&self) -> Family {
        match self {
            Self::SubmitRender | Self::RenderStatus(_) | Self::CancelRender(_) | Self::DownloadRender(_) => {
                Family::Success
            }
            Self::AnonymousToken
            | Self::CreateSession
            | Self::ClaimToken
            | Self::RunSse
            | Self::Upload(_)
            | Self::State(_)
            | Self::Credits
            | Self::Cdn(_)
            | Self::AdminFaults
            | Self::AdminLatency
            | Self::AdminSseShape
            | Self::AdminReplyDelay
            | Self::AdminCalls
            | Self::Unknown => Family::Code,
        }
    }

    /// The route of a request (the query string is ignored).
    pub(crate) fn parse(method: &Method, path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if let Some(rest) = path.strip_prefix("/cdn/") {
            return match (*method == Method::GET, percent_decode(rest)) {
                (true, Some(rest)) if !rest.is_empty() => Self::Cdn(rest),
                _ => Self::Unknown,
            };
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let id = |s: &str| s.to_owned();
        match (method.as_str(), segments.as_slice()) {
            ("POST", ["api", "auth", "anonymous-token"]) => Self::AnonymousToken,
            ("POST", ["api", "tasks", "me", "with-session", "nemo_agent"]) => Self::CreateSession,
            ("POST", ["api", "auth", "claim-token"]) => Self::ClaimToken,
            ("POST", ["run_sse"]) => Self::RunSse,
            ("POST", ["api", "upload-video", "nemo_agent", "me", sid]) => Self::Upload(id(sid)),
            ("GET", ["api", "state", "nemo_agent", "me", sid, "latest"]) => Self::State(id(sid)),
            ("GET", ["api", "credits", "balance", "simple"]) => Self::Credits,
            ("POST", ["api", "render", "proxy", "lambda"]) => Self::SubmitRender,
            ("GET", ["api", "render", "proxy", "lambda", rid]) => Self::RenderStatus(id(rid)),
            ("POST", ["api", "render", "proxy", "lambda", rid, "cancel"]) => Self::CancelRender(id(rid)),
            ("GET", ["api", "render", "proxy", rid, "download"]) => Self::DownloadRender(id(rid)),
            ("POST", ["_fake", "faults"]) => Self::AdminFaults,
            ("POST", ["_fake", "latency"]) => Self::AdminLatency,
            ("POST", ["_fake", "sse-shape"]) => Self::AdminSseShape,
            ("POST", ["_fake", "reply-delay"]) => Self::AdminReplyDelay,
            ("GET", ["_fake", "calls"]) => Self::AdminCalls,
            _ => Self::Unknown,
        }
    }
}

/// `%XX` sequences decoded; `None` when one is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(method: Method, path: &str, expected: Route) {
        assert_eq!(Route::parse(&method, path), expected, "{method} {path}");
    }

    #[test]
    fn every_contract_route_is_known() {
        check(Method::POST, "/api/auth/anonymous-token", Route::AnonymousToken);
        check(Method::POST, "/api/tasks/me/with-session/nemo_agent", Route::CreateSession);
        check(Method::POST, "/api/auth/claim-token", Route::ClaimToken);
        check(Method::POST, "/run_sse", Route::RunSse);
        check(Method::POST, "/api/upload-video/nemo_agent/me/123", Route::Upload("123".into()));
        check(Method::GET, "/api/state/nemo_agent/me/123/latest", Route::State("123".into()));
        check(Method::GET, "/api/credits/balance/simple?x=1", Route::Credits);
        check(Method::POST, "/api/render/proxy/lambda", Route::SubmitRender);
        check(Method::GET, "/api/render/proxy/lambda/render_1", Route::RenderStatus("render_1".into()));
        check(Method::POST, "/api/render/proxy/lambda/render_1/cancel", Route::CancelRender("render_1".into()));
        check(Method::GET, "/api/render/proxy/render_1/download", Route::DownloadRender("render_1".into()));
        check(Method::GET, "/cdn/assets/ab/my%20clip.mp4", Route::Cdn("assets/ab/my clip.mp4".into()));
        check(Method::GET, "/_fake/calls", Route::AdminCalls);
        check(Method::POST, "/_fake/reply-delay", Route::AdminReplyDelay);
    }

    #[test]
    fn render_routes_answer_in_the_success_envelope_and_the_rest_in_the_code_envelope() {
        let id = || "render_1".to_owned();
        for route in
            [Route::SubmitRender, Route::RenderStatus(id()), Route::CancelRender(id()), Route::DownloadRender(id())]
        {
            assert_eq!(route.family(), Family::Success, "{route:?}");
        }
        for route in [
            Route::AnonymousToken,
            Route::CreateSession,
            Route::ClaimToken,
            Route::RunSse,
            Route::Upload("1".into()),
            Route::State("1".into()),
            Route::Credits,
            Route::Cdn("renders/render_1.mp4".into()),
            Route::AdminFaults,
            Route::AdminCalls,
            Route::Unknown,
        ] {
            assert_eq!(route.family(), Family::Code, "{route:?}");
        }
    }

    #[test]
    fn wrong_methods_and_unknown_paths_are_unknown() {
        check(Method::GET, "/api/auth/anonymous-token", Route::Unknown);
        check(Method::POST, "/cdn/renders/render_1.mp4", Route::Unknown);
        check(Method::GET, "/api/state/nemo_agent/me/123", Route::Unknown);
        check(Method::GET, "/cdn/a%zz", Route::Unknown);
        check(Method::GET, "/", Route::Unknown);
    }
}

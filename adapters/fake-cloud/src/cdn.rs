//! The fake CDN on this server: URLs the fake puts under [`CDN_BASE`] are rewritten to
//! `<base>/cdn/<rest>` in every reply, and a `/cdn/<rest>` request is mapped back to the
//! fake's URL, so the fake's own download (its `CdnDown` fault, its call log) still answers.

use nemo_fake::CDN_BASE;

/// The route prefix of the CDN on this server.
pub(crate) const PREFIX: &str = "/cdn/";

/// `url` moved onto this server when it is one of the fake CDN's; unchanged otherwise.
pub(crate) fn to_local(url: &str, base: &str) -> String {
    match url.strip_prefix(CDN_BASE).and_then(|rest| rest.strip_prefix('/')) {
        Some(rest) => format!("{base}{PREFIX}{rest}"),
        None => url.to_owned(),
    }
}

/// The fake CDN's URL for the CDN path `rest` (what follows `/cdn/`).
pub(crate) fn to_fake(rest: &str) -> String {
    format!("{CDN_BASE}/{rest}")
}

/// The render id a CDN path `renders/<id>.mp4` names.
pub(crate) fn render_of(rest: &str) -> Option<&str> {
    rest.strip_prefix("renders/")?.strip_suffix(".mp4").filter(|id| !id.contains('/'))
}

/// The CDN path (`assets/<hash>/<filename>`) of a fake CDN URL of an asset.
pub(crate) fn asset_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix(CDN_BASE)?.strip_prefix('/')?;
    rest.starts_with("assets/").then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:8787";

    #[test]
    fn fake_cdn_urls_move_onto_this_server_and_back() {
        let url = format!("{CDN_BASE}/renders/render_42.mp4");
        let local = to_local(&url, BASE);
        assert_eq!(local, "http://127.0.0.1:8787/cdn/renders/render_42.mp4");
        let rest = local.strip_prefix(BASE).and_then(|p| p.strip_prefix(PREFIX)).unwrap_or_default();
        assert_eq!(to_fake(rest), url);
        assert_eq!(render_of(rest), Some("render_42"));
    }

    #[test]
    fn other_urls_are_left_alone() {
        assert_eq!(to_local("https://example.com/a.mp4", BASE), "https://example.com/a.mp4");
        assert_eq!(
            to_local("https://cdn.fake.nemovideo.invalid.evil/a.mp4", BASE),
            "https://cdn.fake.nemovideo.invalid.evil/a.mp4"
        );
    }

    #[test]
    fn asset_and_render_paths_are_told_apart() {
        assert_eq!(asset_path(&format!("{CDN_BASE}/assets/ab12/clip.mp4")), Some("assets/ab12/clip.mp4"));
        assert_eq!(asset_path(&format!("{CDN_BASE}/renders/render_1.mp4")), None);
        assert_eq!(render_of("assets/ab/c.mp4"), None);
        assert_eq!(render_of("renders/a/b.mp4"), None);
    }
}

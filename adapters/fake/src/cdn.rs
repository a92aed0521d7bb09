//! The fake CDN: the URLs of uploaded assets and rendered videos, and the bytes a rendered
//! video holds (a header naming the render and the draft it rendered, then filler).

use nemo_core::ids::RenderId;

/// Where the fake CDN lives (`.invalid`: it can never resolve to a real host).
pub const CDN_BASE: &str = "https://cdn.fake.nemovideo.invalid";

/// The size of every rendered file.
pub(crate) const RENDER_BYTES: usize = 4096;

/// The URL of an uploaded asset.
pub(crate) fn asset_url(hash: &str, filename: &str) -> String {
    format!("{CDN_BASE}/assets/{hash}/{filename}")
}

/// The URL of a rendered video.
pub(crate) fn render_url(id: &RenderId) -> String {
    format!("{CDN_BASE}/renders/{id}.mp4")
}

/// The render a URL of [`render_url`]'s shape names, if it has that shape.
pub(crate) fn render_of_url(url: &str) -> Option<RenderId> {
    let name = url.strip_prefix(CDN_BASE)?.strip_prefix("/renders/")?.strip_suffix(".mp4")?;
    RenderId::parse(name).ok()
}

/// The rendered file of render `id` of a draft whose hash is `draft_hash`.
pub(crate) fn render_bytes(id: &RenderId, draft_hash: &str) -> Vec<u8> {
    let mut bytes = format!("NEMOFAKE RENDER {id} DRAFT {draft_hash}\n").into_bytes();
    let mut frame = 0;
    while bytes.len() < RENDER_BYTES {
        bytes.extend_from_slice(format!("frame {frame:06}\n").as_bytes());
        frame += 1;
    }
    bytes.truncate(RENDER_BYTES);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_urls_name_their_render() {
        let id = RenderId::from_unix_ms(42);
        assert_eq!(render_url(&id), "https://cdn.fake.nemovideo.invalid/renders/render_42.mp4");
        assert_eq!(render_of_url(&render_url(&id)), Some(id));
        assert_eq!(render_of_url("https://cdn.fake.nemovideo.invalid/assets/x/a.mp4"), None);
        assert_eq!(render_of_url("https://elsewhere.invalid/renders/render_42.mp4"), None);
    }

    #[test]
    fn rendered_files_are_a_few_kilobytes_naming_the_render_and_draft() {
        let bytes = render_bytes(&RenderId::from_unix_ms(7), "00ff");
        assert_eq!(bytes.len(), RENDER_BYTES);
        assert!(bytes.starts_with(b"NEMOFAKE RENDER render_7 DRAFT 00ff\nframe 000000\n"));
    }
}

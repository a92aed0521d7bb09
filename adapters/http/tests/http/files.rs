//! Uploads streamed as multipart with a known length and progress; downloads through
//! `.part` with resume.

use nemo_core::error::ApiError;
use nemo_core::ids::RenderId;
use nemo_core::media::LocalMedia;
use nemo_core::ports::{Backend, NoProgress, ProgressEvent};

use crate::server::{Answer, Recorder, harness, http, json, sid, token};

#[tokio::test]
async fn upload_streams_a_multipart_part_named_files() {
    let h = harness(vec![json(
        200,
        r#"{"code":0,"data":{"files":[{"filename":"clip.mp4","file_type":"video","cdn_url":"https://cdn/c.mp4","duration":3.5,"width":1920,"height":1080,"fps":30}],"session_state_applied":true}}"#,
    )])
    .await;
    let path = h.path("clip.mp4");
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let media = LocalMedia::check(&path, content.len() as u64).unwrap();
    let progress = Recorder::default();
    let result = h.backend.upload_file(&token(), &sid(), &media, &progress).await.unwrap();
    assert_eq!(result.files[0].width, Some(1920));
    assert!(result.session_state_applied);

    let request = &h.server.requests()[0];
    assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
    let content_type = request.header("content-type").unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let body = &request.body;
    let head_end = body.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&body[..head_end]);
    assert!(head.contains(&format!("--{boundary}")));
    assert!(head.contains(r#"name="files""#) && head.contains(r#"filename="clip.mp4""#), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: video/mp4"), "{head}");
    let tail = format!("\r\n--{boundary}--\r\n");
    assert!(body.ends_with(tail.as_bytes()));
    assert!(body[head_end..body.len() - tail.len()] == content[..]);

    let events = progress.0.lock().unwrap().clone();
    let sent: Vec<u64> = events
        .iter()
        .map(|e| match e {
            ProgressEvent::Upload { name, sent, total } => {
                assert_eq!((name.as_str(), *total), ("clip.mp4", content.len() as u64));
                *sent
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(sent.first(), Some(&0));
    assert_eq!(sent.last(), Some(&(content.len() as u64)));
    assert!(sent.windows(2).all(|w| w[0] <= w[1]) && sent.len() <= 110, "{sent:?}");
}

#[tokio::test]
async fn a_missing_file_is_a_local_error() {
    let h = harness(vec![]).await;
    let media = LocalMedia::check("/nonexistent/x.mp4", 10).unwrap();
    let error = h.backend.upload_file(&token(), &sid(), &media, &NoProgress).await.unwrap_err();
    assert!(matches!(error, ApiError::Local(_)), "{error:?}");
    assert!(h.server.requests().is_empty());
}

/// A `200` announcing 10 bytes whose connection closes after `sent`, with ETag `"v1"`.
fn cut_after(sent: &[u8]) -> Answer {
    cut_with(sent, "etag: \"v1\"\r\n")
}

/// As [`cut_after`], with no ETag.
fn cut_untagged(sent: &[u8]) -> Answer {
    cut_with(sent, "")
}

fn cut_with(sent: &[u8], headers: &str) -> Answer {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n{headers}connection: close\r\n\r\n");
    Answer::Raw([head.as_bytes(), sent].concat())
}

fn file(body: &[u8], etag: Option<&'static str>) -> Answer {
    Answer::File { body: body.to_vec(), etag }
}

#[tokio::test]
async fn downloads_go_through_part_and_resume() {
    let id = RenderId::parse("render_1").unwrap();
    let h = harness(vec![
        Answer::Raw(http(200, &[], b"0123456789")),
        cut_after(b"0123"),
        file(b"0123456789", Some("\"v1\"")),
        cut_after(b"012"),
        Answer::Raw(http(200, &[], b"abcdefghij")),
        json(404, r#"{"success":false,"error":"not found"}"#),
    ])
    .await;
    let dest = h.path("out.mp4");
    let part = format!("{dest}.part");
    let progress = Recorder::default();
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &progress).await.unwrap(), 10);
    assert_eq!(std::fs::read(&dest).unwrap(), b"0123456789");
    assert!(!std::path::Path::new(&part).exists());
    assert_eq!(progress.0.lock().unwrap().last(), Some(&ProgressEvent::Download { received: 10, total: Some(10) }));

    std::fs::remove_file(&dest).unwrap();
    assert!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.is_err());
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 10);
    assert_eq!(std::fs::read(&dest).unwrap(), b"0123456789");

    std::fs::remove_file(&dest).unwrap();
    assert!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.is_err());
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 10);
    assert_eq!(std::fs::read(&dest).unwrap(), b"abcdefghij");
    let leftovers: Vec<_> = std::fs::read_dir(h.path("")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["out.mp4"]);

    let missing = h.path("missing.mp4");
    let error = h.backend.download_url(&format!("{}/x.mp4", h.server.url), &missing, &NoProgress).await.unwrap_err();
    assert_eq!(error, ApiError::status(404, "not found"));
    assert!(!std::path::Path::new(&missing).exists());
    assert!(!std::path::Path::new(&format!("{missing}.part")).exists());

    let requests = h.server.requests();
    assert_eq!(requests[0].header("range"), None);
    assert_eq!(requests[2].header("range"), Some("bytes=4-"));
    assert_eq!(requests[2].header("if-range"), Some("\"v1\""));
    assert_eq!(requests[4].header("range"), Some("bytes=3-"));
    assert_eq!(requests[5].header("authorization"), None);
}

#[tokio::test]
async fn a_cut_download_keeps_its_part_for_the_next_attempt() {
    let h = harness(vec![cut_untagged(b"01234")]).await;
    let dest = h.path("out.mp4");
    let error = h.backend.download_url(&format!("{}/x.mp4", h.server.url), &dest, &NoProgress).await.unwrap_err();
    assert!(matches!(error, ApiError::MaybeSent(_)), "{error:?}");
    assert!(!std::path::Path::new(&dest).exists());
    assert_eq!(std::fs::read(format!("{dest}.part")).unwrap(), b"01234");
}

#[tokio::test]
async fn a_part_of_another_download_is_never_spliced_into_this_one() {
    let id = RenderId::parse("render_2").unwrap();
    let new_render = b"NEW-RENDER-0123456789";
    let h = harness(vec![cut_after(b"OLD-"), file(new_render, None), file(new_render, None)]).await;
    let dest = h.path("out.mp4");
    let part = format!("{dest}.part");
    // An earlier export of another render left its part.
    let old = RenderId::parse("render_1").unwrap();
    assert!(h.backend.download_render(&token(), &old, &dest, &NoProgress).await.is_err());
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 21);
    assert_eq!(std::fs::read(&dest).unwrap(), new_render);
    // Another program's leftover, with no sidecar at all.
    std::fs::remove_file(&dest).unwrap();
    std::fs::write(&part, b"JUNK").unwrap();
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 21);
    assert_eq!(std::fs::read(&dest).unwrap(), new_render);
    assert!(h.server.requests().iter().all(|r| r.header("range").is_none()));
}

#[tokio::test]
async fn a_part_whose_file_changed_on_the_server_is_fetched_again_from_zero() {
    let id = RenderId::parse("render_1").unwrap();
    let changed = b"the file is longer now";
    let h = harness(vec![
        cut_after(b"0123"),
        file(changed, Some("\"v2\"")),
        cut_untagged(b"0123"),
        file(changed, None),
        file(changed, None),
    ])
    .await;
    let dest = h.path("out.mp4");
    for _ in 0..2 {
        let _ = std::fs::remove_file(&dest);
        assert!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.is_err());
        assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 22);
        assert_eq!(std::fs::read(&dest).unwrap(), changed);
    }
    let requests = h.server.requests();
    // Another ETag: the server's `If-Range` answer is the whole file. No ETag, another size:
    // the 206 is refused and the file fetched again.
    assert_eq!(requests[1].header("if-range"), Some("\"v1\""));
    assert_eq!(requests[3].header("range"), Some("bytes=4-"));
    assert_eq!(requests[4].header("range"), None);
}

#[tokio::test]
async fn a_reply_shorter_than_announced_is_not_a_finished_file() {
    let id = RenderId::parse("render_1").unwrap();
    // A resumed reply without a length, announcing a 10-byte file, that ends 3 bytes short.
    let short = b"HTTP/1.1 206 X\r\ncontent-range: bytes 4-9/10\r\nconnection: close\r\n\r\n456".to_vec();
    let h = harness(vec![cut_after(b"0123"), Answer::Raw(short), file(b"0123456789", None)]).await;
    let dest = h.path("out.mp4");
    assert!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.is_err());
    let error = h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap_err();
    assert!(matches!(&error, ApiError::MaybeSent(m) if m.contains("7 of 10 bytes")), "{error:?}");
    assert!(!std::path::Path::new(&dest).exists());
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 10);
    assert_eq!(std::fs::read(&dest).unwrap(), b"0123456789");
}

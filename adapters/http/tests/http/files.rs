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

#[tokio::test]
async fn downloads_go_through_part_and_resume() {
    let id = RenderId::parse("render_1").unwrap();
    let h = harness(vec![
        Answer::Raw(http(200, &[], b"0123456789")),
        Answer::Raw(http(206, &[("content-range", "bytes 4-9/10")], b"456789")),
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
    std::fs::write(&part, b"0123").unwrap();
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 10);
    assert_eq!(std::fs::read(&dest).unwrap(), b"0123456789");

    std::fs::remove_file(&dest).unwrap();
    std::fs::write(&part, b"XYZ").unwrap();
    assert_eq!(h.backend.download_render(&token(), &id, &dest, &NoProgress).await.unwrap(), 10);
    assert_eq!(std::fs::read(&dest).unwrap(), b"abcdefghij");

    let missing = h.path("missing.mp4");
    let error = h.backend.download_url(&format!("{}/x.mp4", h.server.url), &missing, &NoProgress).await.unwrap_err();
    assert_eq!(error, ApiError::status(404, "not found"));
    assert!(!std::path::Path::new(&missing).exists());
    assert!(!std::path::Path::new(&format!("{missing}.part")).exists());

    let requests = h.server.requests();
    assert_eq!(requests[0].header("range"), None);
    assert_eq!(requests[1].header("range"), Some("bytes=4-"));
    assert_eq!(requests[2].header("range"), Some("bytes=3-"));
    assert_eq!(requests[3].header("authorization"), None);
}

#[tokio::test]
async fn a_cut_download_keeps_its_part_for_the_next_attempt() {
    let cut = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\n01234".to_vec();
    let h = harness(vec![Answer::Raw(cut)]).await;
    let dest = h.path("out.mp4");
    let error = h.backend.download_url(&format!("{}/x.mp4", h.server.url), &dest, &NoProgress).await.unwrap_err();
    assert!(matches!(error, ApiError::MaybeSent(_)), "{error:?}");
    assert!(!std::path::Path::new(&dest).exists());
    assert_eq!(std::fs::read(format!("{dest}.part")).unwrap(), b"01234");
}

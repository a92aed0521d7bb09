//! Upload: files and URLs checked (format, 500 MB) before a byte is sent, then sent one by
//! one to the current project's session.

use super::Nemo;
use crate::error::Error;
use crate::media::{Accepts, LocalMedia, MediaUrl};
use crate::model::Asset;
use crate::ports::{Backend, Clock, Progress, ProgressEvent, Store};

/// One thing to upload, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadSource {
    /// A local file, streamed by the adapter.
    File(LocalMedia),
    /// A remote URL the service fetches.
    Url(MediaUrl),
}

/// Checks a path or URL for upload. `size` is the file's size as the caller found it on disk
/// (`None` when the file does not exist or cannot be read).
///
/// # Errors
/// [`Error::MediaRefused`] for an unsupported format or a file over 500 MB;
/// [`Error::FileUnreadable`] when a local file was not found.
pub fn check_file(path_or_url: &str, size: Option<u64>) -> Result<UploadSource, Error> {
    check_file_among(path_or_url, size, &Accepts::CLOUD)
}

/// [`check_file`] for a backend that takes what `accepts` says of local files (URLs are the
/// service's: its table only).
///
/// # Errors
/// As [`check_file`].
pub fn check_file_among(path_or_url: &str, size: Option<u64>, accepts: &Accepts) -> Result<UploadSource, Error> {
    if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
        return MediaUrl::check(path_or_url).map(UploadSource::Url).map_err(Error::MediaRefused);
    }
    let size = size.ok_or_else(|| Error::FileUnreadable {
        path: path_or_url.to_owned(),
        reason: "no such file, or it cannot be read".to_owned(),
    })?;
    LocalMedia::check_among(path_or_url, size, accepts).map(UploadSource::File).map_err(Error::MediaRefused)
}

impl<B, C, S> Nemo<B, C, S>
where
    B: Backend + ?Sized,
    C: Clock + ?Sized,
    S: Store + ?Sized,
{
    /// `upload`: sends every file (one request each) and then all URLs (one request) to the
    /// current project, or a new project named after the first file when none is selected.
    ///
    /// # Errors
    /// Connection and refusal errors (4001, 4002, 2001...), [`Error::Store`].
    pub async fn upload(&self, sources: &[UploadSource], progress: &dyn Progress) -> Result<Vec<Asset>, Error> {
        let default_name = sources.first().map_or("project", |s| match s {
            UploadSource::File(file) => file.file_name(),
            UploadSource::Url(_) => "project",
        });
        let mut project = self.current_or_new_project(default_name, progress).await?;
        let backend = &*self.backend;
        let mut assets = Vec::new();
        for source in sources {
            let UploadSource::File(file) = source else { continue };
            progress.report(ProgressEvent::Step(format!("Uploading {}…", file.file_name())));
            let (next, result) = self
                .with_session(project, progress, |token, p| async move {
                    backend.upload_file(&token, &p.session_id, file, progress).await
                })
                .await?;
            project = next;
            assets.extend(result.files);
        }
        let urls: Vec<MediaUrl> = sources
            .iter()
            .filter_map(|s| match s {
                UploadSource::Url(url) => Some(url.clone()),
                UploadSource::File(_) => None,
            })
            .collect();
        if !urls.is_empty() {
            progress.report(ProgressEvent::Step(format!("Adding {} URL(s)…", urls.len())));
            let urls = &urls;
            let (_, result) = self
                .with_session(project, progress, |token, p| async move {
                    backend.upload_urls(&token, &p.session_id, urls).await
                })
                .await?;
            assets.extend(result.files);
        }
        Ok(assets)
    }
}

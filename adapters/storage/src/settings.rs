//! What nemoctl and nemod resolve alike, so that both talk to the same service over the same
//! files: the config and state directories, the service's URLs (given > `config.toml` >
//! default), the user's own credentials from the environment and the speech model
//! (`NEMO_WHISPER_MODEL` > `config.toml`).

use std::path::{Path, PathBuf};

use nemo_core::ids::{ClientId, Token};

use crate::ConfigFile;

/// The environment variable naming the speech model; it wins over `config.toml`.
pub const WHISPER_MODEL_VARIABLE: &str = "NEMO_WHISPER_MODEL";

/// The API when nothing else is said.
pub const DEFAULT_API_URL: &str = "https://mega-api-prod.nemovideo.ai";
/// The web site when nothing else is said.
pub const DEFAULT_WEB_URL: &str = "https://nemovideo.com";

/// `NEMO_CONFIG_DIR` when set, else `HOME/.config/nemovideo`.
///
/// # Errors
/// When neither is set.
pub fn config_dir(nemo_config_dir: Option<&str>, home: Option<&str>) -> Result<PathBuf, String> {
    dir("NEMO_CONFIG_DIR", nemo_config_dir, home, ".config/nemovideo")
}

/// `NEMO_STATE_DIR` when set, else `HOME/.local/state/nemovideo`.
///
/// # Errors
/// When neither is set.
pub fn state_dir(nemo_state_dir: Option<&str>, home: Option<&str>) -> Result<PathBuf, String> {
    dir("NEMO_STATE_DIR", nemo_state_dir, home, ".local/state/nemovideo")
}

fn dir(var: &str, explicit: Option<&str>, home: Option<&str>, under_home: &str) -> Result<PathBuf, String> {
    match (explicit, home) {
        (Some(dir), _) => Ok(PathBuf::from(dir)),
        (None, Some(home)) => Ok(Path::new(home).join(under_home)),
        (None, None) => Err(format!("HOME is not set, so there is no default for {under_home}; set {var}")),
    }
}

/// The API: `given` (a flag or `NEMO_API_URL`), else `config.toml`'s `api_url`, else
/// [`DEFAULT_API_URL`]; without a trailing slash.
#[must_use]
pub fn api_url(given: Option<&str>, file: &ConfigFile) -> String {
    url(given, file, "api_url", DEFAULT_API_URL)
}

/// The web site: `given` (a flag or `NEMO_WEB_URL`), else `config.toml`'s `web_url`, else
/// [`DEFAULT_WEB_URL`]; without a trailing slash.
#[must_use]
pub fn web_url(given: Option<&str>, file: &ConfigFile) -> String {
    url(given, file, "web_url", DEFAULT_WEB_URL)
}

/// The whisper.cpp model for captions from speech: `from_env` (`NEMO_WHISPER_MODEL`), else
/// `config.toml`'s `whisper_model`, else none.
#[must_use]
pub fn whisper_model(from_env: Option<&str>, file: &ConfigFile) -> Option<PathBuf> {
    let from_file = file.get("whisper_model").filter(|v| !v.trim().is_empty());
    from_env.map(str::to_owned).or(from_file).map(PathBuf::from)
}

fn url(given: Option<&str>, file: &ConfigFile, key: &str, default: &str) -> String {
    let from_file = file.get(key).filter(|v| !v.trim().is_empty());
    given
        .map(str::to_owned)
        .or(from_file)
        .map_or_else(|| default.to_owned(), |v| v.trim().trim_end_matches('/').to_owned())
}

/// `NEMO_TOKEN` and `NEMO_CLIENT_ID`, checked.
///
/// # Errors
/// A message naming the variable that cannot be used.
pub fn env_credentials(
    token: Option<&str>,
    client_id: Option<&str>,
) -> Result<(Option<Token>, Option<ClientId>), String> {
    let token = token
        .map(|t| Token::new(t.trim()))
        .transpose()
        .map_err(|e| format!("NEMO_TOKEN is not usable: {}", e.reason))?;
    let client_id =
        client_id.map(ClientId::parse).transpose().map_err(|_| "NEMO_CLIENT_ID is not a UUID".to_owned())?;
    Ok((token, client_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_url_wins_over_config_toml_which_wins_over_the_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(api_url(None, &ConfigFile::load(dir.path()).unwrap()), DEFAULT_API_URL);
        std::fs::write(dir.path().join(ConfigFile::NAME), "api_url = \"http://127.0.0.1:9/\"\nweb_url = \" \"\n")
            .unwrap();
        let file = ConfigFile::load(dir.path()).unwrap();
        assert_eq!(api_url(None, &file), "http://127.0.0.1:9");
        assert_eq!(api_url(Some("http://flag/"), &file), "http://flag");
        assert_eq!(web_url(None, &file), DEFAULT_WEB_URL, "a blank value says nothing");
    }
}

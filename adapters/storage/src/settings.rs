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

/// Where a user's files go when nothing names them: `HOME` and the XDG base directories
/// that override its defaults (read from the environment by the apps).
#[derive(Debug, Clone, Copy, Default)]
pub struct UserDirs<'a> {
    /// `HOME`.
    pub home: Option<&'a str>,
    /// `XDG_CONFIG_HOME` (used only when absolute, as the XDG spec says).
    pub xdg_config_home: Option<&'a str>,
    /// `XDG_STATE_HOME` (used only when absolute).
    pub xdg_state_home: Option<&'a str>,
}

/// `NEMO_CONFIG_DIR` when set, else `XDG_CONFIG_HOME/nemovideo`, else
/// `HOME/.config/nemovideo`.
///
/// # Errors
/// When none is set.
pub fn config_dir(nemo_config_dir: Option<&str>, user: UserDirs<'_>) -> Result<PathBuf, String> {
    dir("NEMO_CONFIG_DIR", nemo_config_dir, user.xdg_config_home, user.home, ".config")
}

/// `NEMO_STATE_DIR` when set, else `XDG_STATE_HOME/nemovideo`, else
/// `HOME/.local/state/nemovideo`.
///
/// # Errors
/// When none is set.
pub fn state_dir(nemo_state_dir: Option<&str>, user: UserDirs<'_>) -> Result<PathBuf, String> {
    dir("NEMO_STATE_DIR", nemo_state_dir, user.xdg_state_home, user.home, ".local/state")
}

fn dir(
    var: &str,
    explicit: Option<&str>,
    xdg: Option<&str>,
    home: Option<&str>,
    base_under_home: &str,
) -> Result<PathBuf, String> {
    const OURS: &str = "nemovideo";
    match (explicit, xdg.filter(|x| Path::new(x).is_absolute()), home) {
        (Some(dir), ..) => Ok(PathBuf::from(dir)),
        (None, Some(xdg), _) => Ok(Path::new(xdg).join(OURS)),
        (None, None, Some(home)) => Ok(Path::new(home).join(base_under_home).join(OURS)),
        (None, None, None) => {
            Err(format!("HOME is not set, so there is no default for {base_under_home}/{OURS}; set {var}"))
        }
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
    fn the_projects_own_variables_win_then_xdg_then_home() {
        let user = UserDirs { home: Some("/home/me"), xdg_config_home: Some("/xdg/c"), xdg_state_home: Some("/xdg/s") };
        assert_eq!(config_dir(Some("/mine"), user), Ok(PathBuf::from("/mine")));
        assert_eq!(config_dir(None, user), Ok(PathBuf::from("/xdg/c/nemovideo")));
        assert_eq!(state_dir(None, user), Ok(PathBuf::from("/xdg/s/nemovideo")));
        let home_only = UserDirs { home: Some("/home/me"), ..UserDirs::default() };
        assert_eq!(config_dir(None, home_only), Ok(PathBuf::from("/home/me/.config/nemovideo")));
        assert_eq!(state_dir(None, home_only), Ok(PathBuf::from("/home/me/.local/state/nemovideo")));
        // A relative XDG value is to be ignored (the XDG spec).
        let relative = UserDirs { xdg_state_home: Some("state"), ..home_only };
        assert_eq!(state_dir(None, relative), Ok(PathBuf::from("/home/me/.local/state/nemovideo")));
        assert!(state_dir(None, UserDirs::default()).unwrap_err().contains("NEMO_STATE_DIR"));
    }

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

//! Stage two of parsing: raw clap values + environment + `config.toml` → one validated
//! [`Config`]. Precedence everywhere: flag > environment > `config.toml` > default.

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;
use nemo_core::attribution::{self, Attribution, Profile};
use nemo_core::ids::{ClientId, Token};
use nemo_storage::{ConfigFile, settings};

use crate::cli::{BackendKind, Global};
use crate::failure::CliError;

/// The keys `config.toml` understands.
pub const KEYS: &[&str] =
    &["api_url", "web_url", "backend", "skill", "lang", "output_dir", "render_timeout", "whisper_model"];

/// How long `export` waits for a render when nothing else is said (the core's deadline).
pub const DEFAULT_RENDER_TIMEOUT: Duration = Duration::from_secs(600);

/// Everything a command needs to know, validated.
#[derive(Debug)]
pub struct Config {
    /// The backend.
    pub backend: BackendKind,
    /// The API base URL, without a trailing slash.
    pub api_url: String,
    /// The web URL, without a trailing slash.
    pub web_url: String,
    /// The attribution profile.
    pub profile: &'static Profile,
    /// The three attribution headers' values.
    pub attribution: Attribution,
    /// `--project`: one command on another project.
    pub project: Option<String>,
    /// Language for new sessions.
    pub lang: String,
    /// Where `export` puts files by default.
    pub output_dir: PathBuf,
    /// How long to wait for a render before giving up (it keeps running on the service).
    pub render_timeout: Duration,
    /// `NEMO_TOKEN` (its `Debug` prints `***`).
    pub env_token: Option<Token>,
    /// `NEMO_CLIENT_ID`.
    pub env_client_id: Option<ClientId>,
    /// `NEMO_CONFIG_DIR`.
    pub config_dir: PathBuf,
    /// `NEMO_STATE_DIR`.
    pub state_dir: PathBuf,
    /// `-v`.
    pub verbose: bool,
    /// The whisper.cpp model for captions from speech offline (`NEMO_WHISPER_MODEL` >
    /// `config.toml`).
    pub whisper_model: Option<PathBuf>,
}

/// The environment variables nemoctl reads, read once.
#[derive(Debug, Default)]
pub struct Env {
    token: Option<String>,
    client_id: Option<String>,
    skill_source: Option<String>,
    config_dir: Option<String>,
    state_dir: Option<String>,
    lang: Option<String>,
    home: Option<String>,
    whisper_model: Option<String>,
}

impl Env {
    /// Reads the process environment (blank values count as unset).
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            token: var("NEMO_TOKEN"),
            client_id: var("NEMO_CLIENT_ID"),
            skill_source: var("SKILL_SOURCE"),
            config_dir: var("NEMO_CONFIG_DIR"),
            state_dir: var("NEMO_STATE_DIR"),
            lang: var("LANG"),
            home: var("HOME"),
            whisper_model: var(settings::WHISPER_MODEL_VARIABLE),
        }
    }

    /// `NEMO_CONFIG_DIR`, default `~/.config/nemovideo`.
    ///
    /// # Errors
    /// When neither it nor `HOME` is set.
    pub fn config_dir(&self) -> Result<PathBuf, CliError> {
        settings::config_dir(self.config_dir.as_deref(), self.home.as_deref()).map_err(CliError::Config)
    }

    /// `NEMO_STATE_DIR`, default `~/.local/state/nemovideo`.
    fn state_dir(&self) -> Result<PathBuf, CliError> {
        settings::state_dir(self.state_dir.as_deref(), self.home.as_deref()).map_err(CliError::Config)
    }
}

/// Builds the [`Config`]; `render_timeout` is the command's `--render-timeout`, if any.
///
/// # Errors
/// [`CliError::Config`] for a value that cannot be used, naming where it came from.
pub fn resolve(global: &Global, render_timeout: Option<u64>, env: &Env) -> Result<Config, CliError> {
    let config_dir = env.config_dir()?;
    let file = ConfigFile::load(&config_dir).map_err(|e| CliError::Config(e.0))?;
    let from_file = |key: &str| file.get(key).filter(|v| !v.trim().is_empty());

    let backend = if global.offline {
        BackendKind::Offline
    } else if let Some(backend) = global.backend {
        backend
    } else if let Some(name) = from_file("backend") {
        parse_backend(&name).map_err(|e| CliError::Config(format!("{} (in {})", e, file.path().display())))?
    } else {
        BackendKind::Cloud
    };
    let skill =
        global.skill.clone().or_else(|| from_file("skill")).unwrap_or_else(|| attribution::DEFAULT_PROFILE.into());
    let profile = check_skill(&skill)?;
    let executable = std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let platform = attribution::detect_platform(env.skill_source.as_deref(), &executable);
    let (env_token, env_client_id) =
        settings::env_credentials(env.token.as_deref(), env.client_id.as_deref()).map_err(CliError::Config)?;
    let lang = global
        .lang
        .clone()
        .or_else(|| from_file("lang"))
        .or_else(|| env.lang.as_deref().and_then(lang_from_locale))
        .unwrap_or_else(|| "en".into());
    let render_timeout = match (render_timeout, from_file("render_timeout")) {
        (Some(secs), _) => Duration::from_secs(secs),
        (None, Some(text)) => {
            parse_seconds(&text).map_err(|e| CliError::Config(format!("{e} (in {})", file.path().display())))?
        }
        (None, None) => DEFAULT_RENDER_TIMEOUT,
    };
    Ok(Config {
        backend,
        api_url: settings::api_url(global.api_url.as_deref(), &file),
        web_url: settings::web_url(global.web_url.as_deref(), &file),
        profile,
        attribution: Attribution::new(profile, platform),
        project: global.project.clone().filter(|p| !p.trim().is_empty()),
        lang,
        output_dir: from_file("output_dir").map_or_else(|| PathBuf::from("."), PathBuf::from),
        render_timeout,
        env_token,
        env_client_id,
        config_dir,
        state_dir: env.state_dir()?,
        verbose: global.verbose,
        whisper_model: settings::whisper_model(env.whisper_model.as_deref(), &file),
    })
}

/// `render_timeout`: a whole number of seconds, at least 1.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(format!("render_timeout must be a whole number of seconds, at least 1 (not {text:?})")),
    }
}

/// A backend's name as in config.toml, read by the same rule as `--backend`.
fn parse_backend(name: &str) -> Result<BackendKind, String> {
    BackendKind::from_str(name.trim(), false)
        .map_err(|_| format!("unknown backend {:?}: use cloud, offline or daemon", name.trim()))
}

fn check_skill(name: &str) -> Result<&'static Profile, CliError> {
    attribution::profile(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = attribution::profiles().iter().map(|p| p.name).collect();
        CliError::Config(format!("unknown skill profile {name:?}; choose one of: {}", names.join(", ")))
    })
}

/// `zh_CN.UTF-8` → `zh`; `C` and `POSIX` say nothing.
fn lang_from_locale(locale: &str) -> Option<String> {
    let code: String = locale.chars().take_while(char::is_ascii_alphabetic).collect();
    (code.len() >= 2 && code != "C" && code != "POSIX").then(|| code.to_ascii_lowercase())
}

/// The value in effect for `config get KEY`.
///
/// # Errors
/// [`CliError::Config`] for an unknown key.
pub fn effective(config: &Config, key: &str) -> Result<String, CliError> {
    Ok(match key {
        "api_url" => config.api_url.clone(),
        "web_url" => config.web_url.clone(),
        "backend" => config.backend.name().to_owned(),
        "skill" => config.profile.name.to_owned(),
        "lang" => config.lang.clone(),
        "output_dir" => config.output_dir.to_string_lossy().into_owned(),
        "render_timeout" => config.render_timeout.as_secs().to_string(),
        "whisper_model" => config.whisper_model.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default(),
        other => return Err(unknown_key(other)),
    })
}

/// Checks a value before `config set` stores it, and gives the value to store (a model's
/// path made absolute, so that it names the same file from any directory).
///
/// # Errors
/// [`CliError::Config`] for an unknown key or an unusable value; [`CliError::Usage`] for a
/// `whisper_model` that is not a file.
pub fn check_setting(key: &str, value: &str) -> Result<String, CliError> {
    match key {
        "backend" => parse_backend(value).map(drop).map_err(CliError::Config)?,
        "skill" => check_skill(value).map(drop)?,
        "render_timeout" => parse_seconds(value).map(drop).map_err(CliError::Config)?,
        "whisper_model" => return model_file(value),
        "api_url" | "web_url" if !(value.starts_with("http://") || value.starts_with("https://")) => {
            return Err(CliError::Config(format!("{key} must start with http:// or https://")));
        }
        _ if KEYS.contains(&key) => {}
        other => return Err(unknown_key(other)),
    }
    Ok(value.to_owned())
}

/// `whisper_model`: an existing file, as an absolute path.
fn model_file(value: &str) -> Result<String, CliError> {
    let path = std::path::Path::new(value);
    match std::fs::canonicalize(path) {
        Ok(absolute) if absolute.is_file() => Ok(absolute.to_string_lossy().into_owned()),
        Ok(_) => Err(CliError::Usage(format!("whisper_model: {value} is a directory, not a whisper.cpp model file"))),
        Err(e) => Err(CliError::Usage(format!("whisper_model: {value} cannot be used as the speech model ({e})"))),
    }
}

fn unknown_key(key: &str) -> CliError {
    CliError::Config(format!("unknown setting {key:?}; the settings are {}", KEYS.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_give_a_language() {
        assert_eq!(lang_from_locale("zh_CN.UTF-8").as_deref(), Some("zh"));
        assert_eq!(lang_from_locale("en_US").as_deref(), Some("en"));
        assert_eq!(lang_from_locale("C"), None);
        assert_eq!(lang_from_locale("POSIX"), None);
    }

    #[test]
    fn settings_are_checked_before_they_are_stored() {
        assert!(check_setting("skill", "instagram-reels-maker").is_ok());
        assert!(check_setting("skill", "nope").is_err());
        assert!(check_setting("backend", "offline").is_ok());
        assert!(check_setting("api_url", "ftp://x").is_err());
        assert!(check_setting("token", "x").is_err());
        assert!(check_setting("render_timeout", "90").is_ok());
        assert!(check_setting("render_timeout", "0").is_err());
        assert!(check_setting("render_timeout", "1.5").is_err());
        let missing =
            check_setting("whisper_model", "/no/such/ggml-base.bin").err().map(|e| (e.exit_code(), e.message()));
        let (code, message) = missing.unwrap_or_default();
        assert_eq!(code, 2);
        assert!(message.starts_with("whisper_model: /no/such/ggml-base.bin cannot be used"), "{message}");
        assert!(check_setting("whisper_model", "/").is_err());
    }

    #[test]
    fn render_timeouts_are_whole_seconds() {
        assert_eq!(parse_seconds(" 30 "), Ok(Duration::from_secs(30)));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("soon").is_err());
    }
}

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
pub const KEYS: &[&str] = &[
    "api_url",
    "web_url",
    "backend",
    "skill",
    "lang",
    "output_dir",
    "render_timeout",
    "request_timeout",
    "whisper_model",
];

/// How long `export` waits for a render when nothing else is said (the core's deadline).
pub const DEFAULT_RENDER_TIMEOUT: Duration = Duration::from_secs(600);

/// How long one call to the service may take, its retries and their waits included, when
/// nothing else is said (streams, uploads and downloads aside: the idle timeout rules them).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

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
    /// How long one call may take, its retries included (`request_timeout`).
    pub request_timeout: Duration,
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
    xdg_config_home: Option<String>,
    xdg_state_home: Option<String>,
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
            xdg_config_home: var("XDG_CONFIG_HOME"),
            xdg_state_home: var("XDG_STATE_HOME"),
            whisper_model: var(settings::WHISPER_MODEL_VARIABLE),
        }
    }

    fn user_dirs(&self) -> settings::UserDirs<'_> {
        settings::UserDirs {
            home: self.home.as_deref(),
            xdg_config_home: self.xdg_config_home.as_deref(),
            xdg_state_home: self.xdg_state_home.as_deref(),
        }
    }

    /// `NEMO_CONFIG_DIR`, else `XDG_CONFIG_HOME/nemovideo`, else `~/.config/nemovideo`.
    ///
    /// # Errors
    /// When neither it nor `HOME` is set.
    pub fn config_dir(&self) -> Result<PathBuf, CliError> {
        settings::config_dir(self.config_dir.as_deref(), self.user_dirs()).map_err(CliError::Config)
    }

    /// `NEMO_STATE_DIR`, else `XDG_STATE_HOME/nemovideo`, else `~/.local/state/nemovideo`.
    fn state_dir(&self) -> Result<PathBuf, CliError> {
        settings::state_dir(self.state_dir.as_deref(), self.user_dirs()).map_err(CliError::Config)
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

    let file_path = file.path().display().to_string();
    let in_file = |key: &'static str| {
        let file_path = &file_path;
        move |problem: String| setting(key, format!("{problem} (in {file_path})"))
    };
    let backend = if global.offline {
        BackendKind::Offline
    } else if let Some(backend) = global.backend {
        backend
    } else if let Some(name) = from_file("backend") {
        parse_backend(&name).map_err(in_file("backend"))?
    } else {
        BackendKind::Cloud
    };
    let profile = match (&global.skill, from_file("skill")) {
        (Some(skill), _) => check_skill(skill).map_err(|problem| setting("skill", problem))?,
        (None, Some(skill)) => check_skill(&skill).map_err(in_file("skill"))?,
        (None, None) => check_skill(attribution::DEFAULT_PROFILE).map_err(|problem| setting("skill", problem))?,
    };
    let executable = std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let platform = attribution::detect_platform(env.skill_source.as_deref(), &executable);
    let (env_token, env_client_id) =
        settings::env_credentials(env.token.as_deref(), env.client_id.as_deref()).map_err(CliError::Config)?;
    let lang = match (&global.lang, from_file("lang")) {
        (Some(code), _) => parse_lang(code).map_err(|problem| setting("lang", problem))?,
        (None, Some(code)) => parse_lang(&code).map_err(in_file("lang"))?,
        // A locale says what it can; one that names no language leaves the default.
        (None, None) => env.lang.as_deref().and_then(lang_from_locale).unwrap_or_else(|| "en".into()),
    };
    let render_timeout = match (render_timeout, from_file("render_timeout")) {
        (Some(secs), _) => Duration::from_secs(secs),
        (None, Some(text)) => parse_seconds("render_timeout", &text).map_err(in_file("render_timeout"))?,
        (None, None) => DEFAULT_RENDER_TIMEOUT,
    };
    let request_timeout = match from_file("request_timeout") {
        Some(text) => parse_seconds("request_timeout", &text).map_err(in_file("request_timeout"))?,
        None => DEFAULT_REQUEST_TIMEOUT,
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
        request_timeout,
        env_token,
        env_client_id,
        config_dir,
        state_dir: env.state_dir()?,
        verbose: global.verbose,
        whisper_model: settings::whisper_model(env.whisper_model.as_deref(), &file),
    })
}

/// `render_timeout`, `request_timeout` (`key`): a whole number of seconds, at least 1.
fn parse_seconds(key: &str, text: &str) -> Result<Duration, String> {
    match text.trim().parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(format!("{key} must be a whole number of seconds, at least 1 (not {text:?})")),
    }
}

/// A backend's name as in config.toml, read by the same rule as `--backend`.
fn parse_backend(name: &str) -> Result<BackendKind, String> {
    BackendKind::from_str(name.trim(), false)
        .map_err(|_| format!("unknown backend {:?}: use cloud, offline or daemon", name.trim()))
}

fn check_skill(name: &str) -> Result<&'static Profile, String> {
    attribution::profile(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = attribution::profiles().iter().map(|p| p.name).collect();
        format!("unknown skill profile {name:?}; choose one of: {}", names.join(", "))
    })
}

/// `lang`: a language code — two or three letters, optionally a region (`en`, `zh-CN`,
/// `pt_BR`, `es-419`) — kept as written.
fn parse_lang(code: &str) -> Result<String, String> {
    let code = code.trim();
    let (language, region) = code.split_once(['-', '_']).map_or((code, None), |(l, r)| (l, Some(r)));
    let letters = |text: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphabetic())
    };
    let region_ok = region.is_none_or(|r| letters(r, 2..=2) || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit())));
    if letters(language, 2..=3) && region_ok {
        Ok(code.to_owned())
    } else {
        Err(format!("unknown language {code:?}: use a language code such as en, zh or zh-CN"))
    }
}

/// A setting that cannot be used: exit 2, the key named.
fn setting(key: &str, problem: String) -> CliError {
    CliError::Setting(if problem.starts_with(key) { problem } else { format!("{key}: {problem}") })
}

/// `zh_CN.UTF-8` → `zh`; `C` and `POSIX` say nothing.
fn lang_from_locale(locale: &str) -> Option<String> {
    let code: String = locale.chars().take_while(char::is_ascii_alphabetic).collect();
    (code.len() >= 2 && code != "C" && code != "POSIX").then(|| code.to_ascii_lowercase())
}

/// The value in effect for `config get KEY`.
///
/// # Errors
/// [`CliError::Setting`] for an unknown key.
pub fn effective(config: &Config, key: &str) -> Result<String, CliError> {
    Ok(match key {
        "api_url" => config.api_url.clone(),
        "web_url" => config.web_url.clone(),
        "backend" => config.backend.name().to_owned(),
        "skill" => config.profile.name.to_owned(),
        "lang" => config.lang.clone(),
        "output_dir" => config.output_dir.to_string_lossy().into_owned(),
        "render_timeout" => config.render_timeout.as_secs().to_string(),
        "request_timeout" => config.request_timeout.as_secs().to_string(),
        "whisper_model" => config.whisper_model.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default(),
        other => return Err(unknown_key(other)),
    })
}

/// Checks a value before `config set` stores it, and gives the value to store (a model's
/// path made absolute, so that it names the same file from any directory).
///
/// # Errors
/// [`CliError::Setting`] for an unknown key or an unusable value; else the value as it is
/// stored (a `whisper_model` made absolute).
pub fn check_setting(key: &str, value: &str) -> Result<String, CliError> {
    let checked = match key {
        "backend" => parse_backend(value).map(drop),
        "skill" => check_skill(value).map(drop),
        "lang" => parse_lang(value).map(drop),
        "render_timeout" | "request_timeout" => parse_seconds(key, value).map(drop),
        "whisper_model" => return model_file(value),
        "api_url" | "web_url" if !(value.starts_with("http://") || value.starts_with("https://")) => {
            Err(format!("{key} must start with http:// or https://"))
        }
        _ if KEYS.contains(&key) => Ok(()),
        other => return Err(unknown_key(other)),
    };
    checked.map(|()| value.to_owned()).map_err(|problem| setting(key, problem))
}

/// `whisper_model`: an existing file, as an absolute path.
fn model_file(value: &str) -> Result<String, CliError> {
    let path = std::path::Path::new(value);
    match std::fs::canonicalize(path) {
        Ok(absolute) if absolute.is_file() => Ok(absolute.to_string_lossy().into_owned()),
        Ok(_) => Err(CliError::Setting(format!("whisper_model: {value} is a directory, not a whisper.cpp model file"))),
        Err(e) => Err(CliError::Setting(format!("whisper_model: {value} cannot be used as the speech model ({e})"))),
    }
}

fn unknown_key(key: &str) -> CliError {
    CliError::Setting(format!("unknown setting {key:?}; the settings are {}", KEYS.join(", ")))
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
        assert!(check_setting("lang", "zh-CN").is_ok());
        let refused = check_setting("lang", "klingon!").unwrap_err();
        assert_eq!(refused.exit_code(), 2);
        assert!(refused.message().starts_with("lang: unknown language \"klingon!\""), "{}", refused.message());
        let refused = check_setting("render_timeout", "soon").unwrap_err();
        assert_eq!(refused.exit_code(), 2);
        assert!(refused.message().starts_with("render_timeout must be"), "{}", refused.message());
    }

    #[test]
    fn languages_are_codes() {
        for code in ["en", "zh", "zh-CN", "pt_BR", "es-419", "yue"] {
            assert_eq!(parse_lang(code).as_deref(), Ok(code));
        }
        for code in ["english", "e", "zh-", "12", "en-USA", ""] {
            assert!(parse_lang(code).is_err(), "{code}");
        }
    }

    #[test]
    fn render_timeouts_are_whole_seconds() {
        assert_eq!(parse_seconds("render_timeout", " 30 "), Ok(Duration::from_secs(30)));
        assert!(parse_seconds("render_timeout", "-1").is_err());
        assert!(parse_seconds("render_timeout", "soon").is_err());
        assert!(check_setting("request_timeout", "20").is_ok());
        let refused = check_setting("request_timeout", "0").unwrap_err();
        assert!(refused.message().starts_with("request_timeout must be"), "{}", refused.message());
    }
}

//! Stage two of parsing: the raw [`DaemonArgs`] plus the environment and `config.toml` → one
//! validated [`DaemonConfig`]. The directories, URLs and credentials are resolved by the same
//! code as nemoctl's ([`nemo_storage::settings`]): flag > environment > `config.toml` > default.

use nemo_core::attribution::{self, Attribution};
use nemo_storage::{ConfigFile, settings};

use crate::cli::{DaemonArgs, DaemonBackend};
use crate::daemon::{BackendChoice, DaemonConfig};
use crate::token::BearerToken;

/// The TCP token's default file name inside the state directory.
pub const TOKEN_FILE: &str = "nemod.token";

/// Builds the daemon's config. The TCP token file is read (or created) here, so that its
/// problems are reported before anything starts; the message tells where a new one went.
///
/// # Errors
/// A message naming the bad value.
pub fn resolve(args: &DaemonArgs) -> Result<(DaemonConfig, Option<String>), String> {
    resolve_in(args, |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

/// [`resolve`] with the environment variables `env` gives (blank ones as unset).
fn resolve_in(
    args: &DaemonArgs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<(DaemonConfig, Option<String>), String> {
    let (home, xdg_config_home, xdg_state_home) = (env("HOME"), env("XDG_CONFIG_HOME"), env("XDG_STATE_HOME"));
    let user = settings::UserDirs {
        home: home.as_deref(),
        xdg_config_home: xdg_config_home.as_deref(),
        xdg_state_home: xdg_state_home.as_deref(),
    };
    let state_dir = settings::state_dir(env("NEMO_STATE_DIR").as_deref(), user)?;
    let config_dir = settings::config_dir(env("NEMO_CONFIG_DIR").as_deref(), user)?;
    let file = ConfigFile::load(&config_dir).map_err(|e| e.0)?;
    let skill = args.skill.clone().unwrap_or_else(|| attribution::DEFAULT_PROFILE.into());
    let profile = attribution::profile(skill.trim()).ok_or_else(|| format!("unknown skill profile {skill:?}"))?;
    let executable = std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let platform = attribution::detect_platform(env("SKILL_SOURCE").as_deref(), &executable);
    let (env_token, env_client_id) =
        settings::env_credentials(env("NEMO_TOKEN").as_deref(), env("NEMO_CLIENT_ID").as_deref())?;
    let backend = match args.backend {
        DaemonBackend::Cloud => BackendChoice::Cloud { api_url: settings::api_url(args.api_url.as_deref(), &file) },
        DaemonBackend::Offline => BackendChoice::Offline,
    };
    let (listen, note) = match args.listen {
        Some(addr) => {
            let path = args.token_file.clone().unwrap_or_else(|| state_dir.join(TOKEN_FILE));
            let (token, created) = BearerToken::load_or_create(&path)?;
            let note = created.then(|| format!("a new bearer token for --listen was written to {}", path.display()));
            (Some((addr, token)), note)
        }
        None => (None, None),
    };
    let config = DaemonConfig {
        state_dir,
        config_dir,
        backend,
        attribution: Attribution::new(profile, platform),
        env_token,
        env_client_id,
        web_url: settings::web_url(args.web_url.as_deref(), &file),
        listen,
        max_jobs: usize::from(args.max_jobs),
        whisper_model: settings::whisper_model(env(settings::WHISPER_MODEL_VARIABLE).as_deref(), &file),
    };
    Ok((config, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(api_url: Option<&str>) -> DaemonArgs {
        DaemonArgs {
            backend: DaemonBackend::Cloud,
            api_url: api_url.map(str::to_owned),
            web_url: None,
            skill: None,
            listen: None,
            token_file: None,
            max_jobs: 4,
            verbose: false,
        }
    }

    #[test]
    fn the_api_url_set_with_nemoctl_config_is_the_daemons_unless_a_flag_or_the_environment_says_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let config_dir = dir.path().join("config");
        std::fs::create_dir(&config_dir).unwrap();
        std::fs::write(config_dir.join(ConfigFile::NAME), "api_url = \"http://127.0.0.1:8787/\"\n").unwrap();
        let env = |name: &str| match name {
            "NEMO_CONFIG_DIR" => Some(config_dir.to_string_lossy().into_owned()),
            "NEMO_STATE_DIR" => Some(dir.path().join("state").to_string_lossy().into_owned()),
            _ => None,
        };
        let api_url = |given| match resolve_in(&args(given), env).unwrap().0.backend {
            BackendChoice::Cloud { api_url } => api_url,
            BackendChoice::Offline => unreachable!("a cloud daemon"),
        };
        assert_eq!(api_url(None), "http://127.0.0.1:8787");
        assert_eq!(api_url(Some("http://elsewhere")), "http://elsewhere");
    }

    #[test]
    fn the_speech_model_set_with_nemoctl_config_is_the_daemons_unless_the_environment_names_another() {
        let dir = tempfile::tempdir().unwrap();
        let config_dir = dir.path().join("config");
        std::fs::create_dir(&config_dir).unwrap();
        std::fs::write(config_dir.join(ConfigFile::NAME), "whisper_model = \"/models/ggml-base.bin\"\n").unwrap();
        let model = |from_env: Option<&str>| {
            let env = |name: &str| match name {
                "NEMO_CONFIG_DIR" => Some(config_dir.to_string_lossy().into_owned()),
                "NEMO_STATE_DIR" => Some(dir.path().join("state").to_string_lossy().into_owned()),
                "NEMO_WHISPER_MODEL" => from_env.map(str::to_owned),
                _ => None,
            };
            resolve_in(&args(None), env).unwrap().0.whisper_model
        };
        assert_eq!(model(None), Some("/models/ggml-base.bin".into()));
        assert_eq!(model(Some("/other/ggml-tiny.bin")), Some("/other/ggml-tiny.bin".into()));
    }
}

//! Stage two of parsing: the raw [`DaemonArgs`] plus the environment → one validated
//! [`DaemonConfig`]. The same variables as nemoctl, with the same defaults.

use std::path::{Path, PathBuf};

use nemo_core::attribution::{self, Attribution};
use nemo_core::ids::{ClientId, Token};

use crate::cli::{DaemonArgs, DaemonBackend};
use crate::daemon::{BackendChoice, DaemonConfig};
use crate::token::BearerToken;

/// The API when nothing else is said.
pub const DEFAULT_API_URL: &str = "https://mega-api-prod.nemovideo.ai";
/// The web site when nothing else is said.
pub const DEFAULT_WEB_URL: &str = "https://nemovideo.com";
/// The TCP token's default file name inside the state directory.
pub const TOKEN_FILE: &str = "nemod.token";

/// `NEMO_STATE_DIR`, default `~/.local/state/nemovideo`.
///
/// # Errors
/// When neither it nor `HOME` is set.
pub fn state_dir() -> Result<PathBuf, String> {
    dir("NEMO_STATE_DIR", ".local/state/nemovideo")
}

fn dir(var: &str, under_home: &str) -> Result<PathBuf, String> {
    let get = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match (get(var), get("HOME")) {
        (Some(dir), _) => Ok(PathBuf::from(dir)),
        (None, Some(home)) => Ok(Path::new(&home).join(under_home)),
        (None, None) => Err(format!("HOME is not set, so there is no default for {under_home}; set {var}")),
    }
}

/// Builds the daemon's config. The TCP token file is read (or created) here, so that its
/// problems are reported before anything starts; the message tells where a new one went.
///
/// # Errors
/// A message naming the bad value.
pub fn resolve(args: &DaemonArgs) -> Result<(DaemonConfig, Option<String>), String> {
    let state_dir = state_dir()?;
    let config_dir = dir("NEMO_CONFIG_DIR", ".config/nemovideo")?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let skill = args.skill.clone().unwrap_or_else(|| attribution::DEFAULT_PROFILE.into());
    let profile = attribution::profile(skill.trim()).ok_or_else(|| format!("unknown skill profile {skill:?}"))?;
    let executable = std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let platform = attribution::detect_platform(env("SKILL_SOURCE").as_deref(), &executable);
    let env_token = env("NEMO_TOKEN")
        .map(|t| Token::new(t.trim()))
        .transpose()
        .map_err(|e| format!("NEMO_TOKEN is not usable: {}", e.reason))?;
    let env_client_id = env("NEMO_CLIENT_ID")
        .as_deref()
        .map(ClientId::parse)
        .transpose()
        .map_err(|_| "NEMO_CLIENT_ID is not a UUID".to_owned())?;
    let trim = |url: Option<&String>, default: &str| {
        url.map_or_else(|| default.to_owned(), |u| u.trim().trim_end_matches('/').to_owned())
    };
    let backend = match args.backend {
        DaemonBackend::Cloud => BackendChoice::Cloud { api_url: trim(args.api_url.as_ref(), DEFAULT_API_URL) },
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
        web_url: trim(args.web_url.as_ref(), DEFAULT_WEB_URL),
        listen,
        max_jobs: usize::from(args.max_jobs),
    };
    Ok((config, note))
}

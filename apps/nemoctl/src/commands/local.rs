//! Commands that need no backend: `config`, `completions`, `skills`, `guide`.

use std::path::Path;

use clap::CommandFactory;
use nemo_core::attribution;
use nemo_storage::ConfigFile;
use serde_json::json;

use crate::cli::{Cli, ConfigAction};
use crate::config::{self, Config, Env};
use crate::failure::CliError;
use crate::report::Reporter;

/// SKILL.md, from the repository root.
const GUIDE: &str = include_str!("../../../../SKILL.md");

/// `guide`: SKILL.md, then what the offline editor understands (its own instruction table).
pub fn guide(reporter: &Reporter) -> Result<(), CliError> {
    let guide = guide_text();
    reporter.done(&guide, json!({"guide": guide}));
    Ok(())
}

/// What `guide` prints (also `nemoctl mcp`'s guide resource): SKILL.md, then what the
/// offline editor understands.
pub fn guide_text() -> String {
    format!(
        "{}\n\nWhat the offline editor understands (several per message):\n\n{}",
        GUIDE.trim_end(),
        nemo_editor::instructions::markdown_table().trim_end()
    )
}

/// `skills`.
pub fn skills(reporter: &Reporter) -> Result<(), CliError> {
    let profiles = attribution::profiles();
    let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let text = profiles
        .iter()
        .map(|p| {
            let default = if p.name == attribution::DEFAULT_PROFILE { " (default)" } else { "" };
            format!(
                "{:width$}  {:<6}  {}{default}\n{:width$}  {:<6}  e.g. {}",
                p.name,
                p.version,
                p.description,
                "",
                "",
                p.hints.first().copied().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let list: Vec<_> = profiles
        .iter()
        .map(|p| json!({"name": p.name, "version": p.version, "description": p.description, "hints": p.hints}))
        .collect();
    reporter.done(&text, json!({"skills": list}));
    Ok(())
}

/// `completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    clap_complete::generate(shell, &mut Cli::command(), "nemoctl", &mut std::io::stdout());
    Ok(())
}

/// `config path` (works even when config.toml does not parse).
pub fn config_path(env: &Env, reporter: &Reporter) -> Result<(), CliError> {
    let path = env.config_dir()?.join(ConfigFile::NAME);
    reporter.done(&path.to_string_lossy(), json!({"path": path}));
    Ok(())
}

/// `config get KEY` / `config set KEY VALUE`.
pub fn config(action: &ConfigAction, config: &Config, reporter: &Reporter) -> Result<(), CliError> {
    match action {
        ConfigAction::List => {
            let values = config::KEYS
                .iter()
                .map(|key| config::effective(config, key).map(|value| (*key, value)))
                .collect::<Result<Vec<_>, _>>()?;
            let text: Vec<String> = values.iter().map(|(key, value)| format!("{key} = {value}")).collect();
            let object: serde_json::Map<String, serde_json::Value> =
                values.iter().map(|(key, value)| ((*key).to_owned(), json!(value))).collect();
            reporter.done(&text.join("\n"), json!({"settings": object}));
        }
        ConfigAction::Get { key } => {
            let value = config::effective(config, key)?;
            reporter.done(&value, json!({"key": key, "value": value}));
        }
        ConfigAction::Set { key, value } => return config_set(&config.config_dir, key, value, reporter),
        ConfigAction::Path => return config_path(&Env::from_process(), reporter),
    }
    Ok(())
}

/// `config set KEY VALUE` (an empty VALUE removes the key). It needs only the config
/// directory, so a bad value already in config.toml can always be set right.
///
/// # Errors
/// [`CliError::Setting`] for an unknown key or a value it cannot take.
pub fn config_set(config_dir: &Path, key: &str, value: &str, reporter: &Reporter) -> Result<(), CliError> {
    let mut file = ConfigFile::load(config_dir).map_err(|e| CliError::Config(e.0))?;
    if value.is_empty() {
        if !config::KEYS.contains(&key) {
            config::check_setting(key, value)?;
        }
        file.unset(key);
        file.save().map_err(|e| CliError::Config(e.0))?;
        reporter.done(&format!("{key} removed"), json!({"key": key, "value": "", "path": file.path()}));
        return Ok(());
    }
    // Stored as checked (a speech model's path made absolute).
    let value = config::check_setting(key, value)?;
    file.set(key, &value);
    file.save().map_err(|e| CliError::Config(e.0))?;
    reporter.done(&format!("{key} = {value:?}"), json!({"key": key, "value": value, "path": file.path()}));
    Ok(())
}

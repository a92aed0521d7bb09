//! Wrong usage (what clap refuses): exit 2 as clap says it, and with `--json` also one
//! `{"event":"error","code":2,…}` object on stdout, naming the command when there is one, so
//! a script reading JSON lines never gets a bare text error.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use nemo_core::error::Exit;
use nemo_core::text::json_for_terminal;
use serde_json::json;

/// Reports `error` (help and version are not errors: clap prints them, exit 0) and returns
/// the exit code.
pub fn refuse(error: &clap::Error) -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if error.use_stderr() && asks_for_json(&args) {
        println!("{}", json_for_terminal(&json_error(error, &args).to_string()));
    }
    let _ = error.print();
    ExitCode::from(if error.use_stderr() { Exit::Usage.code() } else { Exit::Success.code() })
}

/// Whether `--json` is among the options (before any `--`).
fn asks_for_json(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

/// The error as one JSON object: its first line as the message, the usage as the hint.
fn json_error(error: &clap::Error, args: &[OsString]) -> serde_json::Value {
    let rendered = error.render().to_string();
    let message = rendered.lines().next().unwrap_or_default().trim_start_matches("error: ").to_owned();
    let command = command_named(args).filter(|_| error.kind() != ErrorKind::InvalidSubcommand);
    let hint = match (error.get(ContextKind::Usage), &command) {
        (Some(ContextValue::StyledStr(usage)), _) => format!("{}; see --help", usage.to_string().trim()),
        (_, Some(command)) => format!("See `nemoctl {command} --help`."),
        (_, None) => "See `nemoctl --help`.".to_owned(),
    };
    let mut value = json!({"event": "error", "code": Exit::Usage.code(), "message": message, "hint": hint});
    if let Some(command) = command {
        value["command"] = json!(command);
    }
    value
}

/// The first argument that names one of nemoctl's commands.
fn command_named(args: &[OsString]) -> Option<String> {
    use clap::CommandFactory;
    let cli = crate::cli::Cli::command();
    args.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| cli.get_subcommands().any(|sub| sub.get_name() == *a))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_usage_error_is_one_json_object_with_code_2_naming_the_command() {
        let argv = args(&["nemoctl", "--json", "export", "--render-timeout", "soon"]);
        let error = Cli::try_parse_from(&argv).unwrap_err();
        let value = json_error(&error, &argv);
        assert_eq!((value["event"].as_str(), value["code"].as_u64()), (Some("error"), Some(2)));
        assert_eq!(value["command"], "export");
        assert!(value["message"].as_str().unwrap().contains("--render-timeout"), "{value}");
        assert_eq!(value["hint"], "See `nemoctl export --help`.");
    }

    #[test]
    fn json_is_asked_for_only_before_a_double_dash() {
        assert!(asks_for_json(&args(&["nemoctl", "--json", "chat"])));
        assert!(!asks_for_json(&args(&["nemoctl", "chat", "--", "--json"])));
    }
}

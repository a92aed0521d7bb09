//! The command line, as clap parses it: global options and one variant per command. Raw
//! values only; `config.rs` turns them into a validated [`crate::config::Config`].

// The doc comments below are clap's `--help` texts, written for a terminal: bare URLs,
// `<placeholders>` and `[[tables]]` are meant literally, not as rustdoc markup.
#![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// nemoctl drives NemoVideo, the cloud service that edits raw footage into finished MP4s from
/// plain instructions.
///
/// `--offline` edits on this machine with ffmpeg: no account, no network. Offline projects
/// are kept under NEMO_STATE_DIR/offline, apart from the cloud's, and last between commands.
#[derive(Debug, Parser)]
#[command(name = "nemoctl", version, about, long_about = None)]
#[command(after_help = "Examples:\n  \
    nemoctl --offline edit clip.mp4 -p \"add a title 'Hello'\" -o out.mp4\n  \
    nemoctl new trip && nemoctl upload clip.mp4 && nemoctl chat \"trim the pauses\" && nemoctl export\n\n\
    Exit codes: 0 ok, 1 failure, 2 usage, 3 not authenticated, 4 out of credits, 5 export not \
    allowed, 6 input refused, 7 rate limited, 8 timed out, 9 render failed, 10 unreachable.\n\
    Environment: NEMO_TOKEN, NEMO_CLIENT_ID, SKILL_SOURCE, NEMO_CONFIG_DIR (else XDG_CONFIG_HOME), \
    NEMO_STATE_DIR (else XDG_STATE_HOME), NEMO_WHISPER_MODEL, NO_COLOR.")]
pub struct Cli {
    /// The global options, listed after each command's own.
    #[command(flatten)]
    pub global: Global,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, listed after each command's own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The NemoVideo API [default: https://mega-api-prod.nemovideo.ai]
    #[arg(long, global = true, env = "NEMO_API_URL", value_name = "URL")]
    pub api_url: Option<String>,

    /// The web site, for browser links [default: https://nemovideo.com]
    #[arg(long, global = true, env = "NEMO_WEB_URL", value_name = "URL")]
    pub web_url: Option<String>,

    /// Which backend to use [default: cloud]
    #[arg(long, global = true, value_enum, env = "NEMO_BACKEND")]
    pub backend: Option<BackendKind>,

    /// Short for `--backend offline`: edit on this machine with ffmpeg, no account, no network
    #[arg(long, global = true)]
    pub offline: bool,

    /// The attribution profile (see `nemoctl skills`) [default: nemoctl]
    #[arg(long, global = true, env = "NEMO_SKILL", value_name = "NAME")]
    pub skill: Option<String>,

    /// Work on this project for this command only, without switching (chat, upload, tracks,
    /// export, open)
    #[arg(long, global = true, env = "NEMO_PROJECT", value_name = "NAME|ID")]
    pub project: Option<String>,

    /// Print one JSON object per line on stdout: progress events, then a `done` or `error`
    #[arg(long, global = true)]
    pub json: bool,

    /// Hide progress
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Say more about what is happening (never the token)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Language for new sessions [default: from LANG, else en]
    #[arg(long, global = true, value_name = "CODE")]
    pub lang: Option<String>,

    /// Colour errors and hints on stderr: auto (at a terminal, unless NO_COLOR is set),
    /// always or never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// At a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// The real NemoVideo API over HTTPS
    Cloud,
    /// The offline editor on this machine (ffmpeg); projects kept in NEMO_STATE_DIR/offline
    Offline,
    /// Through a running nemod
    Daemon,
}

impl BackendKind {
    /// The name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cloud => "cloud",
            Self::Offline => "offline",
            Self::Daemon => "daemon",
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make sure a token exists (NEMO_TOKEN, the stored one, or a free anonymous one)
    #[command(after_help = "Examples:\n  \
        nemoctl login\n  \
        NEMO_TOKEN=… nemoctl login    # your own account, never stored")]
    Login,
    /// Forget the stored token (the client id stays)
    #[command(after_help = "Examples:\n  nemoctl logout")]
    Logout,
    /// Create a project (a session), make it current, print its id and browser link
    #[command(after_help = "Examples:\n  nemoctl new trip\n  nemoctl --offline new trip    # kept on this machine")]
    New {
        /// Its name
        #[arg(default_value = "untitled")]
        name: String,
    },
    /// List saved projects (the current one starred)
    #[command(after_help = "Examples:\n  nemoctl projects\n  nemoctl --json projects")]
    Projects,
    /// Switch the current project
    #[command(after_help = "Examples:\n  nemoctl use trip\n  nemoctl use 4647782621058175642")]
    Use {
        /// A project name (the newest of that name) or session id
        // Not `project`: that id is the global `--project`, which would swallow the value and
        // make `use` switch for this one command only.
        #[arg(value_name = "NAME|ID")]
        name_or_id: String,
    },
    /// Say something to the editor; "export", "credits", "status" and "upload FILE" run here
    ///
    /// Without MESSAGE on a terminal: an interactive session (Ctrl-C cancels a wait, never
    /// re-sends; Ctrl-D quits). Without a terminal: one message per line of stdin.
    #[command(after_help = "Examples:\n  \
        nemoctl chat \"remove the pauses, add a title 'Hi'\"\n  \
        nemoctl chat export\n  \
        nemoctl chat    # interactive: arrows, history, Ctrl-D quits\n  \
        printf 'trim to 8 seconds\\nexport\\n' | nemoctl chat")]
    Chat {
        /// The message
        message: Option<String>,
    },
    /// Check and upload media files or URLs to the current project
    #[command(after_help = "Examples:\n  \
        nemoctl upload clip.mp4 music.mp3\n  \
        nemoctl upload https://example.com/clip.mp4")]
    Upload {
        /// Files (mp4, mov, avi, webm, mkv; jpg, png, gif, webp; mp3, wav, m4a, aac) or URLs
        #[arg(required = true, value_name = "PATH|URL")]
        sources: Vec<String>,
    },
    /// The timeline summary of the current project
    #[command(after_help = "Examples:\n  nemoctl tracks\n  nemoctl --project beach tracks")]
    Tracks,
    /// The credit balance: available, frozen, total
    #[command(after_help = "Examples:\n  nemoctl credits\n  nemoctl --json credits")]
    Credits,
    /// Render the current project and download it
    #[command(after_help = "Examples:\n  \
        nemoctl export -o trip.mp4\n  \
        nemoctl export --render-timeout 120\n  \
        nemoctl export --detach    # nemod sees it through")]
    Export {
        /// Where to write the video [default: ./<project>.mp4]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Hand the job to nemod and return at once
        #[arg(long)]
        detach: bool,
        /// Stop waiting for the render after SECS (it keeps running on the service)
        /// [default: render_timeout in config.toml, else 600]
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
        render_timeout: Option<u64>,
        /// Render at this size, as the instruction "export 1080p" does (offline only: the
        /// cloud's render request has no size)
        #[arg(long, value_name = "1080p|720p|4k|WxH", value_parser = resolution)]
        resolution: Option<String>,
    },
    /// Render jobs and their states
    #[command(after_help = "Examples:\n  nemoctl jobs\n  nemoctl --backend daemon jobs    # nemod's jobs")]
    Jobs,
    /// Print the browser link of the current project
    #[command(after_help = "Examples:\n  nemoctl open")]
    Open,
    /// The quick edit: new project, upload, one instruction, wait, export, download
    #[command(after_help = "Examples:\n  \
        nemoctl edit clip.mp4 -p \"remove the pauses, add a title 'Hello'\" -o out.mp4\n  \
        nemoctl --offline edit a.mp4 b.mp4 -p \"join the clips with a fade\"\n  \
        nemoctl edit -p \"make a 5 second intro that says 'Welcome'\"")]
    Edit {
        /// The media files to edit (videos, photos, music); none for a prompt that needs no
        /// media ("make a 5 second intro that says 'Welcome'")
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The instruction, in plain words ("add a title 'Hello'")
        #[arg(short, long, value_name = "TEXT")]
        prompt: String,
        /// Where to write the result [default: ./<first file's name>-edited.mp4]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Hand the whole edit to nemod and return at once with its job id
        #[arg(long)]
        detach: bool,
        /// Stop waiting for the render after SECS (it keeps running on the service)
        /// [default: render_timeout in config.toml, else 600]
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
        render_timeout: Option<u64>,
    },
    /// Many quick edits from a TOML or JSON file, each its own project and render
    ///
    /// JSON: a list of {"files": [...], "prompt": "...", "output": "..."}. TOML: [[edit]]
    /// tables with the same keys. Relative paths are relative to SPEC's folder.
    #[command(after_help = "Examples:\n  nemoctl batch edits.toml --jobs 4\n  nemoctl -q --json batch edits.json")]
    Batch {
        /// The spec file
        spec: PathBuf,
        /// How many edits run at once (through nemod: its --max-jobs decides)
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=16))]
        jobs: u16,
        /// Hand every edit to nemod and return at once with their job ids
        #[arg(long)]
        detach: bool,
        /// Stop waiting for each render after SECS (it keeps running on the service)
        /// [default: render_timeout in config.toml, else 600]
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
        render_timeout: Option<u64>,
    },
    /// Read or change settings in config.toml
    #[command(after_help = "Examples:\n  \
        nemoctl config list\n  \
        nemoctl config set render_timeout 900\n  \
        nemoctl config set lang \"\"    # back to the default")]
    Config {
        /// What to do
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell completion script
    #[command(after_help = "Examples:\n  \
        nemoctl completions bash > ~/.local/share/bash-completion/completions/nemoctl")]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// List the attribution profiles (`--skill NAME`)
    #[command(after_help = "Examples:\n  \
        nemoctl skills\n  \
        nemoctl --skill instagram-reels-maker edit clip.mp4 -p \"format for Reels\"")]
    Skills,
    /// Print SKILL.md: how an AI agent should use nemoctl
    #[command(after_help = "Examples:\n  nemoctl guide")]
    Guide,
    /// Serve every command as a typed MCP tool over stdio, for AI agents (MCP clients)
    ///
    /// Add to a client's configuration: {"command": "nemoctl", "args": ["mcp"]} (with
    /// "--offline" to edit on this machine). stdout carries protocol messages only.
    #[command(after_help = "Examples:\n  nemoctl mcp\n  nemoctl --offline mcp")]
    Mcp,
}

impl Command {
    /// Its name on the command line (`config` for every `config` action).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Logout => "logout",
            Self::New { .. } => "new",
            Self::Projects => "projects",
            Self::Use { .. } => "use",
            Self::Chat { .. } => "chat",
            Self::Upload { .. } => "upload",
            Self::Tracks => "tracks",
            Self::Credits => "credits",
            Self::Export { .. } => "export",
            Self::Jobs => "jobs",
            Self::Open => "open",
            Self::Edit { .. } => "edit",
            Self::Batch { .. } => "batch",
            Self::Config { .. } => "config",
            Self::Completions { .. } => "completions",
            Self::Skills => "skills",
            Self::Guide => "guide",
            Self::Mcp => "mcp",
        }
    }

    /// Whether `--detach` hands the command to nemod, whatever the backend.
    pub fn is_detached(&self) -> bool {
        matches!(
            self,
            Self::Export { detach: true, .. } | Self::Edit { detach: true, .. } | Self::Batch { detach: true, .. }
        )
    }

    /// `--render-timeout`, on the commands that render.
    pub fn render_timeout(&self) -> Option<u64> {
        match self {
            Self::Export { render_timeout, .. }
            | Self::Edit { render_timeout, .. }
            | Self::Batch { render_timeout, .. } => *render_timeout,
            _ => None,
        }
    }

    /// Whether it works on the current project, and so on `--project` when given (the others
    /// ignore it: `new`, `edit` and `batch` make their own, `use` names one, `projects` and
    /// `jobs` list them all).
    pub fn on_current_project(&self) -> bool {
        matches!(self, Self::Chat { .. } | Self::Upload { .. } | Self::Tracks | Self::Export { .. } | Self::Open)
    }
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print every setting with the value in effect (flag > env > config.toml > default)
    List,
    /// Print the value in effect (flag > env > config.toml > default)
    Get {
        /// api_url, web_url, backend, skill, lang, output_dir, render_timeout, request_timeout or
        /// whisper_model
        key: String,
    },
    /// Store a value in config.toml (an empty VALUE removes it)
    Set {
        /// api_url, web_url, backend, skill, lang, output_dir, render_timeout, request_timeout or
        /// whisper_model
        key: String,
        /// The value
        value: String,
    },
    /// Print where config.toml is
    Path,
}

/// `--resolution`: 480p, 720p, 1080p, 1440p, 2160p or 4k, or WIDTHxHEIGHT (16 to 8192 pixels
/// a side) — written as the editor's resolution instruction reads it.
fn resolution(text: &str) -> Result<String, String> {
    const NAMED: [&str; 6] = ["480p", "720p", "1080p", "1440p", "2160p", "4k"];
    let lower = text.trim().to_ascii_lowercase();
    if NAMED.contains(&lower.as_str()) {
        return Ok(lower);
    }
    let side = |text: &str| text.trim().parse::<u32>().ok().filter(|n| (16..=8192).contains(n));
    match lower.split_once(['x', '×']).and_then(|(w, h)| side(w).zip(side(h))) {
        Some((width, height)) => Ok(format!("{width}x{height}")),
        None => {
            Err(format!("use one of {} or WIDTHxHEIGHT such as 1280x720 (16-8192 pixels a side)", NAMED.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_takes_its_argument_and_leaves_the_global_project_alone() {
        let cli = Cli::try_parse_from(["nemoctl", "use", "trip"]).unwrap();
        assert_eq!(cli.global.project, None);
        assert!(matches!(cli.command, Command::Use { name_or_id } if name_or_id == "trip"));
        let cli = Cli::try_parse_from(["nemoctl", "--project", "a", "use", "b"]).unwrap();
        assert_eq!(cli.global.project.as_deref(), Some("a"));
        assert!(matches!(cli.command, Command::Use { name_or_id } if name_or_id == "b"));
    }

    #[test]
    fn every_command_has_examples_and_its_own_options_before_the_global_ones() {
        use clap::CommandFactory;
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            let help = Cli::try_parse_from(["nemoctl", name, "--help"]).unwrap_err().render().to_string();
            assert!(help.contains("Examples:\n  nemoctl "), "{name}: {help}");
            let globals = help.find("Global options:").unwrap_or_else(|| panic!("{name}: {help}"));
            assert!(help.find("--api-url").is_some_and(|at| at > globals), "{name}: {help}");
            if let Some(own) = help.find("\nOptions:") {
                assert!(own < globals, "{name}: {help}");
            }
        }
    }

    #[test]
    fn every_command_is_named_as_it_is_typed() {
        use clap::CommandFactory;
        for sub in Cli::command().get_subcommands() {
            let mut args = vec!["nemoctl", sub.get_name()];
            let required: Vec<&str> = match sub.get_name() {
                "use" | "upload" | "batch" => vec!["x"],
                "edit" => vec!["-p", "x"],
                "config" => vec!["path"],
                "completions" => vec!["bash"],
                _ => vec![],
            };
            args.extend(required);
            let cli = Cli::try_parse_from(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(cli.command.name(), sub.get_name());
        }
    }
}

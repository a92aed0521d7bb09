//! `transfer`: one upload or one download through [`HttpBackend`], as a process of its own, so
//! that `cargo xtask bench` can time it and read its peak memory next to curl's.
//!
//! ```text
//! NEMO_API_URL=… NEMO_TOKEN=… NEMO_SESSION=… transfer upload FILE
//! NEMO_API_URL=… transfer download URL DEST
//! ```
//! The token comes from the environment only, never from the command line.

use std::process::ExitCode;
use std::sync::Arc;

use nemo_core::attribution::{Attribution, profile};
use nemo_core::ids::{SessionId, Token};
use nemo_core::media::LocalMedia;
use nemo_core::ports::{Backend, NoProgress};
use nemo_http::{HttpBackend, HttpConfig};
use nemo_system::SystemClock;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("no runtime: {e}")),
    };
    match runtime.block_on(run(&args)) {
        Ok(bytes) => {
            println!("{bytes}");
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

async fn run(args: &[String]) -> Result<u64, String> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let profile = profile("nemoctl").ok_or("no nemoctl profile")?;
    let config = HttpConfig::new(env("NEMO_API_URL")?, Attribution::new(profile, "unknown".into()));
    let backend = HttpBackend::new(config, Arc::new(SystemClock)).map_err(|e| e.to_string())?;
    match args {
        [verb, path] if verb == "upload" => {
            let token = Token::new(env("NEMO_TOKEN")?).map_err(|e| e.to_string())?;
            let session = SessionId::parse(env("NEMO_SESSION")?).map_err(|e| e.to_string())?;
            let size = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?.len();
            let media = LocalMedia::check(path.as_str(), size).map_err(|e| e.to_string())?;
            backend.upload_file(&token, &session, &media, &NoProgress).await.map_err(|e| e.to_string())?;
            Ok(size)
        }
        [verb, url, dest] if verb == "download" => {
            backend.download_url(url, dest, &NoProgress).await.map_err(|e| e.to_string())
        }
        _ => Err("usage: transfer upload FILE | transfer download URL DEST".into()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("transfer: {message}");
    ExitCode::FAILURE
}

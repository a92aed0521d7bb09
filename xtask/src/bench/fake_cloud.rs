//! The fake cloud the benchmarks talk to: `nemod fake-cloud` on a free loopback port,
//! and an account on it obtained with the seeds' own curl recipes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `nemod fake-cloud`, stopped when dropped.
pub struct FakeCloud {
    child: Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
}

impl FakeCloud {
    /// Starts `nemod fake-cloud` on port 0 with its uploads under `storage`, its renders
    /// lasting `render_seconds`.
    pub fn start(nemod: &Path, storage: &Path, render_seconds: u64) -> Result<Self, String> {
        let mut child = Command::new(nemod)
            .args(["fake-cloud", "--listen", "127.0.0.1:0", "--render-seconds", &render_seconds.to_string()])
            .arg("--storage")
            .arg(storage)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", nemod.display()))?;
        let stdout = child.stdout.take().ok_or("nemod has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map_err(|e| format!("nemod printed nothing: {e}"))?;
        let Some(url) = line.split_whitespace().find(|word| word.starts_with("http://")) else {
            let _ = child.kill();
            return Err(format!("nemod fake-cloud did not say where it listens: {line:?}"));
        };
        Ok(Self { url: url.to_owned(), child })
    }
}

impl Drop for FakeCloud {
    fn drop(&mut self) {
        // Best effort: the process may already be gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An account and a session on the fake cloud, as curl uses them.
pub struct Account {
    /// A curl header file (`-H @file`, mode 0600) with the bearer token and the attribution
    /// headers, so the token never appears on a command line.
    pub curl_headers: PathBuf,
    /// The token, for the client under test (passed in its environment, never as an argument).
    pub token: String,
    /// The session id.
    pub session: String,
}

/// Gets an anonymous token and a session with the seeds' curl recipes.
pub fn account(url: &str, scratch: &Path) -> Result<Account, String> {
    let client_id = std::fs::read_to_string("/proc/sys/kernel/random/uuid")
        .map_err(|e| format!("no random UUID from the kernel: {e}"))?;
    let grant = curl(&[
        "-X",
        "POST",
        &format!("{url}/api/auth/anonymous-token"),
        "-H",
        &format!("X-Client-Id: {}", client_id.trim()),
    ])?;
    let token = json_string(&grant, "token").ok_or_else(|| format!("no token in {grant}"))?;
    let curl_headers = scratch.join("curl-headers.txt");
    write_private(
        &curl_headers,
        &format!(
            "Authorization: Bearer {token}\nX-Skill-Source: nemoctl-bench\nX-Skill-Version: 1\nX-Skill-Platform: unknown\n"
        ),
    )?;
    let session = curl(&[
        "-X",
        "POST",
        &format!("{url}/api/tasks/me/with-session/nemo_agent"),
        "-H",
        &format!("@{}", curl_headers.display()),
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"task_name":"bench"}"#,
    ])?;
    let session = json_string(&session, "session_id").ok_or_else(|| format!("no session_id in {session}"))?;
    Ok(Account { curl_headers, token, session })
}

/// Runs curl quietly and returns its body; an HTTP error fails.
pub fn curl(args: &[&str]) -> Result<String, String> {
    let output = Command::new("curl")
        .args(["-sS", "--fail-with-body"])
        .args(args)
        .output()
        .map_err(|e| format!("could not run curl: {e}"))?;
    let body = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(body)
    } else {
        Err(format!("curl failed: {body}{}", String::from_utf8_lossy(&output.stderr)))
    }
}

/// The string value of the first `"key": "value"` in a JSON text (enough for the fake's
/// flat answers; xtask stays free of dependencies).
pub fn json_string(json: &str, key: &str) -> Option<String> {
    let pattern = format!("\"{key}\"");
    let after_key = &json[json.find(&pattern)? + pattern.len()..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let end = after_colon.find('"')?;
    Some(after_colon[..end].replace("\\/", "/"))
}

/// The raw JSON text of the first value of `key` (an object, an array, a string or a
/// scalar), found by matching brackets outside strings.
pub fn json_raw<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!("\"{key}\"");
    let start = json.find(&pattern)? + pattern.len();
    let after_colon = json[start..].trim_start().strip_prefix(':')?;
    let value = after_colon.trim_start();
    let offset = json.len() - value.len();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => {
                in_string = !in_string;
                if !in_string && depth == 0 {
                    return Some(&json[offset..=offset + i]);
                }
            }
            _ if in_string => {}
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => return Some(json[offset..offset + i].trim_end()),
            '}' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&json[offset..=offset + i]);
                }
            }
            ',' if depth == 0 => return Some(json[offset..offset + i].trim_end()),
            _ => {}
        }
    }
    None
}

fn write_private(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("could not write {}: {e}", path.display()))?;
    file.write_all(text.as_bytes()).map_err(|e| format!("could not write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_found_by_key() {
        let body = r#"{"code":0,"data":{"token": "nmv_usr_1","cdn_url":"http:\/\/h\/a.mp4"}}"#;
        assert_eq!(json_string(body, "token").as_deref(), Some("nmv_usr_1"));
        assert_eq!(json_string(body, "cdn_url").as_deref(), Some("http://h/a.mp4"));
        assert_eq!(json_string(body, "code"), None);
        assert_eq!(json_string(body, "missing"), None);
    }

    #[test]
    fn raw_values_keep_their_text() {
        let body = r#"{"data":{"state":{"draft": {"t":[{"sg":[1,2]}],"m":{"title":"a}\"b"}},"x":1},"n":12,"s":"v"}}"#;
        assert_eq!(json_raw(body, "draft"), Some(r#"{"t":[{"sg":[1,2]}],"m":{"title":"a}\"b"}}"#));
        assert_eq!(json_raw(body, "n"), Some("12"));
        assert_eq!(json_raw(body, "s"), Some(r#""v""#));
        assert_eq!(json_raw(body, "x"), Some("1"));
        assert_eq!(json_raw(body, "none"), None);
    }
}

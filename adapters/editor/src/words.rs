//! Reading a message as words: clauses, quotes, numbers, durations, percentages, positions.
//! Pure text work, no draft and no engine; each instruction's recogniser uses these.
//!
//! A message is split into clauses on `,` `;` `，` `、` `；` `。` `!` `?`, a `.` that ends a
//! sentence, new lines and the whole words `and`, `then`, `然后`, `并且` — never inside quotes
//! (`'…'`, `"…"`, `“…”`, `‘…’`, `「…」`, `『…』`; an apostrophe between letters, as in
//! `'Don't stop'`, neither opens nor closes). A [`Clause`] is then matched on whole words
//! (case-insensitive) or, for Chinese, on substrings.

/// One clause of a message, as the recognisers read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    text: String,
    lower: String,
    words: Vec<String>,
}

impl Clause {
    /// A clause of this text (trimmed).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let text = text.trim().to_owned();
        let lower = text.to_lowercase();
        let words = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
        Self { text, lower, words }
    }

    /// The clause as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The clause in lower case.
    #[must_use]
    pub fn lower(&self) -> &str {
        &self.lower
    }

    /// Whether one of these whole words (lower case) is in the clause.
    #[must_use]
    pub fn has(&self, words: &[&str]) -> bool {
        words.iter().any(|word| self.words.iter().any(|w| w == word))
    }

    /// Whether one of these pieces of text (Chinese, or a ratio such as `9:16`) is in it.
    #[must_use]
    pub fn contains(&self, pieces: &[&str]) -> bool {
        pieces.iter().any(|piece| self.lower.contains(piece))
    }

    /// Every number in the clause, in order.
    #[must_use]
    pub fn numbers(&self) -> Vec<f64> {
        numbers(&self.text)
    }

    /// The first quoted text and the clause without it.
    #[must_use]
    pub fn quoted(&self) -> Option<(String, String)> {
        quoted(&self.text)
    }

    /// The file the clause names — its quoted text, else a word ending in one of
    /// `extensions` — and the clause without it.
    #[must_use]
    pub fn file(&self, extensions: &[&str]) -> (Option<String>, String) {
        match self.quoted() {
            Some((text, rest)) => (Some(text), rest),
            None => file_with(&self.text, extensions),
        }
    }
}

/// The clauses of `message`, in order (empty clauses dropped).
#[must_use]
pub fn clauses(message: &str) -> Vec<Clause> {
    split(message).iter().map(|text| Clause::new(text)).collect()
}

const CLAUSE_MARKS: [char; 10] = [',', ';', '，', '、', '；', '。', '!', '?', '！', '？'];
const CLAUSE_WORDS: [&str; 2] = ["and", "then"];
const CLAUSE_WORDS_ZH: [&str; 2] = ["然后", "并且"];

/// Splits a message into trimmed, non-empty clauses, never inside quotes.
#[must_use]
pub fn split(message: &str) -> Vec<String> {
    let chars: Vec<char> = message.chars().collect();
    let mut clauses = Vec::new();
    let mut current = String::new();
    let mut closer: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let (before, after) = (i.checked_sub(1).map(|j| chars[j]), chars.get(i + 1).copied());
        if let Some(close) = closer {
            if c == close && is_closing(c, after) {
                closer = None;
            }
            current.push(c);
            i += 1;
            continue;
        }
        if let Some(close) = opening(c, before) {
            closer = Some(close);
            current.push(c);
            i += 1;
            continue;
        }
        let ends_sentence = c == '.' && after.is_none_or(char::is_whitespace);
        if CLAUSE_MARKS.contains(&c) || c == '\n' || ends_sentence {
            clauses.push(std::mem::take(&mut current));
            i += 1;
            continue;
        }
        if let Some(len) = clause_word_at(&chars, i) {
            clauses.push(std::mem::take(&mut current));
            i += len;
            continue;
        }
        current.push(c);
        i += 1;
    }
    clauses.push(current);
    clauses.into_iter().map(|clause| clause.trim().to_owned()).filter(|clause| !clause.is_empty()).collect()
}

/// The length of a clause-separating word starting at `i`, if one does (whole words only).
fn clause_word_at(chars: &[char], i: usize) -> Option<usize> {
    for word in CLAUSE_WORDS_ZH {
        let len = word.chars().count();
        if chars.get(i..i + len).is_some_and(|part| part.iter().copied().eq(word.chars())) {
            return Some(len);
        }
    }
    if i > 0 && chars[i - 1].is_alphanumeric() {
        return None;
    }
    CLAUSE_WORDS.into_iter().find_map(|word| {
        let len = word.len();
        let part = chars.get(i..i + len)?;
        let whole = chars.get(i + len).is_none_or(|c| !c.is_alphanumeric());
        (whole && part.iter().map(char::to_ascii_lowercase).eq(word.chars())).then_some(len)
    })
}

/// The closing quote for `c` when it opens a quote here (`before` is the character before).
fn opening(c: char, before: Option<char>) -> Option<char> {
    match c {
        '\'' | '"' if before.is_none_or(|b| !b.is_alphanumeric()) => Some(c),
        '“' => Some('”'),
        '‘' => Some('’'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

/// Whether `c` (a closing quote character) closes here (`after` is the character after).
fn is_closing(c: char, after: Option<char>) -> bool {
    !matches!(c, '\'' | '"') || after.is_none_or(|a| !a.is_alphanumeric())
}

/// The first quoted text of a clause and the clause without it.
#[must_use]
pub fn quoted(clause: &str) -> Option<(String, String)> {
    let chars: Vec<char> = clause.chars().collect();
    let (open_at, close) =
        (0..chars.len()).find_map(|i| opening(chars[i], i.checked_sub(1).map(|j| chars[j])).map(|c| (i, c)))?;
    let close_at =
        (open_at + 1..chars.len()).find(|&j| chars[j] == close && is_closing(close, chars.get(j + 1).copied()))?;
    let text: String = chars[open_at + 1..close_at].iter().collect();
    let rest: String = chars[..open_at].iter().chain(&chars[close_at + 1..]).collect();
    (!text.trim().is_empty()).then_some((text, rest))
}

/// `top`, `center` or `bottom`, when the text names one.
#[must_use]
pub fn position(lower: &str) -> Option<&'static str> {
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    let has = |options: &[&str]| options.iter().any(|o| words.contains(o));
    if has(&["top", "upper"]) || ["顶部", "上方", "顶端"].iter().any(|o| lower.contains(o)) {
        Some("top")
    } else if has(&["bottom", "lower"]) || ["底部", "下方", "底端"].iter().any(|o| lower.contains(o)) {
        Some("bottom")
    } else if has(&["center", "centre", "middle"]) || ["中间", "居中", "中央"].iter().any(|o| lower.contains(o)) {
        Some("center")
    } else {
        None
    }
}

/// The extensions of the audio files an instruction can name.
pub const AUDIO_EXTENSIONS: [&str; 7] = [".mp3", ".wav", ".m4a", ".aac", ".ogg", ".flac", ".opus"];
/// The extensions of the subtitle files an instruction can name.
pub const SUBTITLE_EXTENSIONS: [&str; 2] = [".srt", ".vtt"];

/// A word ending in one of `extensions`, and the clause without it.
fn file_with(clause: &str, extensions: &[&str]) -> (Option<String>, String) {
    let trim = |w: &str| w.trim_end_matches([',', '.', ';', '!', '?']).to_owned();
    let file =
        clause.split_whitespace().map(trim).find(|w| extensions.iter().any(|ext| w.to_lowercase().ends_with(ext)));
    let rest = match &file {
        Some(file) => clause.replacen(file.as_str(), " ", 1),
        None => clause.to_owned(),
    };
    (file, rest)
}

/// A number followed by `%` (or `percent`, `％`), as a volume.
#[must_use]
pub fn percent_in(text: &str) -> Option<u8> {
    let lower = text.to_lowercase();
    let at = lower.find(['%', '％']).or_else(|| lower.find("percent"))?;
    let before = lower[..at].trim_end();
    let digits: usize = before.chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').map(char::len_utf8).sum();
    let start = before.len() - digits;
    before[start..].trim_matches('.').parse::<f64>().ok().map(percent)
}

/// A number as a percentage, 0-100.
#[must_use]
pub fn percent(n: f64) -> u8 {
    n.clamp(0.0, 100.0).round() as u8
}

/// The number before `s`, `sec`, `second(s)` or `秒` ("for 5 seconds"), in ms.
#[must_use]
pub fn seconds_ms(text: &str) -> Option<i64> {
    let lower = text.to_lowercase();
    let numbers = numbers_at(&lower);
    numbers.into_iter().find_map(|(n, end)| {
        let unit = lower[end..].trim_start();
        let is_unit = unit.starts_with('秒')
            || ["s", "sec", "secs", "second", "seconds"]
                .iter()
                .any(|u| unit.strip_prefix(u).is_some_and(|r| r.chars().next().is_none_or(|c| !c.is_alphanumeric())));
        (is_unit && n > 0.0).then(|| ms(n))
    })
}

/// Seconds as milliseconds.
#[must_use]
pub fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// The first number in the text (`12`, `7.5`).
#[must_use]
pub fn first_number(text: &str) -> Option<f64> {
    numbers(text).first().copied()
}

/// Every number in the text, in order.
#[must_use]
pub fn numbers(text: &str) -> Vec<f64> {
    numbers_at(text).into_iter().map(|(n, _)| n).collect()
}

/// Every number in the text with the byte offset where it ends.
fn numbers_at(text: &str) -> Vec<(f64, usize)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(start) = text[rest..].find(|c: char| c.is_ascii_digit()).map(|i| rest + i) {
        let digits = &text[start..];
        let len = digits.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(digits.len());
        let number = digits[..len].trim_end_matches('.');
        if let Ok(n) = number.parse::<f64>() {
            found.push((n, start + number.len()));
        }
        rest = start + len.max(1);
    }
    found
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn splits_on_marks_and_words_but_never_inside_quotes() {
        assert_eq!(
            split("remove the pauses, add a title 'Hello' and make it vertical"),
            ["remove the pauses", "add a title 'Hello'", "make it vertical"]
        );
        assert_eq!(split("add a title 'Rock and roll, baby' then mute"), ["add a title 'Rock and roll, baby'", "mute"]);
        assert_eq!(split("add a title 'Don't stop', mute"), ["add a title 'Don't stop'", "mute"]);
        assert_eq!(split("去掉停顿，添加标题「你好」然后静音"), ["去掉停顿", "添加标题「你好」", "静音"]);
        assert_eq!(split("trim it to 7.5 s. Then mute."), ["trim it to 7.5 s", "mute"]);
        assert_eq!(split("android band"), ["android band"]);
        assert_eq!(split(" , and ,"), Vec::<String>::new());
    }

    #[test]
    fn reads_quotes_numbers_durations_and_percentages() {
        assert_eq!(
            quoted("add a title 'Don't Stop' please"),
            Some(("Don't Stop".into(), "add a title  please".into()))
        );
        assert_eq!(quoted("add a title ''"), None);
        assert_eq!(numbers("cut from 2 to 3.5 seconds"), [2.0, 3.5]);
        assert_eq!(seconds_ms(" for 5 seconds at the bottom"), Some(5000));
        assert_eq!(seconds_ms("4秒 顶部"), Some(4000));
        assert_eq!(percent_in("at 50 %"), Some(50));
        assert_eq!(position("at the top"), Some("top"));
        assert_eq!(Clause::new("add music song2.mp3 at 30%").file(&AUDIO_EXTENSIONS).0.as_deref(), Some("song2.mp3"));
        assert_eq!(Clause::new("captions from talk.VTT.").file(&SUBTITLE_EXTENSIONS).0.as_deref(), Some("talk.VTT"));
        assert_eq!(Clause::new("music 'my song.wav'").file(&AUDIO_EXTENSIONS).0.as_deref(), Some("my song.wav"));
        let clause = Clause::new("  Make it VERTICAL 9:16 ");
        assert!(clause.has(&["vertical"]) && clause.contains(&["9:16"]) && !clause.has(&["vert"]));
        assert_eq!(clause.text(), "Make it VERTICAL 9:16");
    }

    proptest! {
        #[test]
        fn never_panics_and_every_clause_is_kept(message in "\\PC{0,80}") {
            prop_assert_eq!(clauses(&message).len(), split(&message).len());
        }

        #[test]
        fn never_panics_on_instruction_like_text(message in "(add|title|music|cut|trim|speed|'|\"|「|」|%|,| and |[0-9]|\\.| |x|秒){0,30}") {
            for clause in clauses(&message) {
                let _ = (clause.quoted(), clause.numbers(), seconds_ms(clause.text()), percent_in(clause.text()));
            }
        }
    }
}

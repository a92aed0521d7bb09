//! Reading a message as a list of instructions: pure text work, no draft and no engine.
//!
//! A message is split into clauses on `,` `;` `，` `、` `；` `。` `!` `?`, a `.` that ends a
//! sentence, new lines and the whole words `and`, `then`, `然后`, `并且` — never inside quotes
//! (`'…'`, `"…"`, `“…”`, `‘…’`, `「…」`, `『…』`; an apostrophe between letters, as in
//! `'Don't stop'`, neither opens nor closes). Each clause is matched on whole words
//! (case-insensitive) by the first rule that fits, in the order of [`Instruction`]'s variants.
//! A clause no rule fits is kept as [`Clause::Unknown`] so the agent can say so.

/// One instruction the agent understands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Instruction {
    /// `add a title 'X' [for N seconds] [at the top|center|bottom]`, `添加标题「X」`.
    Title {
        /// The quoted text.
        text: String,
        /// `for N seconds`, in ms.
        ms: Option<i64>,
        /// `top`, `center` or `bottom`.
        pos: Option<&'static str>,
    },
    /// `set the music volume to N%`, `音量 N%`.
    MusicVolume(u8),
    /// `add background music [FILE] [at N%]`, `添加背景音乐`.
    Music {
        /// A local audio file (quoted, or a word ending in an audio extension).
        file: Option<String>,
        /// `at N%`.
        volume: Option<u8>,
    },
    /// `remove the pauses`, `remove silent parts`, `去掉停顿`.
    RemovePauses,
    /// `make it vertical` / `9:16`, `square` / `1:1`, `horizontal` / `16:9`; `竖屏`, `方形`, `横屏`.
    Aspect(&'static str),
    /// `speed ×2`, `2x faster`, `slow down to 0.5x`, `2倍速`: the factor (0.25-4).
    Speed(f64),
    /// `cut from A to B [seconds]`, `remove 2-3 s`, `剪掉2到3秒`: milliseconds.
    Cut(i64, i64),
    /// `trim to N seconds`, `cut it to N s`, `剪到N秒`: milliseconds.
    TrimTo(i64),
    /// `mute`, `mute the original audio`, `静音`.
    Mute,
    /// `join the clips with a fade`, `add transitions`, `淡入淡出`, `转场`.
    JoinWithFade,
}

/// A clause of a message, understood or not.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Clause {
    /// The clause asks for this.
    Understood(Instruction),
    /// No rule fits: the clause as written (trimmed).
    Unknown(String),
}

/// The clauses of `message`, in order (empty clauses dropped).
pub(crate) fn parse(message: &str) -> Vec<Clause> {
    split(message).iter().map(|clause| understand(clause)).collect()
}

/// The instruction one clause asks for, if any.
pub(crate) fn understand(clause: &str) -> Clause {
    match instruction(clause) {
        Some(instruction) => Clause::Understood(instruction),
        None => Clause::Unknown(clause.trim().to_owned()),
    }
}

const CLAUSE_MARKS: [char; 10] = [',', ';', '，', '、', '；', '。', '!', '?', '！', '？'];
const CLAUSE_WORDS: [&str; 2] = ["and", "then"];
const CLAUSE_WORDS_ZH: [&str; 2] = ["然后", "并且"];

/// Splits a message into trimmed, non-empty clauses, never inside quotes.
pub(crate) fn split(message: &str) -> Vec<String> {
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
fn quoted(clause: &str) -> Option<(String, String)> {
    let chars: Vec<char> = clause.chars().collect();
    let (open_at, close) =
        (0..chars.len()).find_map(|i| opening(chars[i], i.checked_sub(1).map(|j| chars[j])).map(|c| (i, c)))?;
    let close_at =
        (open_at + 1..chars.len()).find(|&j| chars[j] == close && is_closing(close, chars.get(j + 1).copied()))?;
    let text: String = chars[open_at + 1..close_at].iter().collect();
    let rest: String = chars[..open_at].iter().chain(&chars[close_at + 1..]).collect();
    (!text.trim().is_empty()).then_some((text, rest))
}

fn instruction(clause: &str) -> Option<Instruction> {
    let lower = clause.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has = |options: &[&str]| options.iter().any(|o| words.contains(o));
    let has_zh = |options: &[&str]| options.iter().any(|o| clause.contains(o));
    if has(&["title"]) || has_zh(&["标题"]) {
        let (text, rest) = quoted(clause)?;
        let ms = seconds_ms(&rest);
        return Some(Instruction::Title { text, ms, pos: position(&rest.to_lowercase()) });
    }
    if has(&["volume"]) || has_zh(&["音量"]) {
        return first_number(clause).map(|n| Instruction::MusicVolume(percent(n)));
    }
    if has(&["music", "bgm", "soundtrack"]) || has_zh(&["音乐", "配乐"]) {
        let (file, rest) = match quoted(clause) {
            Some((text, rest)) => (Some(text), rest),
            None => audio_file(clause),
        };
        return Some(Instruction::Music { file, volume: percent_in(&rest) });
    }
    if has(&["pause", "pauses", "silence", "silences", "silent", "gaps"]) || has_zh(&["停顿", "空白", "沉默"]) {
        return Some(Instruction::RemovePauses);
    }
    if let Some(ratio) = aspect(&lower, &words) {
        return Some(Instruction::Aspect(ratio));
    }
    if has(&["speed", "faster", "slower", "fast", "slow"]) || has_zh(&["倍速", "加速", "减速", "速度", "慢放", "快放"])
    {
        return speed(&lower, &words, clause);
    }
    let numbers = numbers(clause);
    let cut = has(&["cut", "remove", "delete", "drop"]) || has_zh(&["剪掉", "删除", "删掉", "去掉"]);
    if let (true, [from, to, ..]) = (cut, &numbers[..]) {
        let (from, to) = (ms(*from), ms(*to));
        return (to > from).then_some(Instruction::Cut(from, to));
    }
    if has(&["trim", "shorten", "cut"]) || has_zh(&["剪到", "裁剪", "剪成", "保留前", "截取"]) {
        return numbers.first().map(|n| ms(*n)).filter(|ms| *ms > 0).map(Instruction::TrimTo);
    }
    if has(&["mute"]) || has_zh(&["静音"]) {
        return Some(Instruction::Mute);
    }
    (has(&["join", "fade", "crossfade", "transition", "transitions"]) || has_zh(&["拼接", "合并", "转场", "淡入淡出"]))
        .then_some(Instruction::JoinWithFade)
}

fn aspect(lower: &str, words: &[&str]) -> Option<&'static str> {
    let has = |options: &[&str]| options.iter().any(|o| words.contains(o));
    if lower.contains("9:16") || has(&["vertical", "portrait"]) || lower.contains("竖屏") || lower.contains("竖版")
    {
        Some("9:16")
    } else if lower.contains("1:1") || has(&["square"]) || lower.contains("方形") {
        Some("1:1")
    } else if lower.contains("16:9") || has(&["horizontal", "landscape", "widescreen"]) || lower.contains("横屏") {
        Some("16:9")
    } else {
        None
    }
}

fn speed(lower: &str, words: &[&str], clause: &str) -> Option<Instruction> {
    let factor = match first_number(clause) {
        Some(n) => n,
        None if words.contains(&"slow") || words.contains(&"slower") || lower.contains("慢") => 0.5,
        None => 2.0,
    };
    (factor > 0.0).then(|| Instruction::Speed(factor.clamp(0.25, 4.0)))
}

/// `top`, `center` or `bottom`, when the text names one.
fn position(lower: &str) -> Option<&'static str> {
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

const AUDIO_EXTENSIONS: [&str; 7] = [".mp3", ".wav", ".m4a", ".aac", ".ogg", ".flac", ".opus"];

/// A word ending in an audio extension, and the clause without it.
fn audio_file(clause: &str) -> (Option<String>, String) {
    let trim = |w: &str| w.trim_end_matches([',', '.', ';', '!', '?']).to_owned();
    let file = clause
        .split_whitespace()
        .map(trim)
        .find(|w| AUDIO_EXTENSIONS.iter().any(|ext| w.to_lowercase().ends_with(ext)));
    let rest = match &file {
        Some(file) => clause.replacen(file.as_str(), " ", 1),
        None => clause.to_owned(),
    };
    (file, rest)
}

/// A number followed by `%` (or `percent`, `％`), as a volume.
fn percent_in(text: &str) -> Option<u8> {
    let lower = text.to_lowercase();
    let at = lower.find(['%', '％']).or_else(|| lower.find("percent"))?;
    let before = lower[..at].trim_end();
    let digits: usize = before.chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').map(char::len_utf8).sum();
    let start = before.len() - digits;
    before[start..].trim_matches('.').parse::<f64>().ok().map(percent)
}

fn percent(n: f64) -> u8 {
    n.clamp(0.0, 100.0).round() as u8
}

/// The number before `s`, `sec`, `second(s)` or `秒` ("for 5 seconds"), in ms.
fn seconds_ms(text: &str) -> Option<i64> {
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

fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// The first number in the text (`12`, `7.5`).
pub(crate) fn first_number(text: &str) -> Option<f64> {
    numbers(text).first().copied()
}

/// Every number in the text, in order.
fn numbers(text: &str) -> Vec<f64> {
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
    use Instruction::*;

    fn check(message: &str, expected: &[Instruction]) {
        let understood: Vec<Clause> = expected.iter().cloned().map(Clause::Understood).collect();
        assert_eq!(parse(message), understood, "{message}");
    }

    fn title(text: &str) -> Instruction {
        Title { text: text.into(), ms: None, pos: None }
    }

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
    fn understands_each_documented_instruction() {
        check("add a title 'Paradise Found'", &[title("Paradise Found")]);
        check("Add a title 'Don't Stop' please", &[title("Don't Stop")]);
        check("添加标题「天堂」", &[title("天堂")]);
        check(
            "add a title \"2024 trip\" for 5 seconds at the bottom",
            &[Title { text: "2024 trip".into(), ms: Some(5000), pos: Some("bottom") }],
        );
        check("添加标题「你好」4秒 顶部", &[Title { text: "你好".into(), ms: Some(4000), pos: Some("top") }]);
        check("set the music volume to 60%", &[MusicVolume(60)]);
        check("add music", &[Music { file: None, volume: None }]);
        check("add background music song2.mp3 at 30%", &[Music { file: Some("song2.mp3".into()), volume: Some(30) }]);
        check(
            "add music '/tmp/my song.wav' at 50 %",
            &[Music { file: Some("/tmp/my song.wav".into()), volume: Some(50) }],
        );
        check("remove the pauses", &[RemovePauses]);
        check("remove silent parts", &[RemovePauses]);
        check("去掉停顿", &[RemovePauses]);
        check("make it vertical 9:16", &[Aspect("9:16")]);
        check("make it square", &[Aspect("1:1")]);
        check("make it 16:9", &[Aspect("16:9")]);
        check("竖屏", &[Aspect("9:16")]);
        check("speed it up ×2", &[Speed(2.0)]);
        check("play it at 1.5x speed", &[Speed(1.5)]);
        check("slow down", &[Speed(0.5)]);
        check("speed 10x", &[Speed(4.0)]);
        check("cut from 2 to 3.5 seconds", &[Cut(2000, 3500)]);
        check("remove 1-2 s", &[Cut(1000, 2000)]);
        check("剪掉2到3秒", &[Cut(2000, 3000)]);
        check("trim to 8 seconds", &[TrimTo(8000)]);
        check("cut it to 4 s", &[TrimTo(4000)]);
        check("剪到5秒", &[TrimTo(5000)]);
        check("mute the original audio", &[Mute]);
        check("静音", &[Mute]);
        check("join the clips with a fade", &[JoinWithFade]);
        check("淡入淡出", &[JoinWithFade]);
    }

    #[test]
    fn several_instructions_apply_in_order() {
        check(
            "remove the pauses, add a title 'Hello' and make it vertical",
            &[RemovePauses, title("Hello"), Aspect("9:16")],
        );
        check("trim to 4 seconds then mute, speed ×2", &[TrimTo(4000), Mute, Speed(2.0)]);
    }

    #[test]
    fn keeps_what_it_does_not_understand() {
        assert_eq!(parse("hello"), [Clause::Unknown("hello".into())]);
        assert_eq!(parse("add a title"), [Clause::Unknown("add a title".into())]);
        assert_eq!(parse("how was your commute?"), [Clause::Unknown("how was your commute".into())]);
        assert_eq!(
            parse("trim it, make it pop"),
            [Clause::Unknown("trim it".into()), Clause::Unknown("make it pop".into())]
        );
        assert_eq!(parse("cut from 3 to 2"), [Clause::Unknown("cut from 3 to 2".into())]);
    }

    proptest! {
        #[test]
        fn never_panics_and_every_clause_is_answered(message in "\\PC{0,80}") {
            let clauses = parse(&message);
            prop_assert_eq!(clauses.len(), split(&message).len());
        }

        #[test]
        fn never_panics_on_instruction_like_text(message in "(add|title|music|cut|trim|speed|'|\"|「|」|%|,| and |[0-9]|\\.| |x|秒){0,30}") {
            let _ = parse(&message);
        }
    }
}

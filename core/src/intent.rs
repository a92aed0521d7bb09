//! The intent router: whether a chat message asks nemoctl itself for something (export,
//! credits, the track summary, an upload) or is a chat turn for the agent.
//!
//! | Message | Intent |
//! |---|---|
//! | "export" / "导出" / "download" / "send me the video" | [`Intent::Export`] |
//! | "credits" / "积分" / "balance" / "余额" | [`Intent::Credits`] |
//! | "status" / "状态" / "show tracks" | [`Intent::Tracks`] |
//! | "upload" / "上传", or it names existing media files or http(s) media URLs | [`Intent::Upload`] |
//! | everything else | [`Intent::Chat`] |
//!
//! The rules, in the order they apply:
//!
//! - **Words.** Latin text matches whole words, case-insensitively; a word is a run of letters
//!   and digits, inner apostrophes and hyphens included (`don't`, `re-export` are one word).
//!   There is no stemming: only the exact forms of the table count, so "exports", "exported",
//!   "reexport", "downloads", "credit" or "uploaded" do not match. Punctuation around a word
//!   does not matter ("EXPORT." and "Export!" match). Chinese keywords match as substrings of
//!   the Han text.
//! - **Quotes.** Quoted text ("…", “…”, '…', ‘…’, 「…」, 『…』, `` `…` ``) never triggers an
//!   intent: `add a title "download now"` is a chat turn. A quote whose whole content is a
//!   media file or URL still names it (that is how paths with spaces are written). A single
//!   quote only opens after a non-letter and must be closed (otherwise it is an apostrophe);
//!   the other quotes run to the end of the message when left open. A message that is one
//!   quote and nothing else is read without its quotes.
//! - **Sources.** Paths and URLs are whitespace-separated tokens; shell-escaped spaces
//!   (`My\ Clip.mp4`, as terminals paste dragged files) stay inside the token, and surrounding
//!   brackets and trailing punctuation (`clip.mp4,`) are trimmed. Only a token with a supported
//!   media extension ([`MediaKind::from_extension`]) is offered to the caller's predicate,
//!   as written (the caller resolves `~` and relative paths); Chinese text glued in front of
//!   a path (`上传clip.mp4`) is tried off it. URLs must pass [`MediaUrl::check`]. Files that
//!   do not exist and URLs of other kinds are not sources. Path-like tokens (with `/`, `\`,
//!   `_`, `@` or an inner dot) never trigger keywords: `my_export.mp4` is not "export".
//! - **Negation.** A clause ends at `, ; : . ! ?`, their Chinese forms, a line break, and the
//!   words "but" and "then". A keyword or source is negated by a Latin negator anywhere before
//!   it in its clause (not, no, never, without, nor, cannot, skip, avoid, stop, cancel, and
//!   every `n't` word, also spelt without the apostrophe: dont, doesnt, didnt, cant, wont,
//!   shouldnt), or by a Chinese negator (不 别 勿 没 甭 莫 未 无, except in 不错 不同 不过 不少
//!   不久 没错) among the four tokens before it. Only what comes before counts. A negated
//!   match counts for nothing: "don't export yet, add music" and "先别导出" are chat turns.
//! - **Edit instructions.** A message that asks for an edit (a non-negated edit verb: add,
//!   trim, cut, remove, … / 添加, 剪掉, 替换, …) is a chat turn even when it mentions a
//!   keyword: "trim the pauses, add transitions, and export a clean final cut" goes to the
//!   agent, whose GUI-style answer ("click Export") the [`crate::gui`] translation turns into
//!   the export flow. Sending a mixed message to the agent loses nothing; routing it to a
//!   command would drop the edit.
//! - **Noun guards.** "credits" after end/opening/closing/roll/rolling/film/movie/scrolling
//!   or before "roll" are film credits; "balance" after white/color/audio/sound/stereo/volume,
//!   or before the/it/them/this/that/out/between/audio/sound/volume/levels/music/colors, is
//!   the verb. Neither is a credits request.
//! - **Precedence.** Named sources → [`Intent::Upload`] with them (even in an edit message:
//!   the caller uploads first); else an edit → [`Intent::Chat`]; else Export, then Credits,
//!   then Tracks, then the upload keyword (`Upload` with no sources); else [`Intent::Chat`].

use crate::media::{MediaKind, MediaUrl, extension};

/// What a chat message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Render the current project and download the video.
    Export,
    /// Show the credit balance.
    Credits,
    /// Show the timeline summary.
    Tracks,
    /// Upload media to the current project.
    Upload {
        /// The media files and http(s) media URLs the message names, in order, each once;
        /// empty when the message only says "upload".
        sources: Vec<String>,
    },
    /// Everything else: the message goes to the agent as a chat turn.
    Chat,
}

impl Intent {
    /// The intent's name: `export`, `credits`, `tracks`, `upload` or `chat`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Export => "export",
            Self::Credits => "credits",
            Self::Tracks => "tracks",
            Self::Upload { .. } => "upload",
            Self::Chat => "chat",
        }
    }
}

/// Routes a chat message (see the module documentation for the rules).
///
/// `is_media_file` tells whether a token names an existing local file; it is only asked
/// about tokens with a supported media extension.
#[must_use]
pub fn route(message: &str, is_media_file: &dyn Fn(&str) -> bool) -> Intent {
    let mut segments = split_quotes(message.trim());
    if let [Segment::Quoted(inner)] = segments[..] {
        segments = split_quotes(inner.trim());
    }
    let tokens = lex(&segments, is_media_file);
    let found = scan(&tokens);
    if !found.sources.is_empty() {
        return Intent::Upload { sources: found.sources };
    }
    if found.has(Cue::Edit) {
        return Intent::Chat;
    }
    if found.has(Cue::Export) {
        Intent::Export
    } else if found.has(Cue::Credits) {
        Intent::Credits
    } else if found.has(Cue::Tracks) {
        Intent::Tracks
    } else if found.has(Cue::Upload) {
        Intent::Upload { sources: Vec::new() }
    } else {
        Intent::Chat
    }
}

/// What a keyword is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Export,
    Credits,
    Tracks,
    Upload,
    Edit,
}

enum Pattern {
    /// Consecutive Latin words.
    Words(&'static [&'static str]),
    /// Consecutive Han characters.
    Han(&'static str),
}

struct Keyword {
    cue: Cue,
    pattern: Pattern,
    /// The match does not count right after one of these words.
    unless_after: &'static [&'static str],
    /// The match does not count right before one of these words.
    unless_before: &'static [&'static str],
}

const fn words(cue: Cue, words: &'static [&'static str]) -> Keyword {
    Keyword { cue, pattern: Pattern::Words(words), unless_after: &[], unless_before: &[] }
}

const fn han(cue: Cue, text: &'static str) -> Keyword {
    Keyword { cue, pattern: Pattern::Han(text), unless_after: &[], unless_before: &[] }
}

const FILM_CREDITS_AFTER: &[&str] =
    &["end", "ending", "opening", "closing", "roll", "rolling", "film", "movie", "scrolling"];
const BALANCE_VERB_AFTER: &[&str] = &["white", "color", "colour", "audio", "sound", "stereo", "volume"];
const BALANCE_VERB_BEFORE: &[&str] = &[
    "the", "it", "them", "this", "that", "out", "between", "audio", "sound", "volume", "levels", "music", "colors",
    "colours",
];

const KEYWORDS: &[Keyword] = &[
    words(Cue::Export, &["export"]),
    words(Cue::Export, &["download"]),
    words(Cue::Export, &["send", "me", "the", "video"]),
    han(Cue::Export, "导出"),
    Keyword { unless_after: FILM_CREDITS_AFTER, unless_before: &["roll"], ..words(Cue::Credits, &["credits"]) },
    Keyword {
        unless_after: BALANCE_VERB_AFTER,
        unless_before: BALANCE_VERB_BEFORE,
        ..words(Cue::Credits, &["balance"])
    },
    han(Cue::Credits, "积分"),
    han(Cue::Credits, "余额"),
    words(Cue::Tracks, &["status"]),
    words(Cue::Tracks, &["show", "tracks"]),
    han(Cue::Tracks, "状态"),
    words(Cue::Upload, &["upload"]),
    han(Cue::Upload, "上传"),
];

/// Verbs that make a message an edit instruction for the agent (whitespace-separated).
const EDIT_VERBS: &str = "add apply blur boost brighten caption change create crop cut darken decrease delete edit \
    enhance extend fade fix flip generate increase insert lower make merge move mute put raise reduce remove replace \
    resize reverse rotate shorten slow speed split stabilize subtitle swap sync translate trim zoom";
const HAN_EDIT_VERBS: &str =
    "添加 加上 加入 加个 增加 剪掉 剪切 剪短 裁剪 删除 删掉 去掉 去除 替换 换成 调整 生成 制作 插入 修改 改成 编辑";
/// Negating words besides every `n't` word (whitespace-separated).
const NEGATORS: &str = "not no never without nor cannot dont doesnt didnt cant wont shouldnt skip avoid stop cancel";
const HAN_NEGATORS: &[char] = &['不', '别', '勿', '没', '甭', '莫', '未', '无'];
/// Words that start with a negator character without negating anything.
const HAN_NOT_NEGATIONS: &[&str] = &["不错", "不同", "不过", "不少", "不久", "没错"];
/// How many tokens before a match a Chinese negator may stand.
const HAN_NEGATION_WINDOW: usize = 4;
/// Words that end a clause.
const CLAUSE_WORDS: &[&str] = &["but", "then"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    Plain(&'a str),
    Quoted(&'a str),
}

/// The closing quote of an opening one.
pub(crate) fn closing_quote(open: char) -> Option<char> {
    Some(match open {
        '"' => '"',
        '“' => '”',
        '「' => '」',
        '『' => '』',
        '`' => '`',
        '\'' => '\'',
        '‘' => '’',
        _ => return None,
    })
}

/// Whether `c` is a Han (Chinese) character.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Whether `c` belongs to a Latin (non-Han) word: a letter or a digit.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Splits text into plain and quoted parts (quotes themselves dropped).
fn split_quotes(text: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while let Some(open) = text[i..].chars().next() {
        let at = i;
        i += open.len_utf8();
        let Some(close) = closing_quote(open) else { continue };
        let apostrophe = matches!(open, '\'' | '‘');
        if apostrophe && !(text[..at].chars().next_back().is_none_or(|c| !is_word_char(c)) && hugs(&text[i..])) {
            continue;
        }
        let end = if apostrophe { find_single_close(&text[i..], close) } else { text[i..].find(close) };
        let (inner_end, resume) = match end {
            Some(len) => (i + len, i + len + close.len_utf8()),
            None if !apostrophe => (text.len(), text.len()),
            None => continue,
        };
        if plain_start < at {
            segments.push(Segment::Plain(&text[plain_start..at]));
        }
        segments.push(Segment::Quoted(&text[i..inner_end]));
        i = resume;
        plain_start = resume;
    }
    if plain_start < text.len() {
        segments.push(Segment::Plain(&text[plain_start..]));
    }
    segments
}

/// Whether quoted content starts right after its opening quote.
fn hugs(rest: &str) -> bool {
    rest.chars().next().is_some_and(|c| !c.is_whitespace())
}

/// The closing single quote: one that follows a non-space and is not followed by a letter.
fn find_single_close(rest: &str, close: char) -> Option<usize> {
    rest.char_indices().find_map(|(j, c)| {
        let after = rest[j + c.len_utf8()..].chars().next();
        let before = rest[..j].chars().next_back();
        (c == close && before.is_some_and(|b| !b.is_whitespace()) && after.is_none_or(|a| !is_word_char(a)))
            .then_some(j)
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A Latin word, lowercased, `’` spelt `'`.
    Word(String),
    /// One Han character.
    Han(char),
    /// A media file or URL the message names.
    Source(String),
    /// Quoted text, a path or a URL that is not a source: it triggers nothing.
    Opaque,
    /// The end of a clause.
    Break,
}

fn lex(segments: &[Segment<'_>], is_media_file: &dyn Fn(&str) -> bool) -> Vec<Token> {
    let mut tokens = Vec::new();
    for segment in segments {
        match *segment {
            Segment::Quoted(inner) => {
                tokens.push(resolve(inner.trim(), is_media_file).map_or(Token::Opaque, Token::Source));
            }
            Segment::Plain(text) => {
                for chunk in chunks(text) {
                    match chunk {
                        Chunk::Text(chunk) => lex_chunk(chunk, is_media_file, &mut tokens),
                        Chunk::Break => tokens.push(Token::Break),
                    }
                }
            }
        }
    }
    tokens
}

enum Chunk<'a> {
    Text(&'a str),
    Break,
}

/// Splits plain text at whitespace (not at shell-escaped spaces) and Chinese punctuation.
fn chunks(text: &str) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        let separator = (c.is_whitespace() && !escaped) || "，。！？；：、（）【】《》〈〉".contains(c);
        escaped = c == '\\' && !escaped;
        if !separator {
            continue;
        }
        if start < i {
            out.push(Chunk::Text(&text[start..i]));
        }
        if matches!(c, '\n' | '\r') || "，。！？；：、".contains(c) {
            out.push(Chunk::Break);
        }
        start = i + c.len_utf8();
    }
    if start < text.len() {
        out.push(Chunk::Text(&text[start..]));
    }
    out
}

const BREAK_PUNCTUATION: &str = ",.;:!?，。！？；：、";

fn lex_chunk(chunk: &str, is_media_file: &dyn Fn(&str) -> bool, tokens: &mut Vec<Token>) {
    let start = chunk.len() - chunk.trim_start_matches(['(', '[', '{', '<']).len();
    let core = chunk[start..].trim_end_matches(|c| ".,;:!?)]}>".contains(c));
    if !is_path_like(core) {
        lex_text(chunk, tokens);
        return;
    }
    let trailing = &chunk[start + core.len()..];
    let lowered = core.to_ascii_lowercase();
    let url_at = ["https://", "http://"].iter().find_map(|scheme| lowered.find(scheme));
    let source = if let Some(at) = url_at {
        lex_text(&core[..at], tokens);
        resolve(&core[at..], is_media_file)
    } else {
        // Chinese text glued in front of a path: try the whole token, then without it.
        let glued = core.find(|c: char| c.is_ascii()).unwrap_or(core.len());
        lex_text(&core[..glued], tokens);
        let mut starts = std::iter::once(0).chain(core[..glued].char_indices().map(|(j, c)| j + c.len_utf8()));
        starts.find_map(|start| resolve(&unescape(&core[start..]), is_media_file))
    };
    tokens.push(source.map_or(Token::Opaque, Token::Source));
    if trailing.contains(|c| BREAK_PUNCTUATION.contains(c)) {
        tokens.push(Token::Break);
    }
}

/// Whether a token is a path, URL, address or file name rather than words.
fn is_path_like(core: &str) -> bool {
    if core.contains(['/', '\\', '_', '@']) {
        return true;
    }
    let chars: Vec<char> = core.chars().collect();
    chars.windows(3).any(|w| w[1] == '.' && w[0] != '.' && !w[0].is_whitespace() && w[2].is_alphanumeric())
}

/// Undoes shell escaping (`My\ Clip\ \(1\).mp4`) when the token has an escaped space.
fn unescape(token: &str) -> String {
    if !token.contains("\\ ") {
        return token.to_owned();
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && !next.is_alphanumeric() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The source a candidate names: an http(s) media URL, or an existing file with a media
/// extension.
fn resolve(candidate: &str, is_media_file: &dyn Fn(&str) -> bool) -> Option<String> {
    let lowered = candidate.to_ascii_lowercase();
    if lowered.starts_with("http://") || lowered.starts_with("https://") {
        return MediaUrl::check(candidate).ok().map(|url| url.as_str().to_owned());
    }
    let media = extension(candidate).and_then(MediaKind::from_extension).is_some();
    (media && is_media_file(candidate)).then(|| candidate.to_owned())
}

/// Lexes words, Han characters and clause breaks.
fn lex_text(text: &str, tokens: &mut Vec<Token>) {
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let joins = matches!(c, '\'' | '’' | '-') && !word.is_empty() && chars.peek().is_some_and(|&n| is_word_char(n));
        if is_word_char(c) || joins {
            word.push(if c == '’' { '\'' } else { c });
            continue;
        }
        push_word(&mut word, tokens);
        if is_han(c) {
            tokens.push(Token::Han(c));
        } else if BREAK_PUNCTUATION.contains(c) {
            tokens.push(Token::Break);
        }
    }
    push_word(&mut word, tokens);
}

fn push_word(word: &mut String, tokens: &mut Vec<Token>) {
    if word.is_empty() {
        return;
    }
    let lowered = word.to_lowercase();
    word.clear();
    tokens.push(if CLAUSE_WORDS.contains(&lowered.as_str()) { Token::Break } else { Token::Word(lowered) });
}

struct Found {
    sources: Vec<String>,
    cues: Vec<Cue>,
}

impl Found {
    fn has(&self, cue: Cue) -> bool {
        self.cues.contains(&cue)
    }
}

fn scan(tokens: &[Token]) -> Found {
    let mut found = Found { sources: Vec::new(), cues: Vec::new() };
    let mut clause = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Break => clause = i + 1,
            Token::Source(source) => {
                if !negated(tokens, clause, i) && !found.sources.contains(source) {
                    found.sources.push(source.clone());
                }
            }
            Token::Word(_) | Token::Han(_) => {
                let cues = KEYWORDS
                    .iter()
                    .filter(|k| k.matches(tokens, clause, i))
                    .map(|k| k.cue)
                    .chain(is_edit_verb(tokens, i).then_some(Cue::Edit));
                let new: Vec<Cue> = cues.filter(|&cue| !found.has(cue)).collect();
                if !new.is_empty() && !negated(tokens, clause, i) {
                    found.cues.extend(new);
                }
            }
            Token::Opaque => {}
        }
    }
    found
}

impl Keyword {
    /// Whether the keyword starts at `tokens[i]` (in the clause starting at `clause`).
    fn matches(&self, tokens: &[Token], clause: usize, i: usize) -> bool {
        let Some(len) = pattern_len(&self.pattern, &tokens[i..]) else { return false };
        let word_at = |j: usize| match tokens.get(j) {
            Some(Token::Word(w)) => Some(w.as_str()),
            _ => None,
        };
        let after = if i > clause { word_at(i - 1) } else { None };
        !after.is_some_and(|w| self.unless_after.contains(&w))
            && !word_at(i + len).is_some_and(|w| self.unless_before.contains(&w))
    }
}

/// How many tokens the pattern spans when it starts the slice.
fn pattern_len(pattern: &Pattern, tokens: &[Token]) -> Option<usize> {
    match pattern {
        Pattern::Words(words) => {
            let matched = words.len() <= tokens.len()
                && words.iter().zip(tokens).all(|(w, t)| matches!(t, Token::Word(t) if t == w));
            matched.then_some(words.len())
        }
        Pattern::Han(text) => han_len(text, tokens),
    }
}

fn han_len(text: &str, tokens: &[Token]) -> Option<usize> {
    let mut len = 0;
    for c in text.chars() {
        match tokens.get(len) {
            Some(Token::Han(t)) if *t == c => len += 1,
            _ => return None,
        }
    }
    Some(len)
}

fn is_edit_verb(tokens: &[Token], i: usize) -> bool {
    match &tokens[i] {
        Token::Word(w) => EDIT_VERBS.split_whitespace().any(|verb| verb == w),
        _ => HAN_EDIT_VERBS.split_whitespace().any(|verb| han_len(verb, &tokens[i..]).is_some()),
    }
}

/// Whether the match at `tokens[i]` is negated (see the module documentation).
fn negated(tokens: &[Token], clause: usize, i: usize) -> bool {
    let latin = tokens[clause..i].iter().any(|t| matches!(t, Token::Word(w) if is_negator(w)));
    let han = (i.saturating_sub(HAN_NEGATION_WINDOW).max(clause)..i).any(|j| match tokens[j] {
        Token::Han(c) if HAN_NEGATORS.contains(&c) => {
            !HAN_NOT_NEGATIONS.iter().any(|word| han_len(word, &tokens[j..]).is_some())
        }
        _ => false,
    });
    latin || han
}

fn is_negator(word: &str) -> bool {
    word.ends_with("n't") || NEGATORS.split_whitespace().any(|negator| negator == word)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Files that "exist" for these tests.
    const FILES: &[&str] = &[
        "clip.mp4",
        "b.MOV",
        "music.mp3",
        "/home/u/My Clip.mp4",
        "我的视频.mp4",
        "clip.txt",
        "./take2.webm",
        r"C:\clips\a.avi",
    ];

    fn exists(token: &str) -> bool {
        FILES.contains(&token)
    }

    fn check(message: &str, expected: Intent) {
        assert_eq!(route(message, &exists), expected, "{message:?}");
    }

    fn upload(sources: &[&str]) -> Intent {
        Intent::Upload { sources: sources.iter().map(|s| (*s).to_owned()).collect() }
    }

    #[test]
    fn every_keyword_of_the_table_in_both_languages() {
        for message in ["export", "导出", "download", "send me the video"] {
            check(message, Intent::Export);
        }
        for message in ["credits", "积分", "balance", "余额"] {
            check(message, Intent::Credits);
        }
        for message in ["status", "状态", "show tracks"] {
            check(message, Intent::Tracks);
        }
        for message in ["upload", "上传"] {
            check(message, upload(&[]));
        }
        check("hello", Intent::Chat);
        check("", Intent::Chat);
    }

    #[test]
    fn keywords_inside_sentences_case_and_punctuation() {
        check("EXPORT.", Intent::Export);
        check("Export!", Intent::Export);
        check("please export it in 1080p", Intent::Export);
        check("export 1080p MP4", Intent::Export);
        check("Can you Send Me The Video?", Intent::Export);
        check("ok, download", Intent::Export);
        check("how many credits do I have left?", Intent::Credits);
        check("what's my balance", Intent::Credits);
        check("查看余额", Intent::Credits);
        check("我还有多少积分？", Intent::Credits);
        check("Status?", Intent::Tracks);
        check("show tracks please", Intent::Tracks);
        check("看看状态", Intent::Tracks);
        check("UPLOAD", upload(&[]));
        check("我要上传视频", upload(&[]));
        check("导出吧", Intent::Export);
        check("export导出", Intent::Export);
    }

    #[test]
    fn whole_words_only() {
        for message in [
            "exported",
            "exports",
            "reexport",
            "re-export",
            "it's in my downloads folder",
            "credit",
            "uploaded it",
            "show track",
            "send me the videos",
            "statuses",
        ] {
            check(message, Intent::Chat);
        }
    }

    #[test]
    fn a_message_that_is_one_quote_is_read_without_it() {
        check("\"导出\"", Intent::Export);
        check("“余额”", Intent::Credits);
        check("'status'", Intent::Tracks);
        check("\"clip.mp4\"", upload(&["clip.mp4"]));
    }

    #[test]
    fn quoted_text_never_triggers() {
        check("title it \"download now\"", Intent::Chat);
        check("call it 'Export Day'", Intent::Chat);
        check("标题写「导出」", Intent::Chat);
        check("title it `status`", Intent::Chat);
        check("title it \"download now", Intent::Chat);
        check("export, with the title \"Hello\"", Intent::Export);
        check("don't 'export'", Intent::Chat);
        check("let's export", Intent::Export);
        check("it's the kids' export", Intent::Export);
    }

    #[test]
    fn negated_requests_are_not_that_intent() {
        for message in [
            "don't export yet",
            "do not export",
            "no export",
            "never export",
            "not ready to export",
            "without exporting",
            "without export",
            "dont export",
            "Don’t export",
            "don't export yet, add music",
            "skip the upload",
            "I don't want to download",
            "先别导出",
            "不要导出",
            "别导出",
            "不用导出",
            "暂不导出",
            "暂时不要导出",
            "现在还不想马上导出",
            "不要上传",
            "don't 导出",
            "don't show tracks",
            "no credits talk",
        ] {
            check(message, Intent::Chat);
        }
    }

    #[test]
    fn negation_ends_with_the_clause() {
        check("no, export it", Intent::Export);
        check("don't wait, export", Intent::Export);
        check("I don't like it but export anyway", Intent::Export);
        check("not yet. status?", Intent::Tracks);
        check("别等了，导出", Intent::Export);
        check("效果不错，导出", Intent::Export);
        check("效果不错导出", Intent::Export);
        check("export it, no rush", Intent::Export);
    }

    #[test]
    fn edit_instructions_go_to_the_agent() {
        check("trim the pauses, add transitions, and export a clean final cut", Intent::Chat);
        check("add a title that says download now", Intent::Chat);
        check("add end credits", Intent::Chat);
        check("添加背景音乐然后导出", Intent::Chat);
        check("don't add music, export", Intent::Export);
        check("add music to clip.mp4", upload(&["clip.mp4"]));
    }

    #[test]
    fn film_credits_and_the_verb_balance_are_not_credits() {
        check("show the end credits", Intent::Chat);
        check("credits roll too fast", Intent::Chat);
        check("balance the audio levels", Intent::Chat);
        check("white balance looks off", Intent::Chat);
        check("check my balance", Intent::Credits);
        check("balance please", Intent::Credits);
        check("credits left?", Intent::Credits);
    }

    #[test]
    fn precedence() {
        check("export and show my credits", Intent::Export);
        check("credits and status", Intent::Credits);
        check("status, then upload", Intent::Tracks);
        check("upload clip.mp4 and export", upload(&["clip.mp4"]));
        check("what's the status of my export?", Intent::Export);
    }

    #[test]
    fn existing_media_files_are_uploads() {
        check("clip.mp4", upload(&["clip.mp4"]));
        check("upload clip.mp4, b.MOV and music.mp3.", upload(&["clip.mp4", "b.MOV", "music.mp3"]));
        check("here: (clip.mp4)", upload(&["clip.mp4"]));
        check("use ./take2.webm!", upload(&["./take2.webm"]));
        check(r"C:\clips\a.avi", upload(&[r"C:\clips\a.avi"]));
        check("clip.mp4 clip.mp4", upload(&["clip.mp4"]));
        check("上传clip.mp4", upload(&["clip.mp4"]));
        check("上传：clip.mp4，谢谢", upload(&["clip.mp4"]));
        check("上传我的视频.mp4", upload(&["我的视频.mp4"]));
        check("我的视频.mp4", upload(&["我的视频.mp4"]));
    }

    #[test]
    fn paths_with_spaces_are_quoted_or_escaped() {
        check("upload \"/home/u/My Clip.mp4\"", upload(&["/home/u/My Clip.mp4"]));
        check("upload '/home/u/My Clip.mp4'", upload(&["/home/u/My Clip.mp4"]));
        check("upload “ /home/u/My Clip.mp4 ”", upload(&["/home/u/My Clip.mp4"]));
        check(r"/home/u/My\ Clip.mp4", upload(&["/home/u/My Clip.mp4"]));
        check("upload /home/u/My Clip.mp4", upload(&[]));
    }

    #[test]
    fn missing_files_and_other_formats_are_not_sources() {
        check("upload missing.mp4", upload(&[]));
        check("missing.mp4", Intent::Chat);
        check("clip.txt", Intent::Chat);
        check("upload notes.txt", upload(&[]));
        check("don't upload clip.mp4", Intent::Chat);
        check("not clip.mp4, status", Intent::Tracks);
    }

    #[test]
    fn the_predicate_is_only_asked_about_media_names() {
        let asked = std::cell::RefCell::new(Vec::new());
        let predicate = |token: &str| {
            asked.borrow_mut().push(token.to_owned());
            true
        };
        let intent = route("open notes.txt, a.png and README then export", &predicate);
        assert_eq!(intent, upload(&["a.png"]));
        assert_eq!(*asked.borrow(), ["a.png"]);
    }

    #[test]
    fn paths_never_trigger_keywords() {
        check("my_export.mov", Intent::Chat);
        check("see /tmp/export/x", Intent::Chat);
        check("mail credits@example.com", Intent::Chat);
        check("export.mp4", Intent::Chat);
    }

    #[test]
    fn media_urls_are_uploads() {
        check("https://cdn.example.com/v/clip.mp4", upload(&["https://cdn.example.com/v/clip.mp4"]));
        check(
            "upload https://x.com/a.mp4?sig=1, http://y.org/b.png.",
            upload(&["https://x.com/a.mp4?sig=1", "http://y.org/b.png"]),
        );
        check("上传https://x.com/a.mp4", upload(&["https://x.com/a.mp4"]));
        check("use <https://x.com/a.mp4>", upload(&["https://x.com/a.mp4"]));
        check("see \"https://x.com/my clip.mp4\"", Intent::Chat);
        check("'https://x.com/a.mp4'", upload(&["https://x.com/a.mp4"]));
        check("https://example.com/page.html", Intent::Chat);
        check("ftp://x.com/a.mp4", Intent::Chat);
        check("download https://example.com/watch?v=1", Intent::Export);
    }

    #[test]
    fn names() {
        let all = [Intent::Export, Intent::Credits, Intent::Tracks, upload(&["a.mp4"]), Intent::Chat];
        let names: Vec<&str> = all.iter().map(Intent::name).collect();
        assert_eq!(names, ["export", "credits", "tracks", "upload", "chat"]);
    }

    proptest! {
        #[test]
        fn routing_is_total_and_ignores_surrounding_whitespace(
            message in "\\PC{0,60}",
            words in prop::collection::vec(
                prop::sample::select(vec![
                    "export", "导出", "don't", "不要", "\"", "'", "“", "clip.mp4", "https://x.com/a.mp4",
                    ",", ".", "add", "upload", "上传", "\\ ", "status", "balance", "the", "余额", "a.mp4",
                ]),
                0..8,
            ),
            pad_left in "[ \t\n]{0,3}",
            pad_right in "[ \t\n\u{3000}]{0,3}",
        ) {
            let predicate = |token: &str| token.len().is_multiple_of(2);
            for message in [message, words.join(" "), words.concat()] {
                let intent = route(&message, &predicate);
                prop_assert!(["export", "credits", "tracks", "upload", "chat"].contains(&intent.name()));
                let padded = format!("{pad_left}{message}{pad_right}");
                prop_assert_eq!(route(&padded, &predicate), intent);
            }
        }
    }
}

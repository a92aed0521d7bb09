//! GUI translation of the agent's text: the backend answers as if the user had its web editor
//! open ("click the Export button"). The client turns those instructions into actions of its
//! own and shows the rest of the message.
//!
//! | Backend says | [`GuiAction`] |
//! |---|---|
//! | "click \[button\]" / "点击" | [`GuiAction::Click`] (perform it through the API) |
//! | "open \[panel\]" / "打开" | [`GuiAction::ShowState`] |
//! | "drag" / "drop" / "拖拽" | [`GuiAction::SendAsEdit`] |
//! | "preview in timeline" | [`GuiAction::ShowTracks`] |
//! | "Export button" / "导出" | [`GuiAction::Export`] |
//! | "check account / billing" | [`GuiAction::ShowCredits`] |
//!
//! How [`translate`] reads text:
//!
//! - It works on sentences, ended by `. ! ?` (followed by a space or the end), `;`, `。！？；`
//!   or a line break; a fragment without an ending is a sentence too, so text can be
//!   translated chunk by chunk while it streams. Sentences are cut into clauses at `,` and
//!   `:` (outside brackets), `，` `：`, and the words "and", "or", "then", "but", 然后, 并且.
//! - A verb is an instruction only in the imperative: at the start of its clause, after
//!   nothing but words like "please", "you can", "just", "now", "make sure to", "once you".
//!   "I've added a click sound" and "the video opens with a title" are content.
//!   English matching is case-insensitive and on whole words. Chinese marks no imperative:
//!   its cues count anywhere in their clause.
//! - **click / tap / press / double-click / 点击 / 单击 / 双击** `[label]`: the label is the
//!   quoted text after the verb, or up to four words before "button", "to", "and", …
//!   ("Click the Save Draft button" → `Save Draft`). A label that names export, download or
//!   render (导出, 下载, 渲染) is [`GuiAction::Export`]; "click here to download" too.
//! - **open / 打开** → [`GuiAction::ShowState`], or [`GuiAction::ShowCredits`] when it opens
//!   the account, billing, credits or balance (账户, 余额, …).
//! - **drag / 拖拽 / 拖动 / 拖放 / 拖到** → [`GuiAction::SendAsEdit`]; **drop** only with a
//!   place (here, onto, into, timeline, …): "drop the volume" is an edit, not a gesture.
//! - **preview** with "timeline" within five words / **预览** with 时间线 or 时间轴 →
//!   [`GuiAction::ShowTracks`].
//! - **"Export button"** ("Download button", "Render button", 导出按钮, 导出键) anywhere →
//!   [`GuiAction::Export`]. A bare "export" or 导出 is not a GUI instruction: "I can export
//!   it in 1080p" stays as it is.
//! - **check / visit** the account, billing, credits or balance, **查看 / 检查** 账户, 余额, … →
//!   [`GuiAction::ShowCredits`].
//!
//! A sentence holding an instruction is dropped, except the clauses before the instruction
//! that say something on their own: "I've added the music, click Export to render." keeps
//! "I've added the music." (clauses from "if", "to", "once", …, or before a `:`, belong to
//! the instruction and go with it). Text without instructions comes back byte for byte;
//! otherwise the kept sentences keep their spacing and the text keeps its trailing
//! whitespace. Actions come in the order of the text, each once. Translating a translation
//! changes nothing.

use std::borrow::Cow;

use crate::intent::{closing_quote, is_han, is_word_char};

/// What the client does in place of a GUI instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuiAction {
    /// "Click \[button\]": perform it through the API.
    Click {
        /// The button's label, as written.
        target: String,
    },
    /// "Open \[panel\]": show the state summary.
    ShowState,
    /// "Drag" / "drop": send the edit as a chat message.
    SendAsEdit,
    /// "Preview in timeline": show the track summary.
    ShowTracks,
    /// "Export button": run the export flow.
    Export,
    /// "Check account / billing": show the credits.
    ShowCredits,
}

/// Translated text: what to show, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Translation {
    /// The text without its GUI instructions (possibly empty).
    pub text: String,
    /// The actions replacing them, in order, each once.
    pub actions: Vec<GuiAction>,
}

/// Translates the agent's text, or a fragment of it (see the module documentation).
#[must_use]
pub fn translate(text: &str) -> Translation {
    let (lead, sentences) = split_sentences(text);
    let mut actions: Vec<GuiAction> = Vec::new();
    let mut kept: Vec<(Cow<'_, str>, &str)> = Vec::new();
    let mut changed = false;
    for sentence in &sentences {
        let Some(translated) = translate_sentence(sentence.body) else {
            kept.push((Cow::Borrowed(sentence.body), sentence.space));
            continue;
        };
        changed = true;
        for action in translated.actions {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
        if let Some(prefix) = translated.kept {
            kept.push((Cow::Owned(prefix), sentence.space));
        }
    }
    if !changed {
        return Translation { text: text.to_owned(), actions };
    }
    if kept.is_empty() {
        return Translation { text: String::new(), actions };
    }
    let trailing = sentences.last().map_or("", |s| s.space);
    let mut out = String::from(lead);
    let last = kept.len() - 1;
    for (n, (body, space)) in kept.iter().enumerate() {
        out.push_str(body);
        out.push_str(if n == last { trailing } else { space });
    }
    Translation { text: out, actions }
}

const TERMINATORS: &str = ".!?;。！？；";
const CJK_TERMINATORS: &str = "。！？；";
const CLOSERS: &str = "\"'”’」』)）]】";

/// A sentence and the whitespace after it.
struct Sentence<'a> {
    body: &'a str,
    space: &'a str,
}

/// Leading whitespace, then the sentences: `text == lead + Σ (body + space)`.
fn split_sentences(text: &str) -> (&str, Vec<Sentence<'_>>) {
    let mut start = text.len() - text.trim_start().len();
    let lead = &text[..start];
    let mut sentences = Vec::new();
    while start < text.len() {
        let end = sentence_end(text, start);
        let next = text.len() - text[end..].trim_start().len();
        sentences.push(Sentence { body: &text[start..end], space: &text[end..next] });
        start = next;
    }
    (lead, sentences)
}

/// Where the sentence starting at `start` (not whitespace) ends.
fn sentence_end(text: &str, start: usize) -> usize {
    let mut chars = text[start..].char_indices().map(|(j, c)| (start + j, c)).peekable();
    while let Some((at, c)) = chars.next() {
        if matches!(c, '\n' | '\r') {
            return start + text[start..at].trim_end().len();
        }
        if !TERMINATORS.contains(c) {
            continue;
        }
        let mut end = at + c.len_utf8();
        let mut cjk = CJK_TERMINATORS.contains(c);
        while let Some(&(k, n)) = chars.peek().filter(|(_, n)| TERMINATORS.contains(*n) || CLOSERS.contains(*n)) {
            cjk |= CJK_TERMINATORS.contains(n);
            end = k + n.len_utf8();
            chars.next();
        }
        if cjk || c == ';' || text[end..].chars().next().is_none_or(char::is_whitespace) {
            return end;
        }
    }
    text.len()
}

/// A sentence with an instruction: the actions, and the statement before it, if any.
struct TranslatedSentence {
    kept: Option<String>,
    actions: Vec<GuiAction>,
}

fn translate_sentence(body: &str) -> Option<TranslatedSentence> {
    let clauses = split_clauses(body);
    let mut actions = Vec::new();
    let mut first = None;
    for (n, clause) in clauses.iter().enumerate() {
        let found = detect(body, clause);
        if !found.is_empty() {
            first.get_or_insert(n);
            actions.extend(found.into_iter().flatten());
        }
    }
    let first = first?;
    let mut cut = clauses[..first].iter().position(|c| c.is_subordinate(body)).unwrap_or(first);
    if cut > 0 && clauses[cut].after_colon {
        cut -= 1;
    }
    let prefix = trim_prefix(&body[..clauses[cut].sep_start]);
    let says_something = prefix.contains(char::is_alphanumeric);
    let kept = (cut > 0 && says_something).then(|| format!("{prefix}{}", terminator(body)));
    Some(TranslatedSentence { kept, actions })
}

/// The terminators ending a sentence (closing quotes or brackets after them left out).
fn terminator(body: &str) -> String {
    let tail = body.trim_end_matches(|c| TERMINATORS.contains(c) || CLOSERS.contains(c));
    body[tail.len()..].chars().filter(|&c| TERMINATORS.contains(c)).collect()
}

/// The statement before an instruction, without the separators leading to it.
fn trim_prefix(prefix: &str) -> &str {
    prefix.trim_end_matches(|c: char| c.is_whitespace() || ",:，：、".contains(c))
}

/// A Latin word of a clause: lowercased, with its place in the sentence.
struct Word {
    lower: String,
    start: usize,
    end: usize,
}

/// A clause of a sentence.
struct Clause {
    /// Where the separator before it starts (0 for the first clause).
    sep_start: usize,
    /// Whether that separator is a colon.
    after_colon: bool,
    start: usize,
    end: usize,
    words: Vec<Word>,
}

impl Clause {
    fn starting(sep_start: usize, after_colon: bool, start: usize, body: &str) -> Self {
        Self { sep_start, after_colon, start, end: body.len(), words: Vec::new() }
    }

    /// Whether it leads into what follows ("if you like it", "to render", "如果…").
    fn is_subordinate(&self, body: &str) -> bool {
        let text = body[self.start..self.end].trim_start();
        let first_word = self.words.first().filter(|w| w.start == self.end - text.len());
        first_word.is_some_and(|w| SUBORDINATORS.contains(&w.lower.as_str()))
            || HAN_SUBORDINATORS.iter().any(|h| text.starts_with(h))
    }
}

const SUBORDINATORS: &[&str] =
    &["if", "to", "when", "once", "after", "before", "whenever", "as", "for", "until", "unless", "whether", "in"];
const HAN_SUBORDINATORS: &[&str] = &["如果", "若", "要", "想", "为了", "当"];

fn split_clauses(body: &str) -> Vec<Clause> {
    let mut clauses = ClauseSplitter { body, done: Vec::new(), current: Clause::starting(0, false, 0, body) };
    let mut depth = 0_u32;
    let mut word_start = None;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let joins = matches!(c, '\'' | '’' | '-') && word_start.is_some() && next.is_some_and(is_word_char);
        if is_word_char(c) || joins {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            clauses.word(start, i, depth);
        }
        match c {
            '(' | '[' | '（' | '【' => depth += 1,
            ')' | ']' | '）' | '】' => depth = depth.saturating_sub(1),
            ',' | ':' if depth == 0 && next.is_none_or(char::is_whitespace) => clauses.split(i, i + 1, c == ':'),
            '，' | '：' if depth == 0 => clauses.split(i, i + c.len_utf8(), c == '：'),
            _ if depth == 0 => {
                if let Some(word) = HAN_CLAUSE_WORDS.iter().find(|w| body[i..].starts_with(*w)) {
                    clauses.split(i, i + word.len(), false);
                }
            }
            _ => {}
        }
    }
    if let Some(start) = word_start {
        clauses.word(start, body.len(), depth);
    }
    clauses.done.push(clauses.current);
    clauses.done
}

struct ClauseSplitter<'a> {
    body: &'a str,
    done: Vec<Clause>,
    current: Clause,
}

impl ClauseSplitter<'_> {
    /// Ends the current clause at a separator spanning `sep_start..next_start`.
    fn split(&mut self, sep_start: usize, next_start: usize, colon: bool) {
        let next = Clause::starting(sep_start, colon, next_start, self.body);
        let mut done = std::mem::replace(&mut self.current, next);
        done.end = sep_start;
        self.done.push(done);
    }

    /// A word at `start..end`: a clause separator, or a word of the current clause.
    fn word(&mut self, start: usize, end: usize, depth: u32) {
        let lower = self.body[start..end].to_lowercase().replace('’', "'");
        if depth == 0 && CLAUSE_WORDS.contains(&lower.as_str()) {
            self.split(start, end, false);
        } else {
            self.current.words.push(Word { lower, start, end });
        }
    }
}

const CLAUSE_WORDS: &[&str] = &["and", "or", "then", "but"];
const HAN_CLAUSE_WORDS: &[&str] = &["然后", "并且"];

/// Words that may stand before an imperative verb in its clause.
const LEAD_INS: &str = "please kindly you you'll you'd we we'll let's can could may might will would should must need \
    needs want wish just simply now also first next finally to go ahead feel free sure be make remember don't forget \
    try if when once after before as soon so whenever right";

fn is_lead_in(word: &str) -> bool {
    LEAD_INS.split_whitespace().any(|w| w == word)
}

const CLICK_VERBS: &[&str] = &["click", "tap", "press", "double-click"];
const ACCOUNT_WORDS: &[&str] = &["account", "billing", "credits", "balance", "subscription"];
const DROP_PLACES: &[&str] = &["here", "onto", "into", "timeline", "canvas", "track", "area", "zone", "panel"];
const EXPORT_WORDS: &[&str] = &["export", "download", "render"];
const HAN_EXPORT_WORDS: &[&str] = &["导出", "下载", "渲染"];
const HAN_ACCOUNT_WORDS: &[&str] = &["账户", "账号", "余额", "账单", "计费", "充值"];

/// The instructions in a clause, in order: `None` for one that asks nothing of the client
/// ("click here").
fn detect(body: &str, clause: &Clause) -> Vec<Option<GuiAction>> {
    let words = &clause.words;
    let mut found: Vec<(usize, Option<GuiAction>)> = Vec::new();
    let lead_ins = words.iter().take_while(|w| is_lead_in(&w.lower)).count();
    for (k, word) in words.iter().enumerate() {
        let after = &words[k + 1..];
        let has = |list: &[&str]| after.iter().any(|w| list.contains(&w.lower.as_str()));
        let imperative = k <= lead_ins;
        let action = match word.lower.as_str() {
            verb if CLICK_VERBS.contains(&verb) && imperative => {
                let label = click_label(body, clause, k);
                Some(label_action(label).or_else(|| has(EXPORT_WORDS).then_some(GuiAction::Export)))
            }
            "open" if imperative => {
                Some(Some(if has(ACCOUNT_WORDS) { GuiAction::ShowCredits } else { GuiAction::ShowState }))
            }
            "check" | "visit" if imperative && has(ACCOUNT_WORDS) => Some(Some(GuiAction::ShowCredits)),
            "drag" if imperative => Some(Some(GuiAction::SendAsEdit)),
            "drop" if imperative && has(DROP_PLACES) => Some(Some(GuiAction::SendAsEdit)),
            "preview" if imperative && after.iter().take(5).any(|w| w.lower == "timeline") => {
                Some(Some(GuiAction::ShowTracks))
            }
            w if EXPORT_WORDS.contains(&w) && after.first().is_some_and(|n| is_button(body, word, n)) => {
                Some(Some(GuiAction::Export))
            }
            _ => None,
        };
        if let Some(action) = action {
            found.push((word.start, action));
        }
    }
    detect_han(body, clause, &mut found);
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, action)| action).collect()
}

/// Whether `next` is "button" right after `word` (quotes allowed between: 'Export' button).
fn is_button(body: &str, word: &Word, next: &Word) -> bool {
    next.lower == "button"
        && body[word.end..next.start]
            .chars()
            .all(|c| c.is_whitespace() || closing_quote(c).is_some() || CLOSERS.contains(c))
}

fn detect_han(body: &str, clause: &Clause, found: &mut Vec<(usize, Option<GuiAction>)>) {
    let text = &body[clause.start..clause.end];
    let find = |needles: &[&str]| needles.iter().filter_map(|n| text.find(n).map(|at| (at, n.len()))).min();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    let mut push = |at: usize, action: Option<GuiAction>| found.push((clause.start + at, action));
    if let Some((at, len)) = find(&["点击", "单击", "双击"]) {
        push(at, han_label_action(&text[at + len..]));
    }
    if let Some((at, _)) = find(&["打开"]) {
        push(at, Some(if has(HAN_ACCOUNT_WORDS) { GuiAction::ShowCredits } else { GuiAction::ShowState }));
    }
    if let Some((at, _)) = find(&["拖拽", "拖动", "拖放", "拖到"]) {
        push(at, Some(GuiAction::SendAsEdit));
    }
    if let Some((at, _)) = find(&["预览"]).filter(|_| has(&["时间线", "时间轴"])) {
        push(at, Some(GuiAction::ShowTracks));
    }
    if let Some((at, _)) = find(&["导出按钮", "导出键"]) {
        push(at, Some(GuiAction::Export));
    }
    if let Some((at, _)) = find(&["查看", "检查"]).filter(|_| has(HAN_ACCOUNT_WORDS)) {
        push(at, Some(GuiAction::ShowCredits));
    }
}

/// Words that end a button label.
const LABEL_STOPS: &[&str] = &[
    "button", "buttons", "btn", "tab", "icon", "link", "option", "menu", "panel", "to", "and", "or", "then", "in",
    "at", "on", "for", "so", "below", "above", "which", "that", "from", "with", "if", "when", "once", "again", "now",
];
const DEICTIC: &[&str] = &["here", "it", "this", "that", "there", "这里", "此处", "这儿"];

/// The label after the click verb `clause.words[k]`: quoted, or up to four words.
fn click_label<'a>(body: &'a str, clause: &Clause, k: usize) -> &'a str {
    let mut rest = &clause.words[k + 1..];
    while let [first, tail @ ..] = rest {
        if first.lower != "on" && first.lower != "the" {
            break;
        }
        rest = tail;
    }
    let from = rest.first().map_or(clause.end, |w| w.start);
    let gap = &body[clause.words[k].end..from];
    if let Some((at, open)) = gap.char_indices().find(|&(_, c)| closing_quote(c).is_some()) {
        let inner = clause.words[k].end + at + open.len_utf8();
        return quoted(&body[inner..clause.end], open);
    }
    let taken = rest.iter().take(4).take_while(|w| !LABEL_STOPS.contains(&w.lower.as_str())).last();
    taken.map_or("", |last| &body[from..last.end])
}

/// The content of a quote whose opening `open` precedes `rest`.
fn quoted(rest: &str, open: char) -> &str {
    let close = closing_quote(open).unwrap_or(open);
    rest.find(close).map_or(rest, |end| &rest[..end])
}

/// The label after 点击: quoted, or the words up to 按钮, 即可, …, after the last 的.
fn han_label_action(rest: &str) -> Option<GuiAction> {
    let rest = rest.trim_start().trim_start_matches('了').trim_start_matches("一下").trim_start();
    if let Some(open) = rest.chars().next().filter(|&c| closing_quote(c).is_some()) {
        return label_action(quoted(&rest[open.len_utf8()..], open));
    }
    let stops = ["按钮", "键", "图标", "选项", "即可", "就", "来", "以", "后", "然后", "进行", "并"];
    let end = rest
        .char_indices()
        .find(|&(at, c)| !(is_han(c) || c.is_alphanumeric()) || stops.iter().any(|s| rest[at..].starts_with(s)))
        .map_or(rest.len(), |(at, _)| at);
    let label = &rest[..end];
    label_action(label.rsplit('的').next().unwrap_or(label))
}

/// The action of clicking `label`: the export flow for export buttons, nothing for "here".
fn label_action(label: &str) -> Option<GuiAction> {
    let label = label.trim();
    let lower = label.to_lowercase();
    if label.is_empty() || DEICTIC.contains(&lower.as_str()) {
        return None;
    }
    let export = lower.split(|c: char| !is_word_char(c)).any(|w| EXPORT_WORDS.contains(&w))
        || HAN_EXPORT_WORDS.iter().any(|w| label.contains(w));
    Some(if export { GuiAction::Export } else { GuiAction::Click { target: label.to_owned() } })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use GuiAction::{Export, SendAsEdit, ShowCredits, ShowState, ShowTracks};

    fn check(input: &str, text: &str, actions: &[GuiAction]) {
        let got = translate(input);
        assert_eq!(got, Translation { text: text.to_owned(), actions: actions.to_vec() }, "{input:?}");
        assert_eq!(translate(&got.text).text, got.text, "not idempotent on {input:?}");
    }

    fn click(target: &str) -> GuiAction {
        GuiAction::Click { target: target.to_owned() }
    }

    fn unchanged(input: &str) {
        check(input, input, &[]);
    }

    #[test]
    fn the_examples_of_the_table() {
        check(
            "I've added background music (Lo-fi, 35%). Click the Export button to render your video.",
            "I've added background music (Lo-fi, 35%).",
            &[Export],
        );
        check("Open the Tracks panel to see the title.", "", &[ShowState]);
        check("Drag the clip to the timeline", "", &[SendAsEdit]);
        check("You can preview in timeline.", "", &[ShowTracks]);
        check("Please check your account billing", "", &[ShowCredits]);
        check("点击导出按钮即可下载", "", &[Export]);
        check("Click Apply", "", &[click("Apply")]);
    }

    #[test]
    fn text_without_instructions_passes_unchanged() {
        unchanged("I can export it in 1080p.");
        unchanged("I've added background music (Lo-fi, 35%).");
        unchanged("  Timeline (3 tracks): 1. Video: city timelapse (0-10s)\n\n");
        unchanged("I've added a click sound at 0:03.");
        unchanged("The video opens with a title; the beat drops at 5s.");
        unchanged("Let me open the project for you.");
        unchanged("Drop shadows were added to the title.");
        unchanged("I've updated the preview in the timeline.");
        unchanged("已为你导出视频，共 12 秒。");
        unchanged("我可以导出1080p的视频");
        unchanged("Your export is ready");
        unchanged("");
        unchanged(" \n ");
    }

    #[test]
    fn click_labels() {
        check("Click Apply to confirm.", "", &[click("Apply")]);
        check("click on the Save Draft button", "", &[click("Save Draft")]);
        check("Click \"Add Music\" to continue.", "", &[click("Add Music")]);
        check("Just tap 'Use this template'.", "", &[click("Use this template")]);
        check("Press Enter to continue", "", &[click("Enter")]);
        check("CLICK APPLY!", "", &[click("APPLY")]);
        check("Click Export.", "", &[Export]);
        check("Click the Download button to save it.", "", &[Export]);
        check("Click here to download your video.", "", &[Export]);
        check("Click here.", "", &[]);
        check("点击应用", "", &[click("应用")]);
        check("点击「添加音乐」按钮。", "", &[click("添加音乐")]);
        check("点击右上角的导出按钮。", "", &[Export]);
    }

    #[test]
    fn the_other_instructions() {
        check("Now open the Settings menu.", "", &[ShowState]);
        check("Open your account page to top up.", "", &[ShowCredits]);
        check("打开轨道面板查看标题", "", &[ShowState]);
        check("Simply drag and drop your files here.", "", &[SendAsEdit]);
        check("Drop the clip onto the timeline.", "", &[SendAsEdit]);
        check("把片段拖拽到时间线上。", "", &[SendAsEdit]);
        check("Preview it in the timeline!", "", &[ShowTracks]);
        check("在时间线中预览效果。", "", &[ShowTracks]);
        check("The Export button is at the top right.", "", &[Export]);
        check("Visit the billing page to upgrade.", "", &[ShowCredits]);
        check("请查看账户余额。", "", &[ShowCredits]);
        check("Once you click Export, the video renders.", "", &[Export]);
    }

    #[test]
    fn the_statement_before_an_instruction_is_kept() {
        check("I've added the music, click Export to render.", "I've added the music.", &[Export]);
        check("Music added and you can preview in timeline.", "Music added.", &[ShowTracks]);
        check("已添加背景音乐，点击导出按钮即可下载。", "已添加背景音乐。", &[Export]);
        check("Done! Now click Apply.", "Done!", &[click("Apply")]);
        check("If you like it, click Export.", "", &[Export]);
        check("To render your video, click the Export button.", "", &[Export]);
        check("Title added, if you're happy, click Export.", "Title added.", &[Export]);
        check("Tip: click Export.", "", &[Export]);
        check("Saved \"v2\", click Apply.\" Next.", "Saved \"v2\". Next.", &[click("Apply")]);
    }

    #[test]
    fn spacing_actions_order_and_duplicates() {
        check("Click Export. Done. Click the Export button.", "Done.", &[Export]);
        check("A.\n\nOpen the panel.\n\nB. ", "A.\n\nB. ", &[ShowState]);
        check("Open the panel and click Apply. Then drag it.", "", &[ShowState, click("Apply"), SendAsEdit]);
        check("Open the panel. ", "", &[ShowState]);
        check("  A. Click X. ", "  A. ", &[click("X")]);
        check("第一步完成。点击应用。好的。", "第一步完成。好的。", &[click("应用")]);
    }

    /// Words and marks that never form an instruction, `|`-separated.
    const CONTENT: &str = "I've|added|music|export|Export|1080p|title|(Lo-fi,|35%).|。|导出|视频|the|timeline|account|a|I|\
        it|,|.|!|?|;|\n|：|a click|opens|“Urban|Dreams”|0-3s|已添加|它|and|我|可以|billing|下载";
    /// Instructions and their surroundings, `|`-separated.
    const GUI: &str = "Click|click|open|Open|drag|Drag|drop|here|Export|button|点击|打开|拖拽|导出按钮|please|you|can|\
        check|billing|preview|in|timeline|\"Apply\"|Apply|if|,|.| and |。|，|\n|：|Done|music|预览|时间线";

    fn joined(pool: &'static str) -> impl Strategy<Value = String> {
        let pool: Vec<&str> = pool.split('|').collect();
        prop::collection::vec((prop::sample::select(pool), prop::sample::select(vec!["", " ", "  "])), 0..14)
            .prop_map(|parts| parts.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(text in "\\PC{0,80}") {
            let once = translate(&text);
            prop_assert_eq!(translate(&once.text).text, once.text);
        }

        #[test]
        fn instructions_are_idempotent_without_duplicates(text in joined(GUI)) {
            let once = translate(&text);
            let twice = translate(&once.text);
            prop_assert_eq!(&twice.text, &once.text);
            prop_assert!(twice.actions.is_empty(), "{:?} left {:?}", once.text, twice.actions);
            for (n, action) in once.actions.iter().enumerate() {
                prop_assert!(!once.actions[n + 1..].contains(action));
            }
        }

        #[test]
        fn gui_free_text_is_unchanged(text in joined(CONTENT)) {
            prop_assert_eq!(translate(&text), Translation { text: text.clone(), actions: Vec::new() });
        }
    }
}

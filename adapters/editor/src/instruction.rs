//! What every instruction is: the [`Instruction`] trait (recognise a clause as a tool call,
//! plan it against the draft and the media), the [`Change`] a plan makes (how it edits the
//! draft, the sentence it answers, the tool call it shows), and the [`Context`] it plans in.

use std::fmt;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::history::History;
use crate::media::MediaEngine;
use crate::words::Clause;

/// How an instruction presents itself: in the event stream, in the list of what the editor
/// can do, and in the README's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct About {
    /// The tool name the editor "calls" (`add_title`).
    pub tool: &'static str,
    /// Its part of the sentence listing what the editor can do, after "I can"
    /// (`add a title (add a title "My Trip" for 3 seconds at the top)`).
    pub can: &'static str,
    /// Its row in the README's table: a short name, then examples in English and Chinese.
    pub name: &'static str,
    /// Examples, each a message the editor understands as this instruction alone.
    pub examples: &'static [&'static str],
    /// Whether it needs a video (or photos) in the project: without one, the editor asks
    /// for an upload instead.
    pub needs_video: bool,
}

/// One instruction the editor understands. Each lives in its own module of `instructions`
/// and is listed once in their table.
pub trait Instruction: Sync {
    /// How it presents itself.
    fn about(&self) -> &'static About;

    /// The tool call's arguments when `clause` asks for this instruction, else `None` (the
    /// next instruction of the table is asked).
    fn recognise(&self, clause: &Clause) -> Option<Value>;

    /// The change the call makes to the draft as `context` has it, or the sentence saying
    /// why it cannot be made.
    ///
    /// # Errors
    /// The sentence answered instead of an edit ("There is no background music yet…").
    fn plan(&self, args: &Value, context: &Context<'_>) -> Result<Change, String>;
}

/// What an instruction can use besides its arguments.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The drafts: the current one and the steps before it.
    pub history: &'a History,
    /// The media engine, when there is one (pause removal, music files, probes).
    pub engine: Option<&'a dyn MediaEngine>,
    /// The last audio file uploaded to the project (name, source): the music "add music"
    /// uses when it names no file.
    pub uploaded_music: Option<(&'a str, &'a str)>,
    /// The last subtitle file uploaded to the project (its source): the captions "add
    /// captions" uses when it names no file.
    pub uploaded_subtitles: Option<&'a str>,
    /// Every file uploaded to the project (name, source), in order.
    pub uploads: &'a [(&'a str, &'a str)],
}

impl<'a> Context<'a> {
    /// The current draft.
    #[must_use]
    pub fn draft(&self) -> &Value {
        self.history.current()
    }

    /// A context of `history` alone: no engine, nothing uploaded.
    #[cfg(test)]
    pub(crate) fn bare(history: &'a History) -> Self {
        Self { history, engine: None, uploaded_music: None, uploaded_subtitles: None, uploads: &[] }
    }

    /// What a file an instruction names means: the project's latest upload of that name
    /// (whatever directory the command runs from), else the name itself, a path.
    #[must_use]
    pub fn file<'b>(&self, named: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.uploads.iter().rev().find(|(name, _)| *name == named).map_or(named, |(_, src)| src)
    }
}

/// How a change edits the drafts.
#[derive(Clone)]
pub(crate) enum Effect {
    /// Edits the current draft (the draft before becomes a step of the history).
    Edit(Arc<dyn Fn(&mut Value) + Send + Sync>),
    /// Goes back one step of the history.
    Undo,
    /// Each change in order.
    Several(Vec<Change>),
}

/// A planned edit: what it does to the drafts, the tool call shown for it, and its sentence.
#[derive(Clone)]
pub struct Change {
    tool: &'static str,
    args: Value,
    pub(crate) effect: Effect,
    sentence: Option<String>,
    /// The sentence when the change is the message's only instruction (`None`: silent).
    alone: Option<String>,
}

impl Change {
    /// An edit of the current draft: `edit` is applied to a copy now to word the sentence
    /// (`say` reads the draft after it), and again to the project's draft when the turn lands.
    pub fn edit(
        about: &About,
        args: Value,
        draft: &Value,
        edit: impl Fn(&mut Value) + Send + Sync + 'static,
        say: impl FnOnce(&Value) -> String,
    ) -> Self {
        let mut after = draft.clone();
        edit(&mut after);
        let sentence = say(&after);
        Self {
            tool: about.tool,
            args,
            effect: Effect::Edit(Arc::new(edit)),
            alone: Some(sentence.clone()),
            sentence: Some(sentence),
        }
    }

    /// Going back one step of the history, answered with `sentence`.
    #[must_use]
    pub fn undo(about: &About, sentence: String) -> Self {
        Self {
            tool: about.tool,
            args: json!({}),
            effect: Effect::Undo,
            alone: Some(sentence.clone()),
            sentence: Some(sentence),
        }
    }

    /// Several changes as one, in order (the tool call `edit_video` with each call).
    #[must_use]
    pub fn several(changes: Vec<Self>) -> Self {
        let calls: Vec<Value> = changes.iter().map(|c| json!({"name": c.tool, "args": c.args})).collect();
        Self {
            tool: "edit_video",
            args: json!({"edits": calls}),
            effect: Effect::Several(changes),
            sentence: None,
            alone: None,
        }
    }

    /// The same change answered with `sentence` when it is the message's only instruction
    /// (`None`: silently, like the vendor's multitrack edits).
    #[must_use]
    pub fn alone(mut self, sentence: Option<String>) -> Self {
        self.alone = sentence;
        self
    }

    /// The tool call shown for it: its name and arguments.
    #[must_use]
    pub fn tool_call(&self) -> (&'static str, &Value) {
        (self.tool, &self.args)
    }

    /// Its sentence, among others or alone.
    #[must_use]
    pub fn sentence(&self, alone: bool) -> Option<&str> {
        if alone { self.alone.as_deref() } else { self.sentence.as_deref() }
    }
}

/// Shows the tool call and the sentence (the edit is code).
impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Change")
            .field("tool", &self.tool)
            .field("args", &self.args)
            .field("sentence", &self.sentence)
            .finish_non_exhaustive()
    }
}

/// Two changes are the same when they show the same tool call and answer the same.
impl PartialEq for Change {
    fn eq(&self, other: &Self) -> bool {
        (self.tool, &self.args, &self.sentence, &self.alone) == (other.tool, &other.args, &other.sentence, &other.alone)
    }
}

/// Milliseconds as seconds: whole when whole, else one decimal.
#[must_use]
pub fn seconds(ms: i64) -> String {
    if ms % 1000 == 0 { (ms / 1000).to_string() } else { format!("{:.1}", ms as f64 / 1000.0) }
}

/// A number argument, when present.
pub(crate) fn number(args: &Value, key: &str) -> Option<f64> {
    args.get(key).and_then(Value::as_f64).filter(|n| n.is_finite())
}

/// A text argument, when present.
pub(crate) fn text<'a>(args: &'a Value, key: &str) -> Option<&'a str> {
    args.get(key).and_then(Value::as_str)
}

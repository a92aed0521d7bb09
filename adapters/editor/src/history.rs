//! A project's drafts: the current one and the steps before it, so that "undo" goes back one.

use serde_json::Value;

use crate::draft::edit;
use crate::instruction::{Change, Effect};

/// How many steps back "undo" can go.
pub const DEPTH: usize = 30;

/// The current draft and the drafts before it (oldest first, at most [`DEPTH`]).
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    current: Value,
    past: Vec<Value>,
}

impl Default for History {
    fn default() -> Self {
        Self::new(edit::empty())
    }
}

impl History {
    /// A history of one draft.
    #[must_use]
    pub fn new(current: Value) -> Self {
        Self { current, past: Vec::new() }
    }

    /// A history read back (the oldest steps beyond [`DEPTH`] dropped).
    #[must_use]
    pub fn restore(current: Value, mut past: Vec<Value>) -> Self {
        let extra = past.len().saturating_sub(DEPTH);
        past.drain(..extra);
        Self { current, past }
    }

    /// The current draft.
    #[must_use]
    pub fn current(&self) -> &Value {
        &self.current
    }

    /// The drafts before it, oldest first.
    #[must_use]
    pub fn past(&self) -> &[Value] {
        &self.past
    }

    /// Whether there is a step to go back to.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Edits the current draft as one step (an upload's new clip, say).
    pub fn commit(&mut self, edit: impl FnOnce(&mut Value)) {
        let mut next = self.current.clone();
        edit(&mut next);
        if next != self.current {
            self.past.push(std::mem::replace(&mut self.current, next));
            let extra = self.past.len().saturating_sub(DEPTH);
            self.past.drain(..extra);
        }
    }

    /// Applies a planned change: an edit is one step, and so are several edits of one
    /// message; undo goes back one step; several with an undo among them apply in order.
    pub fn apply(&mut self, change: &Change) {
        match &change.effect {
            Effect::Edit(edit) => self.commit(|draft| edit(draft)),
            Effect::Several(changes) if changes.iter().all(|c| matches!(c.effect, Effect::Edit(_))) => {
                self.commit(|draft| {
                    for change in changes {
                        if let Effect::Edit(edit) = &change.effect {
                            edit(draft);
                        }
                    }
                });
            }
            Effect::Undo => {
                if let Some(previous) = self.past.pop() {
                    self.current = previous;
                }
            }
            Effect::Several(changes) => changes.iter().for_each(|change| self.apply(change)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_change_is_a_step_and_undo_goes_back_one() {
        let mut history = History::default();
        history.commit(|d| edit::append_video(d, "/a.mp4", "a", 1000));
        history.commit(edit::mute);
        assert_eq!(history.past().len(), 2);
        assert_eq!(history.current().pointer("/t/0/sg/0/vol"), Some(&json!(0)));
        history.apply(&Change::undo(&crate::instructions::undo::ABOUT, String::new()));
        assert_eq!(history.current().pointer("/t/0/sg/0/vol"), None);
        history.apply(&Change::undo(&crate::instructions::undo::ABOUT, String::new()));
        assert_eq!(history.current(), &edit::empty());
        assert!(!history.can_undo());
    }

    #[test]
    fn an_edit_that_changes_nothing_is_no_step_and_depth_is_bounded() {
        let mut history = History::default();
        history.commit(|_| {});
        assert!(!history.can_undo());
        for n in 0..DEPTH + 5 {
            history.commit(|d| d["n"] = json!(n));
        }
        assert_eq!(history.past().len(), DEPTH);
        let restored = History::restore(json!({}), vec![json!({}); DEPTH + 3]);
        assert_eq!(restored.past().len(), DEPTH);
    }
}

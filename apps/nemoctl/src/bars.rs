//! Progress at a terminal, as cargo shows it: one line per activity — a spinner while a step
//! runs or the editor thinks, a render's percent, an upload's or download's bytes with rate
//! and ETA — redrawn in place (indicatif) and cleared when the activity ends or the next one
//! begins. Batch entries running side by side each have their own line.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::echo::NoControlEcho;

/// How often a spinner turns when nothing else moves it.
const SPIN_EVERY: Duration = Duration::from_millis(100);

/// What a line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// A step, the editor thinking, a wait: a spinner and a sentence.
    Step(String),
    /// A render: its percent.
    Render {
        /// The render's id (a second render gets a line of its own).
        id: String,
        /// 0 to 100.
        percent: u8,
    },
    /// Bytes moving: an upload of `name`, or the download.
    Transfer {
        /// What moves ("clip.mp4", "downloading").
        name: String,
        /// Bytes so far.
        done: u64,
        /// Bytes in all, when known.
        total: Option<u64>,
    },
}

impl Activity {
    /// Whether it has reached its end (its line is then cleared).
    fn finished(&self) -> bool {
        match self {
            Self::Step(_) => false,
            Self::Render { percent, .. } => *percent >= 100,
            Self::Transfer { done, total, .. } => total.is_some_and(|total| *done >= total),
        }
    }

    /// Whether `self` is the same activity as `other`, moved on (the line is redrawn).
    fn continues(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Step(_), Self::Step(_)) => true,
            (Self::Render { id: a, .. }, Self::Render { id: b, .. }) => a == b,
            (Self::Transfer { name: a, total: x, .. }, Self::Transfer { name: b, total: y, .. }) => a == b && x == y,
            _ => false,
        }
    }
}

/// The lines being drawn, one per batch entry (`None`: the command's own).
pub struct Bars {
    multi: MultiProgress,
    lines: Mutex<HashMap<Option<usize>, (Activity, ProgressBar)>>,
    /// At a real terminal: its echo of control keys, turned off while a line is drawn.
    quiet_keys: Option<Mutex<Option<NoControlEcho>>>,
}

impl Bars {
    /// Lines drawn on stderr.
    pub fn stderr() -> Self {
        Self { quiet_keys: Some(Mutex::default()), ..Self::on(ProgressDrawTarget::stderr()) }
    }

    /// Lines drawn on `target` (tests draw on an in-memory terminal).
    pub fn on(target: ProgressDrawTarget) -> Self {
        Self { multi: MultiProgress::with_draw_target(target), lines: Mutex::default(), quiet_keys: None }
    }

    /// Shows `activity` on `item`'s line: the same activity moved on is redrawn in place,
    /// another replaces it, a finished one is cleared. A batch entry's line ends the
    /// command's own step (the login before the entries).
    pub fn show(&self, item: Option<usize>, activity: Activity) {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if item.is_some()
            && let Some((_, bar)) = lines.remove(&None)
        {
            bar.finish_and_clear();
        }
        let prefix = item.map_or_else(String::new, |i| format!("[{i}] "));
        let bar = match lines.remove(&item) {
            Some((shown, bar)) if shown.continues(&activity) => bar,
            Some((_, shown)) => {
                // In its place: a batch entry's line does not move.
                let bar = self.start(&activity, &prefix, Some(&shown));
                shown.finish_and_clear();
                bar
            }
            None => self.start(&activity, &prefix, None),
        };
        match &activity {
            Activity::Step(text) => bar.set_message(text.clone()),
            Activity::Render { percent, .. } => bar.set_position(u64::from(*percent)),
            Activity::Transfer { done, .. } => bar.set_position(*done),
        }
        if activity.finished() {
            bar.finish_and_clear();
        } else {
            lines.insert(item, (activity, bar));
        }
        self.echo_keys(lines.is_empty());
    }

    /// Turns the terminal's echo of control keys off while a line is drawn, back on when none
    /// is: indicatif leaves the cursor at the right edge of its last line, so a `^C` echoed
    /// there would wrap to a new line, and the line above could no longer be cleared.
    fn echo_keys(&self, echo: bool) {
        if let Some(quiet_keys) = &self.quiet_keys {
            let mut quiet_keys = quiet_keys.lock().unwrap_or_else(PoisonError::into_inner);
            match (echo, quiet_keys.is_some()) {
                (true, true) => *quiet_keys = None,
                (false, false) => *quiet_keys = NoControlEcho::on_stdin(),
                _ => {}
            }
        }
    }

    /// A new line for `activity`: after `replacing` when given, else last.
    fn start(&self, activity: &Activity, prefix: &str, replacing: Option<&ProgressBar>) -> ProgressBar {
        let (bar, template) = match activity {
            Activity::Step(_) => (ProgressBar::new_spinner(), "{spinner:.cyan} {prefix}{msg}"),
            Activity::Render { .. } => {
                (ProgressBar::new(100), "{spinner:.cyan} {prefix}rendering {bar:30.cyan/blue} {pos:>3}%")
            }
            Activity::Transfer { name, total: Some(total), .. } => (
                ProgressBar::new(*total).with_message(name.clone()),
                "{spinner:.cyan} {prefix}{msg} {bar:30.cyan/blue} {binary_bytes}/{binary_total_bytes} \
                 {binary_bytes_per_sec} ETA {eta}",
            ),
            Activity::Transfer { name, total: None, .. } => (
                ProgressBar::new_spinner().with_message(name.clone()),
                "{spinner:.cyan} {prefix}{msg} {binary_bytes} {binary_bytes_per_sec}",
            ),
        };
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = bar.with_style(style.progress_chars("=> ")).with_prefix(prefix.to_owned());
        let bar = match replacing {
            Some(shown) => self.multi.insert_after(shown, bar),
            None => self.multi.add(bar),
        };
        bar.enable_steady_tick(SPIN_EVERY);
        bar
    }

    /// Runs `print` with the lines lifted off the terminal, so that what it prints is not
    /// drawn over.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.multi.suspend(print)
    }

    /// Clears `item`'s line: its activity is over.
    pub fn clear(&self, item: Option<usize>) {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, bar)) = lines.remove(&item) {
            bar.finish_and_clear();
        }
        self.echo_keys(lines.is_empty());
    }

    /// Clears every line: the command's work is over (or stopped).
    pub fn clear_all(&self) {
        for (_, (_, bar)) in self.lines.lock().unwrap_or_else(PoisonError::into_inner).drain() {
            bar.finish_and_clear();
        }
        self.echo_keys(true);
    }

    /// Whether any line is drawn.
    pub fn any(&self) -> bool {
        !self.lines.lock().unwrap_or_else(PoisonError::into_inner).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use indicatif::InMemoryTerm;

    use super::*;

    fn on_screen() -> (InMemoryTerm, Bars) {
        let term = InMemoryTerm::new(10, 100);
        let bars = Bars::on(ProgressDrawTarget::term_like_with_hz(Box::new(term.clone()), 200));
        (term, bars)
    }

    fn rows(term: &InMemoryTerm) -> Vec<String> {
        term.contents().lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect()
    }

    fn settle() {
        std::thread::sleep(Duration::from_millis(150));
    }

    #[test]
    fn a_render_is_one_line_redrawn_in_place_and_cleared_at_100() {
        let (term, bars) = on_screen();
        for percent in [5, 40, 75] {
            bars.show(None, Activity::Render { id: "render_1".into(), percent });
            settle();
        }
        let shown = rows(&term);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(shown[0].contains("rendering") && shown[0].ends_with(" 75%"), "{shown:?}");
        bars.show(None, Activity::Render { id: "render_1".into(), percent: 100 });
        settle();
        assert!(rows(&term).is_empty(), "{:?}", term.contents());
    }

    #[test]
    fn a_transfer_shows_bytes_rate_and_eta_and_replaces_the_step_before_it() {
        let (term, bars) = on_screen();
        bars.show(None, Activity::Step("Uploading clip.mp4…".into()));
        settle();
        assert!(rows(&term)[0].contains("Uploading clip.mp4…"));
        bars.show(None, Activity::Transfer { name: "clip.mp4".into(), done: 1 << 20, total: Some(4 << 20) });
        settle();
        let shown = rows(&term);
        assert_eq!(shown.len(), 1, "one line per activity: {shown:?}");
        assert!(shown[0].contains("clip.mp4") && shown[0].contains("1.00 MiB/4.00 MiB"), "{shown:?}");
        assert!(shown[0].contains("ETA") && shown[0].contains("/s"), "{shown:?}");
        bars.show(None, Activity::Transfer { name: "clip.mp4".into(), done: 4 << 20, total: Some(4 << 20) });
        settle();
        assert!(rows(&term).is_empty() && !bars.any());
    }

    #[test]
    fn batch_entries_each_have_a_line_and_a_step_is_cleared_when_over() {
        let (term, bars) = on_screen();
        bars.show(None, Activity::Step("Getting a free starter token…".into()));
        bars.show(Some(1), Activity::Step("Editing…".into()));
        bars.show(Some(2), Activity::Render { id: "render_2".into(), percent: 30 });
        settle();
        let shown = rows(&term);
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].contains("[1] Editing…") && shown[1].contains("[2] rendering"),
            "the token's line gone: {shown:?}"
        );
        bars.show(Some(1), Activity::Render { id: "render_1".into(), percent: 10 });
        settle();
        let shown = rows(&term);
        assert!(
            shown[0].contains("[1] rendering") && shown[1].contains("[2] rendering"),
            "[1] in its place: {shown:?}"
        );
        bars.clear(Some(1));
        settle();
        assert_eq!(rows(&term).len(), 1, "{:?}", term.contents());
        bars.clear_all();
        settle();
        assert!(rows(&term).is_empty(), "{:?}", term.contents());
    }
}

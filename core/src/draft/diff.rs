//! What changed between two drafts, one English sentence per change, so that the user can see
//! what an edit did without reading JSON. A draft whose content changed never yields nothing.

use std::fmt;

use super::Draft;
use super::summary::{Description, Label, entry, names, number, segment_name};
use super::timeline::{Segment, Timeline, Track};

/// How many distinct edits of one property a track lists before they are only counted.
const LISTED: usize = 3;

/// What is written for a name that is absent.
const NO_NAME: &str = "(none)";

/// One change between two drafts. `label` is the track's label as written in a sentence:
/// `Video`, `Background music`, `Audio`, `Title`, `Subtitles`, `Text`, `Track (type N)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A track appeared: `Title added: "Paradise Found" (0-3s)`.
    Added {
        /// The track's label.
        label: String,
        /// Its names, as in the summary.
        names: Option<String>,
        /// What the summary shows in parentheses: range, volume, or segment count.
        details: Option<String>,
    },
    /// A track went away: `Title removed: "X"`.
    Removed {
        /// The track's label.
        label: String,
        /// Its names, as in the summary.
        names: Option<String>,
    },
    /// A clip now shows or plays something else: `Title changed: "A" → "B"`.
    Changed {
        /// The track's label.
        label: String,
        /// The name before.
        from: String,
        /// The name after.
        to: String,
    },
    /// More clips changed one property than are worth listing: `Subtitles: 12 clips changed`.
    Edited {
        /// The track's label.
        label: String,
        /// How many clips changed.
        clips: usize,
    },
    /// The number of clips changed: `Video: 3 clips → 5 clips`.
    Clips {
        /// The track's label.
        label: String,
        /// Clips before.
        from: usize,
        /// Clips after.
        to: usize,
    },
    /// How long the track plays (its clips' durations added up): `Video trimmed 0:30 → 0:12`,
    /// or `extended` when longer.
    Length {
        /// The track's label.
        label: String,
        /// Milliseconds before.
        from_ms: u64,
        /// Milliseconds after.
        to_ms: u64,
    },
    /// `Background music volume 35% → 50%`.
    Volume {
        /// The track's label.
        label: String,
        /// Percent before.
        from: f64,
        /// Percent after.
        to: f64,
    },
    /// The volume went to 0: `Video muted`.
    Muted {
        /// The track's label.
        label: String,
    },
    /// `Video speed 1× → 2×`.
    Speed {
        /// The track's label.
        label: String,
        /// Factor before.
        from: f64,
        /// Factor after.
        to: f64,
    },
    /// The canvas, by ratio or else by size: `Canvas 16:9 → 9:16`, `Canvas 1920×1080 → 1080×1920`.
    Canvas {
        /// Before.
        from: String,
        /// After.
        to: String,
    },
    /// The draft's title (`m.title`): `Draft renamed: "A" → "B"`.
    Renamed {
        /// Before.
        from: String,
        /// After.
        to: String,
    },
    /// The content differs but nothing above names it: `The timeline changed (details not shown)`.
    Other,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Added { label, names, details } => {
                f.write_str(&entry(&format!("{label} added"), names.as_deref(), details.as_deref()))
            }
            Self::Removed { label, names } => f.write_str(&entry(&format!("{label} removed"), names.as_deref(), None)),
            Self::Changed { label, from, to } => write!(f, "{label} changed: {from} → {to}"),
            Self::Edited { label, clips } => write!(f, "{label}: {} changed", clips_text(*clips)),
            Self::Clips { label, from, to } => write!(f, "{label}: {} → {}", clips_text(*from), clips_text(*to)),
            Self::Length { label, from_ms, to_ms } => {
                let verb = if to_ms < from_ms { "trimmed" } else { "extended" };
                write!(f, "{label} {verb} {} → {}", clock(*from_ms), clock(*to_ms))
            }
            Self::Volume { label, from, to } => write!(f, "{label} volume {}% → {}%", number(*from), number(*to)),
            Self::Muted { label } => write!(f, "{label} muted"),
            Self::Speed { label, from, to } => write!(f, "{label} speed {}× → {}×", number(*from), number(*to)),
            Self::Canvas { from, to } => write!(f, "Canvas {from} → {to}"),
            Self::Renamed { from, to } => write!(f, "Draft renamed: \"{from}\" → \"{to}\""),
            Self::Other => f.write_str("The timeline changed (details not shown)"),
        }
    }
}

/// The changes from `before` to `after`: canvas and title first, then removed tracks, then the
/// tracks of `after` in order. Tracks are paired by type and role, in order of occurrence.
/// Empty exactly when the two drafts have the same content ([`Draft`]'s `==`).
#[must_use]
pub fn diff(before: &Draft, after: &Draft) -> Vec<Change> {
    if before.as_json() == after.as_json() {
        return Vec::new();
    }
    let mut changes = timeline_changes(&before.timeline(), &after.timeline());
    if changes.is_empty() && before != after {
        changes.push(Change::Other);
    }
    changes
}

/// The sentences of `changes`, joined with `; `.
#[must_use]
pub fn describe(changes: &[Change]) -> String {
    changes.iter().map(Change::to_string).collect::<Vec<_>>().join("; ")
}

fn timeline_changes(before: &Timeline, after: &Timeline) -> Vec<Change> {
    let mut changes = Vec::new();
    let size = |t: &Timeline| t.width.zip(t.height).map(|(w, h)| format!("{w}×{h}"));
    if let Some((from, to)) =
        [(before.ratio.clone(), after.ratio.clone()), (size(before), size(after))].into_iter().find_map(both_differ)
    {
        changes.push(Change::Canvas { from, to });
    }
    if let Some((from, to)) = both_differ((before.title.clone(), after.title.clone())) {
        changes.push(Change::Renamed { from, to });
    }
    let mut paired = vec![false; before.tracks.len()];
    let mut pairs = Vec::new();
    for track in &after.tracks {
        let partner = before
            .tracks
            .iter()
            .enumerate()
            .position(|(i, old)| !paired[i] && old.kind == track.kind && old.role == track.role);
        if let Some(i) = partner {
            paired[i] = true;
        }
        pairs.push((partner.map(|i| &before.tracks[i]), track));
    }
    for (old, _) in before.tracks.iter().zip(paired).filter(|(_, paired)| !paired) {
        changes.push(Change::Removed { label: Label::of(old).long().into_owned(), names: names(old) });
    }
    for (old, new) in pairs {
        match old {
            Some(old) => track_changes(old, new, &mut changes),
            None => {
                let Description { names, details } = Description::of(new);
                changes.push(Change::Added { label: Label::of(new).long().into_owned(), names, details });
            }
        }
    }
    changes
}

fn track_changes(before: &Track, after: &Track, out: &mut Vec<Change>) {
    let kind = Label::of(after);
    let label = || kind.long().into_owned();
    let (old, new) = (&before.segments, &after.segments);
    let renamed = if old.len() == new.len() {
        let name = |s: &Segment| segment_name(after.kind, s);
        edits(old.iter().map(name).zip(new.iter().map(name)))
    } else {
        out.push(Change::Clips { label: label(), from: old.len(), to: new.len() });
        edits([(names(before), names(after))])
    };
    let show = |name: Option<String>| name.unwrap_or_else(|| NO_NAME.to_owned());
    push_edits(out, renamed, label, |(from, to)| Change::Changed { label: label(), from: show(from), to: show(to) });
    if let Some((from_ms, to_ms)) = both_differ((played_ms(before), played_ms(after))) {
        out.push(Change::Length { label: label(), from_ms, to_ms });
    }
    let volume = |s: &Segment| s.volume.unwrap_or(kind.default_volume());
    push_edits(out, clip_edits(old, new, volume), label, |(from, to)| {
        if to == 0.0 && from != 0.0 {
            Change::Muted { label: label() }
        } else {
            Change::Volume { label: label(), from, to }
        }
    });
    let speed = |s: &Segment| s.speed.unwrap_or(1.0);
    push_edits(out, clip_edits(old, new, speed), label, |(from, to)| Change::Speed { label: label(), from, to });
}

/// Distinct edits of one property, or only how many clips changed when there are too many.
enum Edits<T> {
    Listed(Vec<(T, T)>),
    Counted(usize),
}

/// The edits among `(before, after)` pairs.
fn edits<T: PartialEq>(pairs: impl IntoIterator<Item = (T, T)>) -> Edits<T> {
    let (mut listed, mut count) = (Vec::new(), 0);
    for pair in pairs.into_iter().filter(|(from, to)| from != to) {
        count += 1;
        if listed.len() <= LISTED && !listed.contains(&pair) {
            listed.push(pair);
        }
    }
    if listed.len() > LISTED { Edits::Counted(count) } else { Edits::Listed(listed) }
}

/// The edits of one clip property: clip by clip when the count is the same, else the first
/// clip's value stands for the track.
fn clip_edits(before: &[Segment], after: &[Segment], read: impl Fn(&Segment) -> f64) -> Edits<f64> {
    if before.len() == after.len() {
        edits(before.iter().map(&read).zip(after.iter().map(&read)))
    } else {
        edits(before.first().map(&read).zip(after.first().map(&read)))
    }
}

fn push_edits<T>(out: &mut Vec<Change>, edits: Edits<T>, label: impl Fn() -> String, each: impl Fn((T, T)) -> Change) {
    match edits {
        Edits::Listed(listed) => out.extend(listed.into_iter().map(each)),
        Edits::Counted(clips) => out.push(Change::Edited { label: label(), clips }),
    }
}

/// Both present and different.
fn both_differ<T: PartialEq>((from, to): (Option<T>, Option<T>)) -> Option<(T, T)> {
    from.zip(to).filter(|(from, to)| from != to)
}

/// How long a track plays: its clips' `d` added up, else the track's `d`.
fn played_ms(track: &Track) -> Option<u64> {
    let mut durations = track.segments.iter().filter_map(|s| s.duration_ms).peekable();
    if durations.peek().is_some() { Some(durations.fold(0, u64::saturating_add)) } else { track.duration_ms }
}

/// `1 clip`, `5 clips`.
fn clips_text(n: usize) -> String {
    format!("{n} clip{}", if n == 1 { "" } else { "s" })
}

/// Milliseconds on a clock: `0:12`, `1:02:03`, and the milliseconds when not whole: `0:12.5`.
fn clock(ms: u64) -> String {
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") };
    if millis > 0 {
        let fraction = format!("{millis:03}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out
}

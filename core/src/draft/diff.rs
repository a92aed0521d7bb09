//! What changed between two drafts, one English sentence per change, so that the user can see
//! what an edit did without reading JSON. A draft whose content changed never yields nothing.

use std::fmt;

use super::Draft;
use super::summary::{Description, Label, entry, names, number, one_line, segment_name, transitions};
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
    /// How many transitions the track has: `Video transitions 0 → 2`.
    Transitions {
        /// The track's label.
        label: String,
        /// Before.
        from: usize,
        /// After.
        to: usize,
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
    /// The tracks kept are stacked in another order: `Track order changed`.
    Reordered,
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
            Self::Transitions { label, from, to } => write!(f, "{label} transitions {from} → {to}"),
            Self::Canvas { from, to } => write!(f, "Canvas {from} → {to}"),
            Self::Renamed { from, to } => write!(f, "Draft renamed: \"{from}\" → \"{to}\""),
            Self::Reordered => f.write_str("Track order changed"),
            Self::Other => f.write_str("The timeline changed (details not shown)"),
        }
    }
}

/// The changes from `before` to `after`: canvas and title first, then removed tracks and the
/// stacking order, then the tracks of `after` in order. Tracks are paired by type and role, in order of occurrence.
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
    let line = |text: &Option<String>| text.as_deref().and_then(one_line);
    let size = |t: &Timeline| t.width.zip(t.height).map(|(w, h)| format!("{w}×{h}"));
    if let Some((from, to)) =
        [(line(&before.ratio), line(&after.ratio)), (size(before), size(after))].into_iter().find_map(both_differ)
    {
        changes.push(Change::Canvas { from, to });
    }
    if let Some((from, to)) = both_differ((line(&before.title), line(&after.title))) {
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
        pairs.push((partner, track));
    }
    let kept: Vec<usize> = pairs.iter().filter_map(|(partner, _)| *partner).collect();
    if kept.windows(2).any(|w| w[0] > w[1]) {
        changes.push(Change::Reordered);
    }
    for (old, _) in before.tracks.iter().zip(paired).filter(|(_, paired)| !paired) {
        changes.push(Change::Removed { label: Label::of(old).long().into_owned(), names: names(old) });
    }
    for (partner, new) in pairs {
        match partner {
            Some(i) => track_changes(&before.tracks[i], new, &mut changes),
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
    let (from, to) = (transitions(before), transitions(after));
    if from != to {
        out.push(Change::Transitions { label: label(), from, to });
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn draft(json: &str) -> Draft {
        Draft::from_json(json).unwrap()
    }

    fn check(before: &str, after: &str, expected: &[&str]) {
        let changes = diff(&draft(before), &draft(after));
        let sentences: Vec<String> = changes.iter().map(Change::to_string).collect();
        assert_eq!(sentences, expected, "{before}\n→ {after}");
    }

    const VIDEO: &str = r#"{"tt":0,"sg":[{"st":0,"d":10000,"src":"city.mp4","nm":"city timelapse"}]}"#;
    const BGM: &str = r#"{"tt":1,"m":{"role":"bgm"},"sg":[{"st":0,"d":10000,"src":"lofi.mp3","nm":"Lo-fi","vol":35}]}"#;
    const TITLE: &str = r#"{"tt":7,"m":{"role":"title"},"sg":[{"st":0,"d":3000,"tx":"Urban Dreams"}]}"#;

    fn tracks(tracks: &[&str]) -> String {
        format!(r#"{{"t":[{}]}}"#, tracks.join(","))
    }

    #[test]
    fn a_title_under_other_keys_is_told_with_its_text() {
        for segment in [
            r#"{"st":0,"d":3000,"text":"Paradise Found"}"#,
            r#"{"st":0,"d":3000,"content":"Paradise Found"}"#,
            r##"{"st":0,"d":3000,"font":"Inter","color":"#fff","words":"Paradise Found"}"##,
        ] {
            let title = format!(r#"{{"tt":7,"m":{{"role":"title"}},"sg":[{segment}]}}"#);
            check(&tracks(&[VIDEO]), &tracks(&[VIDEO, &title]), &[r#"Title added: "Paradise Found" (0-3s)"#]);
        }
        let unreadable = r#"{"tt":7,"sg":[{"st":0,"d":3000,"anim":"fade_in"}]}"#;
        check(&tracks(&[VIDEO]), &tracks(&[VIDEO, unreadable]), &["Title added (1 segment, 0-3s)"]);
    }

    #[test]
    fn names_the_vendor_edits() {
        check(
            &tracks(&[VIDEO, BGM]),
            &tracks(&[VIDEO, BGM, &TITLE.replace("Urban Dreams", "Paradise Found")]),
            &[r#"Title added: "Paradise Found" (0-3s)"#],
        );
        check(
            &tracks(&[VIDEO, BGM]),
            &tracks(&[VIDEO, &BGM.replace("35", "50")]),
            &["Background music volume 35% → 50%"],
        );
        check(
            r#"{"t":[{"tt":0,"sg":[{"d":30000,"src":"a.mp4"}]}]}"#,
            r#"{"t":[{"tt":0,"sg":[{"d":12000,"src":"a.mp4"}]}]}"#,
            &["Video trimmed 0:30 → 0:12"],
        );
        check(
            r#"{"t":[{"tt":0,"sg":[{"d":12000,"src":"a.mp4"}]}]}"#,
            r#"{"t":[{"tt":0,"sg":[{"d":3723500.0,"src":"a.mp4"}]}]}"#,
            &["Video extended 0:12 → 1:02:03.5"],
        );
    }

    #[test]
    fn names_tracks_added_and_removed() {
        check(&tracks(&[VIDEO]), &tracks(&[VIDEO, BGM]), &["Background music added: Lo-fi (0-10s, 35%)"]);
        check(
            &tracks(&[BGM]),
            &tracks(&[r#"{"tt":0,"sg":[{"d":10000,"src":"/tmp/beach.mp4"}]}"#, BGM]),
            &["Video added: beach.mp4 (0-10s)"],
        );
        check(
            &tracks(&[VIDEO, r#"{"tt":7,"sg":[{"d":1000,"tx":"X"}]}"#]),
            &tracks(&[VIDEO]),
            &[r#"Title removed: "X""#],
        );
        check(&tracks(&[VIDEO]), "{}", &["Video removed: city timelapse"]);
        check("{}", r#"{"t":[{"tt":0,"sg":[{},{}]}]}"#, &["Video added (2 segments)"]);
        check(r#"{"t":[{"tt":4}]}"#, "{}", &["Track (type 4) removed"]);
    }

    #[test]
    fn pairs_tracks_by_type_and_role_in_order() {
        let voice = r#"{"tt":1,"m":{"role":"voice"},"sg":[{"d":5000,"nm":"Narration"}]}"#;
        check(&tracks(&[BGM, voice]), &tracks(&[voice, BGM]), &["Track order changed"]);
        check(
            &tracks(&[r#"{"tt":0,"sg":[{"d":1000,"nm":"a"}]}"#, r#"{"tt":0,"sg":[{"d":1000,"nm":"b"}]}"#]),
            &tracks(&[r#"{"tt":0,"sg":[{"d":1000,"nm":"b"}]}"#]),
            &["Video removed: b", "Video changed: a → b"],
        );
        check(
            &tracks(&[BGM]),
            &tracks(&[&BGM.replace(r#"{"role":"bgm"}"#, "{}")]),
            &["Background music removed: Lo-fi", "Background music added: Lo-fi (0-10s, 35%)"],
        );
    }

    #[test]
    fn names_added_transitions() {
        let cut = r#"{"tt":0,"sg":[{"st":0,"d":1000,"nm":"a"},{"st":1000,"d":1000,"nm":"a"}]}"#;
        let blended = cut.replace(r#""nm":"a"}]"#, r#""nm":"a","fx":{"in":"dissolve","ms":300}}]"#);
        check(&tracks(&[cut]), &tracks(&[&blended]), &["Video transitions 0 → 1"]);
    }

    #[test]
    fn names_text_volume_and_speed_edits() {
        check(
            &tracks(&[r#"{"tt":7,"sg":[{"d":3000,"tx":"A"}]}"#]),
            &tracks(&[r#"{"tt":7,"sg":[{"d":3000,"tx":"B ✨"}]}"#]),
            &[r#"Title changed: "A" → "B ✨""#],
        );
        check(&tracks(&[VIDEO]), &tracks(&[&VIDEO.replace("}]", r#","vol":0}]"#)]), &["Video muted"]);
        check(&tracks(&[BGM]), &tracks(&[&BGM.replace("35", "0.0")]), &["Background music muted"]);
        check(
            &tracks(&[r#"{"tt":1,"sg":[{"d":1000}]}"#]),
            &tracks(&[r#"{"tt":1,"sg":[{"d":1000,"vol":50}]}"#]),
            &["Background music volume 35% → 50%"],
        );
        check(
            &tracks(&[VIDEO]),
            &tracks(&[&VIDEO.replace("}]", r#","sp":2}]"#).replace("10000", "5000")]),
            &["Video trimmed 0:10 → 0:05", "Video speed 1× → 2×"],
        );
    }

    #[test]
    fn names_clip_counts_and_many_edits() {
        let clips = |durations: &[u64]| {
            let sg: Vec<Value> = durations.iter().map(|d| json!({"d": d, "src": "city.mp4"})).collect();
            json!({"t": [{"tt": 0, "sg": sg}]}).to_string()
        };
        check(
            &clips(&[10000, 10000, 10000]),
            &clips(&[5000, 5000, 5000, 5000, 4000]),
            &["Video: 3 clips → 5 clips", "Video trimmed 0:30 → 0:24"],
        );
        let subtitles = |lines: &[&str]| {
            let sg: Vec<Value> = lines.iter().map(|tx| json!({"d": 1000, "tx": tx})).collect();
            json!({"t": [{"tt": 7, "m": {"role": "subtitle"}, "sg": sg}]}).to_string()
        };
        check(&subtitles(&["a", "b", "c", "d"]), &subtitles(&["A", "B", "C", "D"]), &["Subtitles: 4 clips changed"]);
        check(
            &subtitles(&["a", "b"]),
            &subtitles(&["a", "b", "c"]),
            &[
                "Subtitles: 2 clips → 3 clips",
                r#"Subtitles changed: "a", "b" → "a", "b", "c""#,
                "Subtitles extended 0:02 → 0:03",
            ],
        );
        check(&subtitles(&["a"]), &subtitles(&[""]), &[r#"Subtitles changed: "a" → (none)"#]);
    }

    #[test]
    fn names_canvas_and_title() {
        check(r#"{"m":{"ratio":"16:9"}}"#, r#"{"m":{"ratio":"9:16"}}"#, &["Canvas 16:9 → 9:16"]);
        check(
            r#"{"m":{"width":1920,"height":1080,"ratio":"16:9"}}"#,
            r#"{"m":{"width":1080,"height":1920.0}}"#,
            &["Canvas 1920×1080 → 1080×1920"],
        );
        check(
            r#"{"m":{"title":"Trip"}}"#,
            r#"{"m":{"title":"Voyage\n🌍"}}"#,
            &[r#"Draft renamed: "Trip" → "Voyage 🌍""#],
        );
    }

    #[test]
    fn falls_back_when_nothing_nameable_changed() {
        let other = ["The timeline changed (details not shown)"];
        check(&tracks(&[VIDEO]), &tracks(&[&VIDEO.replace("10000", "10000.0")]), &other);
        check(&tracks(&[VIDEO]), &tracks(&[&VIDEO.replace("}]", r#","fx":{"kind":"wipe"}}]"#)]), &other);
        check(r#"{"x":9007199254740993}"#, r#"{"x":9007199254740992}"#, &other);
        check(r#"{"t":"garbage","d":[]}"#, r#"{"t":7,"d":{}}"#, &other);
        check(r#"{"t":[{"tt":0,"sg":[{"d":"x"}]}]}"#, r#"{"t":[{"tt":0,"sg":[{"d":[1]}]}]}"#, &other);
    }

    #[test]
    fn same_content_yields_nothing() {
        let text = tracks(&[VIDEO, BGM, TITLE]);
        check(&text, &text, &[]);
        check(r#"{"t":[],"m":{"a":1,"b":"é"}}"#, r#"{ "m" : { "b" : "\u00e9", "a" : 1 }, "t" : [ ] }"#, &[]);
    }

    #[test]
    fn describes_changes_in_one_line() {
        let changes = diff(&draft(&tracks(&[VIDEO])), &draft(&tracks(&[BGM])));
        assert_eq!(describe(&changes), "Video removed: city timelapse; Background music added: Lo-fi (0-10s, 35%)");
        assert_eq!(describe(&[]), "");
    }

    #[test]
    fn clocks_read_like_a_player() {
        assert_eq!(
            [0, 12_000, 90_000, 12_500, 12_005, 3_723_000].map(clock),
            ["0:00", "0:12", "1:30", "0:12.5", "0:12.005", "1:02:03"]
        );
    }

    /// A millisecond count, sometimes spelled as a float.
    fn ms(range: std::ops::Range<u64>) -> impl Strategy<Value = Value> {
        (range, any::<bool>()).prop_map(|(ms, float)| if float { json!(ms as f64) } else { json!(ms) })
    }

    fn segment() -> impl Strategy<Value = Value> {
        let name = prop::option::of(prop::sample::select(vec!["city", "Lo-fi", "été 🎬", "a/b.mp4"]));
        let text = prop::option::of("[a-zA-Zé🎬 \n]{0,8}");
        let speed = prop::option::of(prop::sample::select(vec![0.5, 1.0, 2.0]));
        (ms(0..60_000), prop::option::of(ms(0..120_000)), name.clone(), name, text, prop::option::of(0u32..=100), speed)
            .prop_map(|(d, st, nm, src, tx, vol, sp)| {
                let mut segment = json!({"d": d});
                let present = [("st", st), ("nm", nm.map(Value::from)), ("src", src.map(Value::from))]
                    .into_iter()
                    .chain([("tx", tx.map(Value::from)), ("vol", vol.map(Value::from)), ("sp", sp.map(Value::from))]);
                for (key, value) in present {
                    if let Some(value) = value {
                        segment[key] = value;
                    }
                }
                segment
            })
    }

    fn track_of(tt: impl Strategy<Value = i64>) -> impl Strategy<Value = Value> {
        let role = prop::option::of(prop::sample::select(vec!["bgm", "voice", "title", "subtitle", "other"]));
        (tt, role, prop::option::of(ms(0..100_000)), vec(segment(), 1..5)).prop_map(|(tt, role, d, sg)| {
            let mut track = json!({"tt": tt, "sg": sg, "m": {"role": role}});
            if let Some(d) = d {
                track["d"] = d;
            }
            track
        })
    }

    fn track() -> impl Strategy<Value = Value> {
        track_of(prop::sample::select(vec![0, 1, 7, 3, -1]))
    }

    /// A plausible draft with at least one text track among others.
    fn timeline() -> impl Strategy<Value = Value> {
        let ratio = prop::option::of(prop::sample::select(vec!["16:9", "9:16", "1:1"]));
        (vec(track(), 0..3), track_of(Just(7)), vec(track(), 0..3), ratio).prop_map(|(mut t, text, rest, ratio)| {
            t.push(text);
            t.extend(rest);
            json!({"t": t, "m": {"ratio": ratio, "title": "Trip"}, "extra": {"big": 1}})
        })
    }

    /// The label an edit to this track must be named by (docs/draft-keys.md).
    fn label_of(track: &Value) -> String {
        match (track["tt"].as_i64().unwrap(), track["m"]["role"].as_str()) {
            (0, _) => "Video".into(),
            (1, None | Some("bgm")) => "Background music".into(),
            (1, _) => "Audio".into(),
            (7, None | Some("title")) => "Title".into(),
            (7, Some("subtitle")) => "Subtitles".into(),
            (7, _) => "Text".into(),
            (n, _) => format!("Track (type {n})"),
        }
    }

    #[derive(Debug, Clone)]
    enum Edit {
        Duration(prop::sample::Index, prop::sample::Index, u64),
        Volume(prop::sample::Index, prop::sample::Index, u32),
        Text(prop::sample::Index, prop::sample::Index),
        Add(prop::sample::Index, Value),
        Remove(prop::sample::Index),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let index = any::<prop::sample::Index>;
        prop_oneof![
            (index(), index(), 1u64..10_000).prop_map(|(t, s, by)| Edit::Duration(t, s, by)),
            (index(), index(), 101u32..=200).prop_map(|(t, s, vol)| Edit::Volume(t, s, vol)),
            (index(), index()).prop_map(|(t, s)| Edit::Text(t, s)),
            (index(), track()).prop_map(|(at, track)| Edit::Add(at, track)),
            index().prop_map(Edit::Remove),
        ]
    }

    /// Applies `edit` and returns the label of the track it touched.
    fn apply(draft: &mut Value, edit: Edit) -> String {
        fn segment(tracks: &mut [Value], t: usize, s: prop::sample::Index) -> &mut Value {
            let segments = tracks[t]["sg"].as_array_mut().unwrap();
            let s = s.index(segments.len());
            &mut segments[s]
        }
        let tracks = draft["t"].as_array_mut().unwrap();
        match edit {
            Edit::Duration(t, s, by) => {
                let t = t.index(tracks.len());
                let segment = segment(tracks, t, s);
                segment["d"] = json!(segment["d"].as_f64().unwrap() as u64 + by);
                label_of(&tracks[t])
            }
            Edit::Volume(t, s, vol) => {
                let t = t.index(tracks.len());
                segment(tracks, t, s)["vol"] = json!(vol);
                label_of(&tracks[t])
            }
            Edit::Text(t, s) => {
                let texts: Vec<usize> = (0..tracks.len()).filter(|&i| tracks[i]["tt"] == 7).collect();
                let t = texts[t.index(texts.len())];
                let segment = segment(tracks, t, s);
                segment["tx"] = json!(format!("{}✎", segment["tx"].as_str().unwrap_or("")));
                label_of(&tracks[t])
            }
            Edit::Add(at, track) => {
                let label = label_of(&track);
                tracks.insert(at.index(tracks.len() + 1), track);
                label
            }
            Edit::Remove(t) => label_of(&tracks.remove(t.index(tracks.len()))),
        }
    }

    proptest! {
        #[test]
        fn a_draft_against_itself_yields_nothing(value in timeline(), text in crate::draft::tests::any_object()) {
            let compact = draft(&value.to_string());
            prop_assert!(diff(&compact, &compact).is_empty());
            prop_assert!(diff(&compact, &draft(&serde_json::to_string_pretty(&value).unwrap())).is_empty());
            let any = draft(&text);
            prop_assert!(diff(&any, &any.clone()).is_empty());
        }

        #[test]
        fn a_diff_is_empty_exactly_when_the_content_is_equal(
            a in crate::draft::tests::any_object(),
            b in crate::draft::tests::any_object(),
        ) {
            let (a, b) = (draft(&a), draft(&b));
            prop_assert_eq!(diff(&a, &b).is_empty(), a == b);
        }

        #[test]
        fn each_edit_is_named_by_its_track(before in timeline(), edit in edit()) {
            let mut after = before.clone();
            let label = apply(&mut after, edit);
            let changes = diff(&draft(&before.to_string()), &draft(&after.to_string()));
            prop_assert!(
                changes.iter().any(|c| c.to_string().starts_with(&label)),
                "{} not named in {:?}", label, describe(&changes)
            );
        }
    }
}

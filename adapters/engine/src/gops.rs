//! Which frames of a kept stretch can be copied as they are and which must be re-encoded:
//! the smart render's plan, a pure function of the source's video packets.
//!
//! A source's packets come in decode order, each with its presentation time and whether it
//! is a keyframe. A **cut point** is a keyframe that closes its group of pictures on both
//! sides: every packet decoded before it is shown before it, every packet decoded after it
//! is shown at or after it (an IDR frame of a closed GOP; an open GOP's recovery point, whose
//! leading pictures reach back, is not one). Between two cut points lies a run of packets that
//! decodes on its own and shows exactly the frames between them — it can be copied into
//! another stream byte for byte. A stretch `[first, end)` of display frames is then:
//! re-encoded from `first` to the first cut point inside it (the head), copied GOP by GOP to
//! the last cut point inside it, re-encoded to `end` (the tail). A GOP holding a frame that
//! must change (under a title, say) is re-encoded whole.

use std::ops::Range;

/// One video packet, in decode order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    /// Presentation time, in the stream's time base.
    pub pts: i64,
    /// Whether the container marks it as a keyframe.
    pub key: bool,
}

/// A piece of the output's picture, in output order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// These packets (decode positions) copied as they are.
    Copy(Range<usize>),
    /// These display frames decoded and encoded again.
    Encode(Range<usize>),
}

impl Piece {
    /// How many frames it shows.
    #[must_use]
    pub fn frames(&self) -> usize {
        match self {
            Self::Copy(packets) => packets.len(),
            Self::Encode(frames) => frames.len(),
        }
    }
}

/// A source's frames in display order, with its cut points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frames {
    /// Presentation time of each display frame.
    pts: Vec<i64>,
    /// Decode position of each display frame.
    position: Vec<usize>,
    /// Whether a display frame is a cut point.
    cut: Vec<bool>,
    /// Keyframes that are not cut points: open GOPs' recovery points.
    open: usize,
}

impl Frames {
    /// Reads packets in decode order.
    #[must_use]
    pub fn new(packets: &[Packet]) -> Self {
        let n = packets.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|i| (packets[*i].pts, *i));
        // Shown before it: the largest pts decoded before; at or after it: the smallest after.
        let mut before_max = vec![i64::MIN; n];
        for i in 1..n {
            before_max[i] = before_max[i - 1].max(packets[i - 1].pts);
        }
        let mut after_min = vec![i64::MAX; n];
        for i in (0..n.saturating_sub(1)).rev() {
            after_min[i] = after_min[i + 1].min(packets[i + 1].pts);
        }
        let closes = |i: usize| packets[i].key && before_max[i] < packets[i].pts && after_min[i] >= packets[i].pts;
        let open = (0..n).filter(|i| packets[*i].key && !closes(*i)).count();
        Self {
            open,
            pts: order.iter().map(|i| packets[*i].pts).collect(),
            cut: order.iter().map(|i| closes(*i)).collect(),
            position: order,
        }
    }

    /// How many frames there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.pts.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pts.is_empty()
    }

    /// How many keyframes open their GOP (their leading frames, decoded after them, are
    /// shown before them and reach back into the GOP before): never a place to copy from.
    #[must_use]
    pub fn open_keyframes(&self) -> usize {
        self.open
    }

    /// The time between frames when it never changes (a constant frame rate), in the
    /// stream's time base; `None` for a variable rate, a repeated time or under two frames.
    #[must_use]
    pub fn constant_step(&self) -> Option<i64> {
        let step = self.pts.get(1)? - self.pts.first()?;
        (step > 0 && self.pts.windows(2).all(|pair| pair[1] - pair[0] == step)).then_some(step)
    }

    /// The presentation time of display frame `k` (the last frame's past the end).
    #[must_use]
    pub fn pts(&self, k: usize) -> i64 {
        self.pts.get(k).or(self.pts.last()).copied().unwrap_or(0)
    }

    /// How many frames are shown before time `t` (stream time base).
    #[must_use]
    pub fn before(&self, t: i64) -> usize {
        self.pts.partition_point(|pts| *pts < t)
    }

    /// The pieces showing display frames `[first, end)` of every stretch in turn; `forced(k)`
    /// says output frame `k` (counted across the stretches) must be re-encoded.
    #[must_use]
    pub fn plan(&self, stretches: &[Range<usize>], forced: impl Fn(usize) -> bool) -> Vec<Piece> {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut output = 0;
        for stretch in stretches {
            let (first, end) = (stretch.start.min(self.len()), stretch.end.min(self.len()));
            let mut at = first;
            while at < end {
                let copied = self.copyable_gop(at, first, end, output + (at - first), &forced);
                let piece = match copied {
                    Some(gop_end) => Piece::Copy(self.position[at]..self.end_position(gop_end)),
                    None => Piece::Encode(at..at + 1),
                };
                at += piece.frames();
                push(&mut pieces, piece);
            }
            output += end.saturating_sub(first);
        }
        pieces
    }

    /// Where the GOP starting at display frame `at` ends (the next cut point, or the end),
    /// when `at` is a cut point, the whole GOP lies in `[first, end)` and none of its frames
    /// (the first of which is output frame `output`) is forced.
    fn copyable_gop(
        &self,
        at: usize,
        first: usize,
        end: usize,
        output: usize,
        forced: &impl Fn(usize) -> bool,
    ) -> Option<usize> {
        if !self.cut[at] || at < first {
            return None;
        }
        let gop_end = (at + 1..self.len()).find(|k| self.cut[*k]).unwrap_or(self.len());
        (gop_end <= end && !(0..gop_end - at).any(|k| forced(output + k))).then_some(gop_end)
    }

    /// The decode position ending a copy that stops before display frame `k`.
    fn end_position(&self, k: usize) -> usize {
        self.position.get(k).copied().unwrap_or(self.len())
    }
}

/// Adds a piece, merging it into the one before when both copy or both encode adjacent spans.
fn push(pieces: &mut Vec<Piece>, piece: Piece) {
    match (pieces.last_mut(), &piece) {
        (Some(Piece::Copy(before)), Piece::Copy(next)) if before.end == next.start => before.end = next.end,
        (Some(Piece::Encode(before)), Piece::Encode(next)) if before.end == next.start => before.end = next.end,
        _ => pieces.push(piece),
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one stretch of frames, not a list of the numbers in it
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Packets of a closed-GOP stream with `gop` frames a GOP and B-frames: each GOP decodes
    /// its keyframe, then its last frame (a P), then the frames between (Bs) — reordered as
    /// x264 does.
    fn stream(frames: usize, gop: usize) -> Vec<Packet> {
        let mut packets = Vec::new();
        for start in (0..frames).step_by(gop) {
            let end = (start + gop).min(frames);
            packets.push(Packet { pts: start as i64 * 10, key: true });
            if end - start > 1 {
                packets.push(Packet { pts: (end - 1) as i64 * 10, key: false });
                packets.extend((start + 1..end - 1).map(|k| Packet { pts: k as i64 * 10, key: false }));
            }
        }
        packets
    }

    #[test]
    fn a_stretch_is_a_head_the_whole_gops_inside_it_and_a_tail() {
        let frames = Frames::new(&stream(90, 30));
        assert_eq!(frames.constant_step(), Some(10));
        // Frames 10..75: a head 10..30, GOP 30..60 copied (decode positions 30..60), a tail 60..75.
        let pieces = frames.plan(&[10..75], |_| false);
        assert_eq!(pieces, [Piece::Encode(10..30), Piece::Copy(30..60), Piece::Encode(60..75)]);
        // Two GOPs in a row copy as one piece; the last runs to the end of the file.
        assert_eq!(frames.plan(&[30..90], |_| false), [Piece::Copy(30..90)]);
        // A stretch inside one GOP is encoded whole.
        assert_eq!(frames.plan(&[31..59], |_| false), [Piece::Encode(31..59)]);
    }

    #[test]
    fn a_forced_frame_makes_its_whole_gop_encoded() {
        let frames = Frames::new(&stream(90, 30));
        // Output frames 0..5 (a title) fall in the first GOP.
        assert_eq!(frames.plan(&[0..90], |k| k < 5), [Piece::Encode(0..30), Piece::Copy(30..90)]);
        // Over two stretches, output frame 40 is frame 70 of the source (the second starts at 60).
        assert_eq!(frames.plan(&[0..30, 60..90], |k| k == 40), [Piece::Copy(0..30), Piece::Encode(60..90)],);
    }

    #[test]
    fn an_open_gop_keyframe_is_not_a_cut_point() {
        // The second keyframe's leading B-frames (pts 28, 29) are decoded after it.
        let mut packets: Vec<Packet> = (0..28).map(|k| Packet { pts: k, key: k == 0 }).collect();
        packets.push(Packet { pts: 30, key: true });
        packets.extend([28, 29].map(|pts| Packet { pts, key: false }));
        packets.extend((31..60).map(|pts| Packet { pts, key: false }));
        let frames = Frames::new(&packets);
        assert_eq!(frames.open_keyframes(), 1);
        assert_eq!(Frames::new(&stream(90, 30)).open_keyframes(), 0);
        assert_eq!(frames.plan(&[0..60], |_| false), [Piece::Copy(0..60)], "one GOP from the only cut point");
        assert_eq!(frames.plan(&[1..60], |_| false), [Piece::Encode(1..60)]);
    }

    #[test]
    fn a_variable_rate_has_no_constant_step_and_times_count_frames() {
        let frames = Frames::new(&[0, 10, 30].map(|pts| Packet { pts, key: pts == 0 }));
        assert_eq!(frames.constant_step(), None);
        assert_eq!((frames.before(0), frames.before(5), frames.before(10), frames.before(99)), (0, 1, 1, 3));
        assert_eq!(Frames::new(&[]).constant_step(), None);
    }

    proptest! {
        #[test]
        fn the_pieces_show_every_kept_frame_once_in_order_and_copies_start_at_cut_points(
            frames in 1usize..200,
            gop in 1usize..40,
            cuts in proptest::collection::vec((0usize..200, 0usize..60), 1..6),
            forced in proptest::collection::vec(0usize..300, 0..4),
        ) {
            let packets = stream(frames, gop);
            let analysed = Frames::new(&packets);
            let mut stretches = Vec::new();
            let mut at = 0;
            for (gap, length) in cuts {
                let first = (at + gap).min(frames);
                let end = (first + length).min(frames);
                stretches.push(first..end);
                at = end;
            }
            let pieces = analysed.plan(&stretches, |k| forced.contains(&k));
            let wanted: Vec<usize> = stretches.iter().flat_map(Clone::clone).collect();
            let mut shown = Vec::new();
            for piece in &pieces {
                match piece {
                    Piece::Copy(packets_range) => {
                        prop_assert!(packets[packets_range.start].key);
                        let mut pts: Vec<i64> = packets[packets_range.clone()].iter().map(|p| p.pts).collect();
                        pts.sort_unstable();
                        shown.extend(pts.iter().map(|pts| (*pts / 10) as usize));
                    }
                    Piece::Encode(range) => shown.extend(range.clone()),
                }
            }
            prop_assert_eq!(&shown, &wanted);
            // No forced output frame is copied.
            let mut k = 0;
            for piece in &pieces {
                if matches!(piece, Piece::Copy(_)) {
                    prop_assert!(!(k..k + piece.frames()).any(|f| forced.contains(&f)));
                }
                k += piece.frames();
            }
        }
    }
}

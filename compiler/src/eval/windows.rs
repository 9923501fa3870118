//! Classes of time: which minutes of an interval lie in which class.
//!
//! The reference algorithm, shared by the interpreter and the checker's
//! scan (`check/windows.rs`). Times are minute numbers (`clock`): a span
//! anchored on day `a` runs from minute `from` of `a` to minute `to` of
//! its end day, and holds the minutes that *start* in `[start, end)`.
//!
//! For an interval `[lo, hi)` every span that can reach it is laid out:
//! a span without `on next` starts at most one day before the day it
//! ends, one with `on next` at most `MAX_SPAN_DAYS` days before. The
//! interval is then cut at every span edge; each piece belongs to the
//! first class (in the order listed) whose span holds it, or to none. So
//! the cost is the spans near the interval, not its minutes. Each piece
//! also names the span that put it in its class (the first span listed of
//! that class holding it), which `avtal explain` shows and coverage counts;
//! it costs the evaluation one more small integer per piece.
//!
//! Day selectors are asked through an [`Oracle`], which the interpreter
//! answers by calling the rule (and remembering the answer).

use crate::clock::DAY_MINUTES;
use crate::ir::{ClassesInfo, DaySelector, MAX_SPAN_DAYS, WindowSpan};

/// Answers "does this selector select day `day`?" (day numbers as in
/// `clock`: 0001-01-01 is 1).
pub trait Oracle {
    type Error;
    fn selects(&mut self, selector: DaySelector, day: i64) -> Result<bool, Self::Error>;
}

/// First minute of day `day`.
pub fn day_start(day: i64) -> i64 {
    (day - 1) * DAY_MINUTES
}

/// The day a minute falls on.
pub fn day_of(minute: i64) -> i64 {
    minute.div_euclid(DAY_MINUTES) + 1
}

/// The minutes `[start, end)` of `span` anchored on `anchor`, when its
/// selector selects that day. An `on next` day is searched for at most
/// `MAX_SPAN_DAYS` days: where none is selected, the span ends on the
/// last of them (the checker reports such spans, E0405), so a span never
/// lasts longer and evaluation never fails here.
pub fn span_at<O: Oracle>(
    span: &WindowSpan,
    anchor: i64,
    oracle: &mut O,
) -> Result<Option<(i64, i64)>, O::Error> {
    if !oracle.selects(span.on, anchor)? {
        return Ok(None);
    }
    let start = day_start(anchor) + i64::from(span.from);
    let end = match span.until {
        Some(until) => {
            let mut found = None;
            for day in anchor + 1..=anchor + MAX_SPAN_DAYS {
                if oracle.selects(until, day)? {
                    found = Some(day);
                    break;
                }
            }
            day_start(found.unwrap_or(anchor + MAX_SPAN_DAYS)) + i64::from(span.to)
        }
        None if span.to > span.from => day_start(anchor) + i64::from(span.to),
        None => day_start(anchor + 1) + i64::from(span.to),
    };
    Ok(Some((start, end)))
}

/// How many days before the day of a minute a span holding it may start.
fn reach(span: &WindowSpan) -> i64 {
    match span.until {
        Some(_) => MAX_SPAN_DAYS,
        None => 1,
    }
}

/// A piece of an interval: the minutes `[start, end)` and what holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub start: i64,
    pub end: i64,
    /// The class the piece belongs to and the span of that class that put
    /// it there; `None` when no class holds it.
    pub held_by: Option<Holder>,
}

/// A class of a `classes` item and one of its spans, both indices in
/// listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Holder {
    pub class: u32,
    pub span: u32,
}

impl Piece {
    pub fn minutes(&self) -> i64 {
        self.end - self.start
    }

    pub fn class(&self) -> Option<usize> {
        self.held_by.map(|h| h.class as usize)
    }
}

/// The pieces of `[lo, hi)` and the class each belongs to, in order; each
/// piece goes to the first class (in listing order) whose window holds it,
/// and is attributed to the first span of that class that holds it.
/// Adjacent pieces with the same class and span are one piece. Empty when
/// `hi <= lo`.
pub fn classify<O: Oracle>(
    classes: &ClassesInfo,
    lo: i64,
    hi: i64,
    oracle: &mut O,
) -> Result<Vec<Piece>, O::Error> {
    if hi <= lo {
        return Ok(Vec::new());
    }
    let (first_day, last_day) = (day_of(lo), day_of(hi - 1));
    // (holder, start, end) of every span that meets [lo, hi), clipped.
    let mut held: Vec<(Holder, i64, i64)> = Vec::new();
    for (class, info) in classes.classes.iter().enumerate() {
        for (span_idx, span) in info.spans.iter().enumerate() {
            let holder = Holder {
                class: u32::try_from(class).unwrap_or(u32::MAX),
                span: u32::try_from(span_idx).unwrap_or(u32::MAX),
            };
            for anchor in first_day - reach(span)..=last_day {
                if let Some((start, end)) = span_at(span, anchor, oracle)?
                    && start < hi
                    && end > lo
                {
                    held.push((holder, start.max(lo), end.min(hi)));
                }
            }
        }
    }
    let mut cuts: Vec<i64> = Vec::with_capacity(held.len() * 2 + 2);
    cuts.push(lo);
    cuts.push(hi);
    for (_, start, end) in &held {
        cuts.push(*start);
        cuts.push(*end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces: Vec<Piece> = Vec::new();
    for pair in cuts.windows(2) {
        let [start, end] = pair else { continue };
        // Holders order by class, then span: the minimum is the first
        // class listed and its first span listed that hold the piece.
        let held_by = held
            .iter()
            .filter(|(_, s, e)| s <= start && start < e)
            .map(|(holder, _, _)| *holder)
            .min();
        match pieces.last_mut() {
            Some(last) if last.held_by == held_by && last.end == *start => last.end = *end,
            _ => pieces.push(Piece {
                start: *start,
                end: *end,
                held_by,
            }),
        }
    }
    Ok(pieces)
}

/// Minutes of `[lo, hi)` in class `class`.
pub fn minutes_in<O: Oracle>(
    classes: &ClassesInfo,
    class: usize,
    lo: i64,
    hi: i64,
    oracle: &mut O,
) -> Result<i64, O::Error> {
    Ok(classify(classes, lo, hi, oracle)?
        .iter()
        .filter(|piece| piece.class() == Some(class))
        .map(Piece::minutes)
        .sum())
}

/// The first minute of `[lo, hi)` that two different classes hold, with
/// the two classes (in the order listed).
pub fn first_overlap<O: Oracle>(
    classes: &ClassesInfo,
    lo: i64,
    hi: i64,
    oracle: &mut O,
) -> Result<Option<(i64, usize, usize)>, O::Error> {
    let mut held: Vec<(usize, i64, i64)> = Vec::new();
    let (first_day, last_day) = (day_of(lo), day_of(hi - 1));
    for (class, info) in classes.classes.iter().enumerate() {
        for span in &info.spans {
            for anchor in first_day - reach(span)..=last_day {
                if let Some((start, end)) = span_at(span, anchor, oracle)?
                    && start < hi
                    && end > lo
                {
                    held.push((class, start.max(lo), end.min(hi)));
                }
            }
        }
    }
    let mut first: Option<(i64, usize, usize)> = None;
    for (i, (a, a_start, a_end)) in held.iter().enumerate() {
        for (b, b_start, b_end) in held.iter().skip(i + 1) {
            let start = *a_start.max(b_start);
            if a != b && start < *a_end.min(b_end) && first.is_none_or(|(m, _, _)| start < m) {
                first = Some((start, *a.min(b), *a.max(b)));
            }
        }
    }
    Ok(first)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests state expectations")]
mod tests {
    use super::*;
    use crate::ir::{ClassInfo, FuncId, Meta};
    use crate::source::{FileId, Span};

    /// Selector `Rule(0)`: Fridays; `Rule(1)`: Mondays (day 1 was a Monday).
    struct Weekdays;
    impl Oracle for Weekdays {
        type Error = String;
        fn selects(&mut self, selector: DaySelector, day: i64) -> Result<bool, String> {
            let weekday = (day - 1).rem_euclid(7) + 1;
            Ok(match selector {
                DaySelector::Every => true,
                DaySelector::Rule(FuncId(0)) => weekday == 5,
                DaySelector::Rule(_) => weekday == 1,
            })
        }
    }

    fn span(from: u32, on: DaySelector, to: u32, until: Option<DaySelector>) -> WindowSpan {
        WindowSpan {
            from,
            on,
            to,
            until,
            span: Span::new(FileId(0), 0, 0),
        }
    }

    fn piece(start: i64, end: i64, held_by: Option<(u32, u32)>) -> Piece {
        Piece {
            start,
            end,
            held_by: held_by.map(|(class, span)| Holder { class, span }),
        }
    }

    fn ob() -> ClassesInfo {
        let class = |name: &str, spans| ClassInfo {
            name: name.into(),
            doc: None,
            spans,
            span: Span::new(FileId(0), 0, 0),
        };
        ClassesInfo {
            name: "ob".into(),
            ranked: true,
            classes: vec![
                // Friday 19:00 to Monday 07:00.
                class(
                    "helg",
                    vec![span(
                        1140,
                        DaySelector::Rule(FuncId(0)),
                        420,
                        Some(DaySelector::Rule(FuncId(1))),
                    )],
                ),
                // 19:00–22:00 every day, and 22:00–06:00.
                class("kväll", vec![span(1140, DaySelector::Every, 1320, None)]),
                class("natt", vec![span(1320, DaySelector::Every, 360, None)]),
            ],
            meta: Meta::default(),
            span: Span::new(FileId(0), 0, 0),
        }
    }

    #[test]
    fn pieces_follow_rank_and_edges() {
        // Day 5 is a Friday. A shift Friday 18:00 to 20:00.
        let lo = day_start(5) + 1080;
        let pieces = classify(&ob(), lo, lo + 120, &mut Weekdays).unwrap();
        assert_eq!(
            pieces,
            vec![
                piece(lo, lo + 60, None),
                piece(lo + 60, lo + 120, Some((0, 0)))
            ]
        );
        // Thursday (day 4) 21:00 to Friday 07:00: 60 min kväll, 480 natt, 120 none.
        let lo = day_start(4) + 1260;
        let hi = day_start(5) + 420;
        assert_eq!(minutes_in(&ob(), 1, lo, hi, &mut Weekdays).unwrap(), 60);
        assert_eq!(minutes_in(&ob(), 2, lo, hi, &mut Weekdays).unwrap(), 480);
        // Monday (day 8) 06:59 to 07:01: one minute of the weekend.
        let lo = day_start(8) + 419;
        assert_eq!(minutes_in(&ob(), 0, lo, lo + 2, &mut Weekdays).unwrap(), 1);
        // An interval that is empty or reversed holds nothing.
        assert_eq!(minutes_in(&ob(), 0, lo, lo, &mut Weekdays).unwrap(), 0);
    }

    #[test]
    fn each_piece_names_the_first_span_of_its_class_that_holds_it() {
        // One class of two spans: nights, and all of Friday.
        let mut classes = ob();
        classes.classes.truncate(1);
        if let Some(class) = classes.classes.first_mut() {
            class.spans = vec![
                span(1320, DaySelector::Every, 360, None),
                span(0, DaySelector::Rule(FuncId(0)), 0, None),
            ];
        }
        // Thursday (day 4) 21:00 to Friday 08:00: the night holds 22:00 to
        // 06:00 (Friday 00:00 to 06:00 is in both spans: the first listed
        // gets it), Friday alone 06:00 to 08:00.
        let lo = day_start(4) + 1260;
        let friday = day_start(5);
        let pieces = classify(&classes, lo, friday + 480, &mut Weekdays).unwrap();
        assert_eq!(
            pieces,
            vec![
                piece(lo, lo + 60, None),
                piece(lo + 60, friday + 360, Some((0, 0))),
                piece(friday + 360, friday + 480, Some((0, 1))),
            ]
        );
        assert_eq!(
            minutes_in(&classes, 0, lo, friday + 480, &mut Weekdays).unwrap(),
            600
        );
    }

    #[test]
    fn a_missing_next_day_ends_the_span_after_14_days() {
        let mut classes = ob();
        if let Some(class) = classes.classes.first_mut() {
            class.spans = vec![span(
                0,
                DaySelector::Every,
                0,
                Some(DaySelector::Rule(FuncId(7))),
            )];
        }
        struct Never;
        impl Oracle for Never {
            type Error = String;
            fn selects(&mut self, s: DaySelector, _: i64) -> Result<bool, String> {
                Ok(s == DaySelector::Every)
            }
        }
        // Every day starts a span that runs 14 days: all of day 100 is held,
        // and a span anchored on day 86 ends at 00:00 of day 100.
        let held = minutes_in(&classes, 0, day_start(100), day_start(101), &mut Never);
        assert_eq!(held, Ok(1440));
        let pieces = classify(&classes, day_start(86), day_start(86) + 1, &mut Never).unwrap();
        assert_eq!(
            pieces,
            vec![piece(day_start(86), day_start(86) + 1, Some((0, 0)))]
        );
    }
}

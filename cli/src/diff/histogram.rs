//! Histograms of changes in constant memory, filled while streaming.
//!
//! Numeric changes go to buckets on a 1-2-5 scale of their size (0.01,
//! 0.02, 0.05, 0.1, … up to 10^12), separately for decreases and
//! increases: the range of the changes is not known before the last row,
//! and a fixed logarithmic scale needs no second pass. Other fields (dates,
//! booleans, enums) count their transitions (`false → true`), up to a
//! fixed number of distinct ones.

use avtal_compiler::eval::Number;
use rust_decimal::Decimal;
use serde::Serialize;

/// One bar: a label a person reads, and how many records fall in it.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    /// -1 for decreases, 1 for increases, 0 for transitions.
    pub direction: i8,
}

/// Bucket boundaries 0.01, 0.02, 0.05, 0.1, …, 5·10^11, 10^12.
fn boundaries() -> Vec<Number> {
    let mut out = Vec::new();
    for exponent in 0..=14u32 {
        for digit in [1i64, 2, 5] {
            // digit × 10^exponent / 100, exact.
            let mut value = Decimal::new(digit, 2);
            for _ in 0..exponent {
                value = value.checked_mul(Decimal::TEN).unwrap_or(Decimal::MAX);
            }
            out.push(Number::from_decimal(value));
        }
    }
    out
}

/// Counts of decreases and increases by size.
#[derive(Debug, Clone)]
pub struct Magnitudes {
    bounds: Vec<Number>,
    /// Index i counts sizes in [bounds[i-1], bounds[i]); 0 is below the
    /// first boundary, the last is at or above the last one.
    decreases: Vec<u64>,
    increases: Vec<u64>,
}

impl Magnitudes {
    pub fn new() -> Magnitudes {
        let bounds = boundaries();
        let n = bounds.len() + 1;
        Magnitudes {
            bounds,
            decreases: vec![0; n],
            increases: vec![0; n],
        }
    }

    /// Count one nonzero difference.
    pub fn add(&mut self, difference: &Number) {
        let size = difference.abs();
        let index = self.bounds.partition_point(|b| *b <= size);
        let counts = if difference.is_negative() {
            &mut self.decreases
        } else {
            &mut self.increases
        };
        if let Some(count) = counts.get_mut(index) {
            *count += 1;
        }
    }

    /// The bars from the largest decrease to the largest increase, without
    /// empty ones at either end.
    pub fn bars(&self) -> Vec<Bar> {
        let mut bars = Vec::new();
        for (index, count) in self.decreases.iter().enumerate().rev() {
            bars.push(Bar {
                label: self.label(index, "−"),
                count: *count,
                direction: -1,
            });
        }
        for (index, count) in self.increases.iter().enumerate() {
            bars.push(Bar {
                label: self.label(index, "+"),
                count: *count,
                direction: 1,
            });
        }
        let first = bars.iter().position(|b| b.count > 0);
        let last = bars.iter().rposition(|b| b.count > 0);
        match (first, last) {
            (Some(first), Some(last)) => bars.get(first..=last).map(<[Bar]>::to_vec),
            _ => None,
        }
        .unwrap_or_default()
    }

    fn label(&self, index: usize, sign: &str) -> String {
        let low = index.checked_sub(1).and_then(|i| self.bounds.get(i));
        let high = self.bounds.get(index);
        match (low, high) {
            (None, Some(high)) => format!("{sign}0 to {sign}{}", plain(high)),
            (Some(low), Some(high)) => format!("{sign}{} to {sign}{}", plain(low), plain(high)),
            (Some(low), None) => format!("{sign}{} or more", plain(low)),
            (None, None) => String::new(),
        }
    }
}

/// `1000`, `0.05`: a boundary without trailing zeros.
fn plain(number: &Number) -> String {
    number
        .to_decimal()
        .map_or_else(|| number.to_string(), |d| d.normalize().to_string())
}

/// How many distinct transitions are counted; the rest go to "other".
const TRANSITIONS: usize = 20;

/// Counts of `old → new` pairs for fields that are not numbers.
#[derive(Debug, Clone, Default)]
pub struct Transitions {
    counts: Vec<(String, u64)>,
    other: u64,
}

impl Transitions {
    pub fn add(&mut self, old: &str, new: &str) {
        let label_matches = |label: &str| {
            label
                .split_once(" → ")
                .is_some_and(|(o, n)| o == old && n == new)
        };
        if let Some((_, count)) = self.counts.iter_mut().find(|(l, _)| label_matches(l)) {
            *count += 1;
        } else if self.counts.len() < TRANSITIONS {
            self.counts.push((format!("{old} → {new}"), 1));
        } else {
            self.other += 1;
        }
    }

    pub fn bars(&self) -> Vec<Bar> {
        let mut bars: Vec<Bar> = self
            .counts
            .iter()
            .map(|(label, count)| Bar {
                label: label.clone(),
                count: *count,
                direction: 0,
            })
            .collect();
        bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        if self.other > 0 {
            bars.push(Bar {
                label: "other changes".to_string(),
                count: self.other,
                direction: 0,
            });
        }
        bars
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "tests state their expectations with unwrap"
)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        Number::from_decimal(text.parse().unwrap())
    }

    #[test]
    fn changes_fall_in_1_2_5_buckets_by_size_and_sign() {
        let mut magnitudes = Magnitudes::new();
        for d in ["150", "199.99", "200", "-0.005", "-3"] {
            magnitudes.add(&number(d));
        }
        let bars: Vec<(String, u64)> = magnitudes
            .bars()
            .into_iter()
            .filter(|b| b.count > 0)
            .map(|b| (b.label, b.count))
            .collect();
        assert_eq!(
            bars,
            [
                ("−2 to −5".to_string(), 1),
                ("−0 to −0.01".to_string(), 1),
                ("+100 to +200".to_string(), 2),
                ("+200 to +500".to_string(), 1),
            ]
        );
    }

    #[test]
    fn transitions_beyond_the_limit_are_counted_as_other() {
        let mut transitions = Transitions::default();
        for i in 0..25 {
            transitions.add(&i.to_string(), "x");
        }
        transitions.add("0", "x");
        let bars = transitions.bars();
        assert_eq!(
            bars.first().map(|b| (b.label.as_str(), b.count)),
            Some(("0 → x", 2))
        );
        assert_eq!(
            bars.last().map(|b| (b.label.as_str(), b.count)),
            Some(("other changes", 5))
        );
    }
}

//! Classifications in the text form: what `hours_in`, `hours_on` and
//! `in_class` found in an interval, in hours and minutes per class with
//! the span that put them there, and the amount in force beside the hours
//! it is multiplied by.
//!
//! A call alone is a step with its value and, under it, the interval and
//! its classes. The calls of one comprehension (`fold.rs`) are one step
//! with a line per interval (or per day of a shift): an interval's classes
//! are shown the first time it is measured against an item, and lines
//! that would say only "0 h" about an interval shown before are counted,
//! not printed.

use super::classify::{Amount, ClassMinutes};
use super::text::Writer;
use super::tree::{Node, Step};

/// The fields of a classification step the text uses.
struct Call<'n> {
    call: &'n str,
    builtin: &'n str,
    classes: &'n str,
    class: &'n str,
    source: Option<&'n str>,
    start: &'n str,
    end: &'n str,
    day: Option<&'n str>,
    value: &'n str,
    minutes: i64,
    by_class: &'n [ClassMinutes],
    amount: Option<&'n Amount>,
}

fn call(node: &Node) -> Option<Call<'_>> {
    let Step::Classify(c) = &node.step else {
        return None;
    };
    Some(Call {
        call: &c.call,
        builtin: c.builtin,
        classes: &c.classes,
        class: &c.class,
        source: c.source.as_deref(),
        start: &c.start,
        end: &c.end,
        day: c.day.as_deref(),
        value: &c.value,
        minutes: c.minutes,
        by_class: &c.by_class,
        amount: c.amount.as_ref(),
    })
}

impl Call<'_> {
    fn is_in_class(&self) -> bool {
        self.builtin == "in_class"
    }

    /// The value asked for: `3 h 15 min`, or `true`.
    fn asked(&self) -> String {
        if self.is_in_class() {
            self.value.to_string()
        } else {
            duration(self.minutes)
        }
    }

    /// `× 20.00 SEK/h`, when the hours are multiplied by a param.
    fn times_amount(&self) -> String {
        match self.amount.and_then(|a| a.value.as_deref()) {
            Some(value) => format!(" × {value}"),
            None => String::new(),
        }
    }

    /// The interval as a reader names it.
    fn interval(&self) -> String {
        if self.is_in_class() {
            return format!("the minute from {}", self.start);
        }
        let Some(day) = self.day else {
            return format!("{}–{}", self.start, self.end);
        };
        if self.start >= self.end {
            return format!("{day}: no minutes of the interval");
        }
        let time = |stamp: &str| stamp.split('T').nth(1).unwrap_or(stamp).to_string();
        // The interval lies within the day; it ends at midnight when its
        // end is on the next day.
        let end = if self.end.starts_with(day) {
            time(self.end)
        } else {
            "24:00".to_string()
        };
        format!("{day} {}–{end}", time(self.start))
    }

    fn key(&self) -> (String, String, String) {
        (
            self.classes.to_string(),
            self.start.to_string(),
            self.end.to_string(),
        )
    }
}

/// A classification alone: headline and the lines under it.
pub(super) fn single(writer: &mut Writer<'_>, node: &Node) -> (String, Vec<String>) {
    let Some(call) = call(node) else {
        return (String::new(), Vec::new());
    };
    let mut headline = format!("{} = {}{}", call.call, call.asked(), call.times_amount());
    if let Some(amount) = call.amount {
        headline.push_str(&format!(" ({})", amount_origin(amount)));
    }
    let mut details = Vec::new();
    if let Some(source) = call.source {
        details.push(format!("source: {source}"));
    }
    let classes = if call.is_in_class() {
        minute_class(call.by_class)
    } else {
        breakdown(call.by_class)
    };
    details.push(format!("{}: {classes}", call.interval()));
    writer.classified.insert(call.key());
    (headline, details)
}

/// The classifications of one comprehension: headline, place and lines.
pub(super) fn folded(writer: &mut Writer<'_>, nodes: &[&Node]) -> (String, String, Vec<String>) {
    let calls: Vec<Call<'_>> = nodes.iter().filter_map(|n| call(n)).collect();
    let mut codes: Vec<&str> = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    for call in &calls {
        if !codes.contains(&call.call) {
            codes.push(call.call);
        }
        let amount_source = call.amount.and_then(|a| a.source.as_deref());
        for source in [call.source, amount_source].into_iter().flatten() {
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
    }
    let in_class = calls.iter().any(Call::is_in_class);
    let mut headline = format!("{}, {} calls in a loop", codes.join(", "), calls.len());
    if codes.len() == 1 && !in_class {
        let total: i64 = calls.iter().map(|c| c.minutes).sum();
        headline.push_str(&format!(" = {} in all", duration(total)));
    }
    let mut details = Vec::new();
    if !sources.is_empty() {
        details.push(format!("source: {}", sources.join("; ")));
    }
    if calls.iter().any(|c| c.amount.is_some()) {
        details.push(amounts_line(&calls));
    }
    let mut quiet = 0;
    let mut start = 0;
    while let Some(first) = calls.get(start) {
        // Calls on one interval in a row (a day's classes) share a line.
        let same = calls
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.key() == first.key() && c.day == first.day)
            .count();
        let group = calls.get(start..start + same).unwrap_or(&[]);
        start += same.max(1);
        let new = !writer.classified.contains(&first.key());
        let nothing = group.iter().all(|c| c.minutes == 0);
        if !new && nothing {
            quiet += 1;
            continue;
        }
        let asked = if nothing && group.len() > 1 {
            first.asked()
        } else {
            group
                .iter()
                .filter(|c| c.minutes > 0 || group.len() == 1)
                .map(|c| format!("{} {}{}", c.class, c.asked(), c.times_amount()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut line = format!("{}: {asked}", first.interval());
        if new {
            line.push_str(&format!(" — {}", breakdown(first.by_class)));
            writer.classified.insert(first.key());
        }
        details.push(line);
    }
    if quiet > 0 {
        let shown_any = details.iter().any(|l| !is_heading(l));
        details.push(quiet_line(quiet, shown_any, &calls));
    }
    let location = nodes
        .first()
        .map_or_else(String::new, |n| n.location.clone());
    (headline, location, details)
}

/// The lines above a loop's intervals.
fn is_heading(line: &str) -> bool {
    line.starts_with("source: ") || line.starts_with("amounts in force: ")
}

/// `and 3 more intervals with 0 h`: the lines not printed.
fn quiet_line(quiet: usize, shown_any: bool, calls: &[Call<'_>]) -> String {
    let in_class = calls.iter().any(Call::is_in_class);
    let by_day = calls.iter().any(|c| c.day.is_some());
    let (one, many, value) = match (in_class, by_day) {
        (true, _) => ("minute", "minutes", "false"),
        (false, true) => ("day", "days", "0 h"),
        (false, false) => ("interval", "intervals", "0 h"),
    };
    let what = if quiet == 1 { one } else { many };
    match (shown_any, quiet) {
        (true, _) => format!("and {quiet} more {what} with {value}"),
        (false, 1) => format!("the {what} has {value}"),
        (false, _) => format!("all {quiet} {what} with {value}"),
    }
}

/// `amounts in force: ob_enkel 20.00 SEK/h (from 2026-01-01), 21.00 SEK/h
/// (from 2027-04-01); …`: each param period the loop's hours were paid
/// at, once, params in the order first met.
fn amounts_line(calls: &[Call<'_>]) -> String {
    let mut params: Vec<(&str, Vec<String>)> = Vec::new();
    for amount in calls.iter().filter_map(|c| c.amount) {
        let text = match (&amount.from, &amount.value) {
            (Some(from), Some(value)) => format!("{value} (from {from})"),
            _ => format!("none at {}", amount.at),
        };
        match params.iter_mut().find(|(name, _)| *name == amount.name) {
            Some((_, values)) if values.contains(&text) => {}
            Some((_, values)) => values.push(text),
            None => params.push((&amount.name, vec![text])),
        }
    }
    let params: Vec<String> = params
        .iter()
        .map(|(name, values)| format!("{name} {}", values.join(", ")))
        .collect();
    format!("amounts in force: {}", params.join("; "))
}

/// `ob_enkel at 2027-03-31, in force from 2026-01-01`.
fn amount_origin(amount: &Amount) -> String {
    match &amount.from {
        Some(from) => format!("{} at {}, in force from {from}", amount.name, amount.at),
        None => format!("{} at {}", amount.name, amount.at),
    }
}

/// The minutes of each class met: `30 min none, 3 h enkel (from 19:00 on
/// every day to 22:00)`; a class filled by several spans names each with
/// its minutes.
fn breakdown(by_class: &[ClassMinutes]) -> String {
    if by_class.is_empty() {
        return "no minutes".to_string();
    }
    by_class
        .iter()
        .map(|class| {
            let name = class.class.as_deref().unwrap_or("none");
            let spans = match class.spans.as_slice() {
                [] => String::new(),
                [one] => format!(" ({})", one.window.text),
                several => format!(
                    " ({})",
                    several
                        .iter()
                        .map(|s| format!("{} {}", duration(s.minutes), s.window.text))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!("{} {name}{spans}", duration(class.minutes))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The class of one minute: `kvalificerad (from 19:00 on fredag to 07:00
/// on next måndag)`, or `none`.
fn minute_class(by_class: &[ClassMinutes]) -> String {
    match by_class.first() {
        Some(class) => {
            let name = class.class.as_deref().unwrap_or("none");
            match class.spans.first() {
                Some(span) => format!("{name} ({})", span.window.text),
                None => name.to_string(),
            }
        }
        None => "none".to_string(),
    }
}

/// Minutes as hours and minutes: `3 h 15 min`, `45 min`, `0 h`.
pub(super) fn duration(minutes: i64) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, 0) => "0 h".to_string(),
        (0, rest) => format!("{rest} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, rest) => format!("{hours} h {rest} min"),
    }
}

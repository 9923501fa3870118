//! Folding repeated steps in the text form, so that a month of shifts
//! does not print thousands of lines. The JSON form keeps every step.
//!
//! Three foldings, all of consecutive steps inside one call:
//!
//! - a param lookup whose value a classification's hours are multiplied
//!   by is shown on the classification's line (`× 20.00 SEK/h`), not on
//!   its own;
//! - the classifications made by one comprehension (`[hours_in(s.start,
//!   s.end, ob.enkel) for s in shifts]`, or the three `hours_on` of each
//!   day of each shift) are one step with a line per interval;
//! - a rule, table or condition called [`FOLD_CALLS_FROM`] times or more
//!   in a row from the same place (`helgdag(d)` for each day of a month)
//!   is shown once, its first call, and the others as one line that gives
//!   each value and the arguments that gave the rarer ones.

use super::tree::{Node, Outcome, Step};

/// How many calls in a row from one place are folded.
pub(super) const FOLD_CALLS_FROM: usize = 4;

/// What the text shows for a call's steps.
pub(super) enum Shown<'n> {
    /// One step, as it is.
    Step(&'n Node),
    /// The classifications of one comprehension (at least two), in order;
    /// each `Step::Classify`.
    Loop(Vec<&'n Node>),
    /// The calls after the first of a run from one place.
    MoreCalls(Vec<&'n Node>),
}

/// The steps `children` as the text shows them.
pub(super) fn shown(children: &[Node]) -> Vec<Shown<'_>> {
    let absorbed = absorbed_params(children);
    let mut shown = Vec::new();
    let mut index = 0;
    while let Some(node) = children.get(index) {
        if absorbed.contains(&index) {
            index += 1;
            continue;
        }
        if let Some(comprehension) = loop_of(node) {
            let mut run = Vec::new();
            let mut end = index;
            while let Some(next) = children.get(end) {
                if loop_of(next) == Some(comprehension) {
                    run.push(next);
                } else if !absorbed.contains(&end) {
                    break;
                }
                end += 1;
            }
            if run.len() >= 2 {
                shown.push(Shown::Loop(run));
                index = end;
                continue;
            }
        }
        if let Some(key) = call_key(node) {
            let run: Vec<&Node> = children
                .get(index..)
                .unwrap_or(&[])
                .iter()
                .take_while(|next| call_key(next) == Some(key))
                .collect();
            if run.len() >= FOLD_CALLS_FROM {
                shown.push(Shown::Step(node));
                let count = run.len();
                shown.push(Shown::MoreCalls(run.into_iter().skip(1).collect()));
                index += count;
                continue;
            }
        }
        shown.push(Shown::Step(node));
        index += 1;
    }
    shown
}

/// The indices of param lookups shown on a neighbouring classification.
fn absorbed_params(children: &[Node]) -> Vec<usize> {
    let mut absorbed = Vec::new();
    for (index, node) in children.iter().enumerate() {
        let Step::Classify(classified) = &node.step else {
            continue;
        };
        let (Some(_), Some(at)) = (&classified.amount, classified.amount_at) else {
            continue;
        };
        for neighbour in [index.checked_sub(1), index.checked_add(1)]
            .into_iter()
            .flatten()
        {
            if let Some(param) = children.get(neighbour)
                && matches!(param.step, Step::Param { .. })
                && param.span == at
            {
                absorbed.push(neighbour);
                break;
            }
        }
    }
    absorbed
}

/// The comprehension a classification was made in.
fn loop_of(node: &Node) -> Option<crate::source::Span> {
    match &node.step {
        Step::Classify(classified) => classified.in_loop,
        _ => None,
    }
}

/// What makes calls "the same call": the function and the place. Only
/// calls that returned a value fold; a failure is always shown.
fn call_key(node: &Node) -> Option<(&str, &str)> {
    match &node.step {
        Step::Call {
            defined_at,
            outcome: Outcome::Value { .. },
            ..
        } => Some((defined_at.as_str(), node.location.as_str())),
        _ => None,
    }
}

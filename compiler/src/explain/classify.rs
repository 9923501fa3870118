//! Classification steps: what `hours_in`, `hours_on` and `in_class`
//! decided, as explanation nodes.
//!
//! A `TraceEvent::Classify` becomes a `classify` node with the interval
//! measured, the minutes of each class met in it (with the spans that put
//! them there) and every piece of the classification. Two facts come from
//! the IR rather than the trace, found once per explanation by walking the
//! program ([`CallSites`]): the param lookup a call's hours are multiplied
//! by (`ob_enkel at d * hours_on(d, …)`), so that the amount in force
//! stands next to the hours, and the innermost comprehension around the
//! call, by which the text folds a loop's calls into one step.
//!
//! Only building; `text.rs`/`fold.rs` render, `json.rs` serialises.

use std::collections::HashMap;

use serde::Serialize;

use super::show::{code, location, value_text};
use super::tree::{Node, Step};
use crate::builtins::def_of;
use crate::clock;
use crate::eval::Classification;
use crate::eval::windows::Piece;
use crate::ir::{BinOp, Body, Builtin, ClassesInfo, Expr, ExprKind, Program};
use crate::source::Span;
use crate::types::Type;

/// What one `hours_in`, `hours_on` or `in_class` call decided, as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classified {
    /// The call as written: `hours_in(s.start, s.end, ob.enkel)`.
    pub call: String,
    /// `hours_in`, `hours_on` or `in_class`.
    pub builtin: &'static str,
    /// The `classes` item, and the class asked for.
    pub classes: String,
    pub class: String,
    /// The item's `source` reference, and where it is defined.
    pub source: Option<String>,
    pub defined_at: String,
    /// The interval measured, `[start, end)`: for `hours_on` cut to
    /// `day`, for `in_class` the minute that starts at `t`.
    pub start: String,
    pub end: String,
    pub day: Option<String>,
    /// The call's value (`3.25 h`, `true`), and the minutes of the
    /// class asked.
    pub value: String,
    pub minutes: i64,
    /// The minutes of every class met (and of none), first met first.
    pub by_class: Vec<ClassMinutes>,
    /// The interval cut where classes and spans change, in order.
    pub pieces: Vec<ClassPiece>,
    /// The param value the hours are multiplied by, when the call is
    /// one side of a product with a param lookup.
    pub amount: Option<Amount>,
    /// Where that lookup is, to find its step.
    #[serde(skip)]
    pub amount_at: Option<Span>,
    /// The innermost comprehension around the call, which the text
    /// folds into one step.
    #[serde(skip)]
    pub in_loop: Option<Span>,
}

/// The minutes of one class (or of none) in an interval, and the spans
/// that put them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassMinutes {
    /// The class's name; `None` for the minutes no class holds.
    pub class: Option<String>,
    pub minutes: i64,
    /// In the order first met; empty for `None`.
    pub spans: Vec<SpanMinutes>,
}

/// The minutes one span of a class put into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanMinutes {
    #[serde(flatten)]
    pub window: WindowRef,
    pub minutes: i64,
}

/// A span of a class: its number in the class (from 1), its text as
/// written, and its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowRef {
    pub span: usize,
    pub text: String,
    pub location: String,
}

/// One piece of the interval, `[start, end)`, and what holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassPiece {
    pub start: String,
    pub end: String,
    pub minutes: i64,
    /// `None`: no class holds these minutes.
    pub class: Option<String>,
    /// The span of `class` that put the piece there, numbered from 1 as
    /// in [`ClassMinutes::spans`], which has its text and place.
    pub span: Option<usize>,
}

/// The param value a call's hours are multiplied by: the lookup next to
/// it in the same product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub name: String,
    pub source: Option<String>,
    pub at: String,
    pub from: Option<String>,
    pub value: Option<String>,
    pub location: String,
}

/// What the IR says about the places of classification calls.
#[derive(Debug, Default)]
pub(super) struct CallSites {
    /// Call → the param lookup it is multiplied by.
    amounts: HashMap<Span, Span>,
    /// Call → the innermost comprehension whose element or filter holds it.
    loops: HashMap<Span, Span>,
}

impl CallSites {
    pub(super) fn new(program: &Program) -> CallSites {
        let mut sites = CallSites::default();
        for function in &program.functions {
            match &function.body {
                Body::Expr(expr) => sites.walk(expr, None),
                Body::Table(rows) => rows.iter().for_each(|r| sites.walk(&r.result, None)),
                Body::Condition(requirements) => {
                    requirements.iter().for_each(|r| sites.walk(&r.test, None));
                }
                Body::Limit(limit) => {
                    sites.walk(&limit.measured, None);
                    sites.walk(&limit.bound, None);
                }
            }
        }
        sites
    }

    fn walk(&mut self, expr: &Expr, in_loop: Option<Span>) {
        match &expr.kind {
            ExprKind::Builtin { builtin, .. } if is_classifying(*builtin) => {
                if let Some(comprehension) = in_loop {
                    self.loops.insert(expr.span, comprehension);
                }
            }
            ExprKind::Binary(BinOp::Mul, left, right) => {
                for (a, b) in [(left, right), (right, left)] {
                    if let (ExprKind::Param { .. }, ExprKind::Builtin { builtin, .. }) =
                        (&a.kind, &b.kind)
                        && is_classifying(*builtin)
                    {
                        self.amounts.insert(b.span, a.span);
                    }
                }
            }
            _ => {}
        }
        if let ExprKind::Comprehension {
            element,
            list,
            filter,
            ..
        } = &expr.kind
        {
            // The list is made once per pass of the loops around it.
            self.walk(list, in_loop);
            if let Some(filter) = filter {
                self.walk(filter, Some(expr.span));
            }
            self.walk(element, Some(expr.span));
            return;
        }
        for child in super::walk::children(expr) {
            self.walk(child, in_loop);
        }
    }
}

fn is_classifying(builtin: Builtin) -> bool {
    matches!(
        builtin,
        Builtin::HoursIn | Builtin::HoursOn | Builtin::InClass
    )
}

/// The node of one classification.
pub(super) fn node(program: &Program, event: &Classification, sites: &CallSites) -> Node {
    let info = program.classes_info(event.classes);
    let class_name = |class: usize| {
        info.and_then(|i| i.classes.get(class))
            .map_or_else(|| "?".to_string(), |c| c.name.clone())
    };
    let asked = event.class as usize;
    let minutes: i64 = event
        .pieces
        .iter()
        .filter(|p| p.class() == Some(asked))
        .map(Piece::minutes)
        .sum();
    let value = match event.builtin {
        Builtin::InClass => (minutes > 0).to_string(),
        _ => match crate::eval::Number::from_fraction(i128::from(minutes), 60) {
            Ok(hours) => value_text(program, &Type::Hours, &crate::eval::Value::Number(hours)),
            Err(_) => format!("{minutes} min"),
        },
    };
    let pieces = event
        .pieces
        .iter()
        .map(|piece| ClassPiece {
            start: timestamp(piece.start),
            end: timestamp(piece.end),
            minutes: piece.minutes(),
            class: piece.class().map(class_name),
            span: piece.held_by.map(|h| h.span as usize + 1),
        })
        .collect();
    Node {
        step: Step::Classify(Box::new(Classified {
            call: code(program, event.span),
            builtin: def_of(event.builtin).map_or("?", |def| def.name),
            classes: info.map_or_else(|| "?".to_string(), |i| i.name.clone()),
            class: class_name(asked),
            source: info.and_then(|i| i.meta.source.clone()),
            defined_at: info.map_or_else(String::new, |i| location(program, i.span)),
            start: timestamp(event.start),
            end: timestamp(event.end),
            day: event.day.map(|d| d.to_string()),
            value,
            minutes,
            by_class: by_class(program, info, &event.pieces),
            pieces,
            amount: None,
            amount_at: sites.amounts.get(&event.span).copied(),
            in_loop: sites.loops.get(&event.span).copied(),
        })),
        location: location(program, event.span),
        children: Vec::new(),
        span: event.span,
    }
}

/// The minutes of each class met, in the order first met, with the
/// minutes each span gave it.
fn by_class(program: &Program, info: Option<&ClassesInfo>, pieces: &[Piece]) -> Vec<ClassMinutes> {
    let mut classes: Vec<(Option<usize>, ClassMinutes)> = Vec::new();
    for piece in pieces {
        let class = piece.class();
        let at = match classes.iter().position(|(c, _)| *c == class) {
            Some(at) => at,
            None => {
                let name = class.map(|c| {
                    info.and_then(|i| i.classes.get(c))
                        .map_or_else(|| "?".to_string(), |c| c.name.clone())
                });
                classes.push((
                    class,
                    ClassMinutes {
                        class: name,
                        minutes: 0,
                        spans: Vec::new(),
                    },
                ));
                classes.len() - 1
            }
        };
        let Some((_, entry)) = classes.get_mut(at) else {
            continue;
        };
        entry.minutes += piece.minutes();
        let Some(holder) = piece.held_by else {
            continue;
        };
        let number = holder.span as usize + 1;
        match entry.spans.iter_mut().find(|s| s.window.span == number) {
            Some(span) => span.minutes += piece.minutes(),
            None => {
                if let Some(window) = info.and_then(|i| {
                    window_ref(program, i, holder.class as usize, holder.span as usize)
                }) {
                    entry.spans.push(SpanMinutes {
                        window,
                        minutes: piece.minutes(),
                    });
                }
            }
        }
    }
    classes.into_iter().map(|(_, minutes)| minutes).collect()
}

fn window_ref(
    program: &Program,
    info: &ClassesInfo,
    class: usize,
    span: usize,
) -> Option<WindowRef> {
    let window = info.classes.get(class)?.spans.get(span)?;
    Some(WindowRef {
        span: span + 1,
        text: program.window_text(window),
        location: location(program, window.span),
    })
}

/// A minute number as `2026-06-05T18:30`.
fn timestamp(minutes: i64) -> String {
    clock::timestamp_of_minutes(minutes)
        .map_or_else(|| format!("minute {minutes}"), clock::format_timestamp)
}

/// Give each classification multiplied by a param lookup the amount that
/// lookup found: the lookup is the step just before the call (`p at d *
/// hours_on(…)`) or just after it (`hours_on(…) * p at d`). Recursive.
pub(super) fn attach_amounts(nodes: &mut [Node]) {
    for node in nodes.iter_mut() {
        attach_amounts(&mut node.children);
    }
    for index in 0..nodes.len() {
        let Some(Node {
            step: Step::Classify(classified),
            ..
        }) = nodes.get(index)
        else {
            continue;
        };
        let Some(at) = classified.amount_at else {
            continue;
        };
        let neighbours = [index.checked_sub(1), index.checked_add(1)];
        let found = neighbours
            .into_iter()
            .flatten()
            .filter_map(|i| nodes.get(i))
            .find_map(|n| match &n.step {
                Step::Param {
                    name,
                    source,
                    at: date,
                    from,
                    value,
                } if n.span == at => Some(Amount {
                    name: name.clone(),
                    source: source.clone(),
                    at: date.clone(),
                    from: from.clone(),
                    value: value.clone(),
                    location: n.location.clone(),
                }),
                _ => None,
            });
        if let Some(Node {
            step: Step::Classify(classified),
            ..
        }) = nodes.get_mut(index)
        {
            classified.amount = found;
        }
    }
}

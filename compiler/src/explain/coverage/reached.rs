//! The points one trace touched.

use std::collections::HashSet;

use super::Point;
use crate::eval::{Classification, Trace, TraceEvent};

/// Add every point `trace` reached to `reached`.
pub(super) fn collect(trace: &Trace, reached: &mut HashSet<Point>) {
    for event in &trace.events {
        let point = match event {
            TraceEvent::Enter { func, .. } => Point::Called(*func),
            TraceEvent::If { span, taken } => Point::Branch(*span, *taken),
            TraceEvent::Match { span, arm, .. } => Point::Arm(*span, *arm),
            // Only the row that matched was chosen; the rows tested before
            // it were not "exercised" as results.
            TraceEvent::Row {
                func,
                row,
                failed_cell: None,
            } => Point::Row(*func, *row),
            TraceEvent::Requirement {
                func,
                index,
                passed,
            } => Point::Requirement(*func, *index, *passed),
            TraceEvent::Param {
                param,
                period: Some(period),
                ..
            } => Point::Period(*param, *period),
            TraceEvent::Classify(classification) => {
                classified(classification, reached);
                continue;
            }
            TraceEvent::Exit { .. } | TraceEvent::Row { .. } | TraceEvent::Param { .. } => {
                continue;
            }
        };
        reached.insert(point);
    }
}

/// A class is reached when it holds a minute of the interval, a span when
/// it put a minute in its class (as a table row counts when it gives the
/// result: a span outranked by another class, or by an earlier span of
/// its own class, decided nothing). The day rules the classification
/// asked were called, through the interpreter's memory of earlier days
/// or not.
fn classified(classification: &Classification, reached: &mut HashSet<Point>) {
    for holder in classification.pieces.iter().filter_map(|p| p.held_by) {
        reached.insert(Point::Class(classification.classes, holder.class));
        reached.insert(Point::Span(
            classification.classes,
            holder.class,
            holder.span,
        ));
    }
    for func in &classification.selectors {
        reached.insert(Point::Called(*func));
    }
}

//! The points one trace touched.

use std::collections::HashSet;

use super::Point;
use crate::eval::{Trace, TraceEvent};

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
            TraceEvent::Exit { .. }
            | TraceEvent::Row { .. }
            | TraceEvent::Param { .. }
            | TraceEvent::Classify(_) => {
                continue;
            }
        };
        reached.insert(point);
    }
}

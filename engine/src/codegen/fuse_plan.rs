//! Which blocks `fuse.rs` fuses, and the role of each member: read from
//! the IR and the translator's frame (which locals hold run-time lists),
//! without emitting code.
//!
//! A member is a **loop** member when it is `let x = sum/count/all/any(LIST)`
//! or `refuse for … in LIST` with LIST made from the block's one input list
//! and mentioning no loop or after member's local; a **before** member when
//! it has no loop and no call (or is a `filter` that cannot fail), so its
//! cost does not depend on the input; else an **after** member. A block is
//! fused when it has two loop members or more.

use std::collections::{BTreeMap, BTreeSet};

use cranelift_codegen::ir::Value;

use super::day_memo::push_children;
use super::seq::{Source, cannot_fail};
use super::translate::{FunctionTranslator, Val};
use avtal_compiler::ir::{Aggregate, Builtin, Expr, ExprKind, LocalId};

/// One statement of a block: `let local = value` or `refuse if test`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item<'a> {
    Let { local: LocalId, value: &'a Expr },
    Refuse { test: &'a Expr },
}

impl<'a> Item<'a> {
    pub(super) fn expr(self) -> &'a Expr {
        match self {
            Item::Let { value, .. } => value,
            Item::Refuse { test } => test,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Before,
    Loop,
    After,
}

/// A block whose loops are fused: its members in source order and the
/// expression after them.
pub(super) struct Plan<'a> {
    pub(super) members: Vec<(Item<'a>, Role)>,
    pub(super) tail: &'a Expr,
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// The plan for the block starting at `expr` (a `let` or a `refuse`),
    /// when at least two of its aggregates fold the same input list.
    pub(super) fn fusion_plan(&self, expr: &'a Expr) -> Option<Plan<'a>> {
        if !self.fuse_loops {
            return None;
        }
        let mut members = Vec::new();
        // Locals of loop and after members: not known before the loop.
        let mut late: BTreeSet<u32> = BTreeSet::new();
        // Run-time lists bound by `before` members, by their input list.
        let mut seq_locals: BTreeMap<u32, Value> = BTreeMap::new();
        let mut root: Option<Value> = None;
        let mut current = expr;
        loop {
            let (item, body) = match &current.kind {
                ExprKind::Let { local, value, body } => (
                    Item::Let {
                        local: *local,
                        value,
                    },
                    body,
                ),
                ExprKind::Refuse { test, body, .. } => (Item::Refuse { test }, body),
                _ => break,
            };
            let role = if mentions(item.expr(), &late) {
                Role::After
            } else if let Some(address) = self.loop_list(item, &seq_locals)
                && *root.get_or_insert(address) == address
            {
                Role::Loop
            } else if loop_free(item.expr()) || self.cheap_seq(item, &seq_locals) {
                Role::Before
            } else {
                Role::After
            };
            if let Item::Let { local, value } = item {
                if role == Role::Before {
                    if let Some(address) = self.seq_root(value, &seq_locals) {
                        seq_locals.insert(local.0, address);
                    }
                } else {
                    late.insert(local.0);
                }
            }
            members.push((item, role));
            current = body;
        }
        let loops = members.iter().filter(|(_, r)| *r == Role::Loop).count();
        (loops >= 2).then_some(Plan {
            members,
            tail: current,
        })
    }

    /// The input list a loop member folds (its address), if `item` is one:
    /// `sum`, `count`, `all` or `any` of a list made from an input list, or
    /// a refusal over one.
    fn loop_list(&self, item: Item<'a>, seq_locals: &BTreeMap<u32, Value>) -> Option<Value> {
        let ExprKind::Aggregate(aggregate, list) = &item.expr().kind else {
            return None;
        };
        let fits = match item {
            Item::Let { .. } => !matches!(aggregate, Aggregate::Min | Aggregate::Max),
            Item::Refuse { .. } => *aggregate == Aggregate::Any,
        };
        fits.then(|| self.seq_root(list, seq_locals)).flatten()
    }

    /// The address of the input list `list` is made from, without code:
    /// the input list itself, a local bound to one, or comprehensions over
    /// them.
    fn seq_root(&self, list: &Expr, seq_locals: &BTreeMap<u32, Value>) -> Option<Value> {
        match &list.kind {
            ExprKind::Comprehension { list, .. } => self.seq_root(list, seq_locals),
            ExprKind::Local(local) => match seq_locals.get(&local.0) {
                Some(address) => Some(*address),
                None => match self.frame_value(*local)? {
                    Val::Seq(seq) => self.records_address(*seq),
                    _ => None,
                },
            },
            ExprKind::Field(record, index) => {
                let ExprKind::Local(local) = &record.kind else {
                    return None;
                };
                match self.frame_value(*local)? {
                    Val::Record(fields) => match fields.get(*index as usize)? {
                        Val::Seq(seq) => self.records_address(*seq),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn frame_value(&self, local: LocalId) -> Option<&Val> {
        self.frames.last()?.get(local.0 as usize)?.as_ref()
    }

    fn records_address(&self, seq: usize) -> Option<Value> {
        match self.seqs.get(seq)?.source {
            Source::Records { address, .. } => Some(address),
            Source::Days { .. } => None,
        }
    }

    /// A `let` of a comprehension over an input list that cannot fail
    /// (`filter(r.shifts, s => s.kind == ordinary)`): binding it makes no
    /// code.
    fn cheap_seq(&self, item: Item<'a>, seq_locals: &BTreeMap<u32, Value>) -> bool {
        let Item::Let { value, .. } = item else {
            return false;
        };
        let mut current = value;
        while let ExprKind::Comprehension {
            element,
            list,
            filter,
            ..
        } = &current.kind
        {
            if !cannot_fail(element) || filter.as_deref().is_some_and(|f| !cannot_fail(f)) {
                return false;
            }
            current = list;
        }
        self.seq_root(value, seq_locals).is_some()
    }
}

/// Whether `expr` reads one of `locals`.
fn mentions(expr: &Expr, locals: &BTreeSet<u32>) -> bool {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        if let ExprKind::Local(local) = &e.kind
            && locals.contains(&local.0)
        {
            return true;
        }
        push_children(e, &mut stack);
    }
    false
}

/// Whether `expr` has no loop and no call: its cost does not depend on
/// the input, so it may be computed before the fused loop.
fn loop_free(expr: &Expr) -> bool {
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        let ok = match &e.kind {
            ExprKind::Builtin { builtin, .. } => !matches!(
                builtin,
                Builtin::HoursIn | Builtin::HoursOn | Builtin::InClass | Builtin::DaysOf
            ),
            ExprKind::Call { .. }
            | ExprKind::Comprehension { .. }
            | ExprKind::Aggregate(..)
            | ExprKind::Refuse { .. }
            | ExprKind::ExpectRefused { .. }
            | ExprKind::Error => false,
            _ => true,
        };
        if !ok {
            return false;
        }
        push_children(e, &mut stack);
    }
    true
}

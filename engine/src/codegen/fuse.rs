//! One loop for the aggregates of a block over one input list (JIT only).
//!
//! W2 as written walks its shifts ten times: three refusals, three OB
//! classes, the OB pay, overtime, qualified overtime and mertid each fold
//! `r.shifts` (or a `filter` of it) in their own loop. A chain of `let`s and
//! `refuse`s (a block) whose aggregates fold the same input list becomes
//! one loop here: each element is loaded once, and every aggregate's stages
//! (its filters, its element) and step run for it, in source order.
//!
//! The members of the chain take one of three roles:
//! - **loop**: `let x = sum/count/all/any(LIST)` and `refuse for … in LIST`,
//!   where LIST is made from the one input list and mentions no local of a
//!   loop or later member; a refusal's test ends the record at the first
//!   element it holds for, before the later members' steps for that
//!   element, so a refused shift (24 hours or more, reversed) is never
//!   classified, as in the interpreter;
//! - **before**: a `let` or `refuse` without loops or calls (`r.period + 1
//!   month`, `r.salary / r.rate`, a `filter` that cannot fail), computed
//!   before the loop: each costs a few instructions, whatever the input;
//! - **after**: everything else, in source order after the loop.
//!
//! Why the JIT only: the members' failures may come in another order than
//! the interpreter's (an overflow of a later sum before an error of an
//! earlier one). Any failure sends a JIT record to the interpreter, which
//! reports the first error in its own order, so the engine's answer is the
//! interpreter's whatever failed first here; and a record computed here had
//! no failure in any member, so the interpreter has none either and every
//! value is the one it computes. A library of `avtal build` returns the
//! failure's own code with no interpreter behind it, so it keeps one loop
//! per aggregate.

use std::collections::{BTreeMap, BTreeSet};

use cranelift_codegen::ir::{BlockArg, InstBuilder, Value, condcodes::IntCC, types};

use super::day_memo::push_children;
use super::numeric::Checked;
use super::seq::{SeqDef, Source, cannot_fail, first};
use super::translate::{FunctionTranslator, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::ir::{Aggregate, Builtin, Expr, ExprKind, LocalId};

#[cfg(test)]
thread_local! {
    /// The number of loop members of each block fused on this thread.
    pub(super) static FUSED: std::cell::RefCell<Vec<usize>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// One statement of a block: `let local = value` or `refuse if test`.
#[derive(Debug, Clone, Copy)]
enum Item<'a> {
    Let { local: LocalId, value: &'a Expr },
    Refuse { test: &'a Expr },
}

impl<'a> Item<'a> {
    fn expr(self) -> &'a Expr {
        match self {
            Item::Let { value, .. } => value,
            Item::Refuse { test } => test,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Before,
    Loop,
    After,
}

/// A block whose loops are fused: its members in source order and the
/// expression after them.
pub(super) struct Plan<'a> {
    members: Vec<(Item<'a>, Role)>,
    tail: &'a Expr,
}

/// One aggregate of the fused loop, with its running state.
struct Folding<'a> {
    def: SeqDef<'a>,
    aggregate: Aggregate,
    /// A refusal's `any`: no state, the record ends where it holds.
    refusal: bool,
    state: Vec<Value>,
    /// For `sum`: the elements' scale and constant denominator.
    sum_shape: Option<(u32, Option<i64>)>,
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

    /// The block of `plan`: its `before` members, one loop for its loop
    /// members, its `after` members, then the rest. Each member is
    /// translated at the depth the nested `let`s would give it.
    pub(super) fn translate_fused(&mut self, plan: Plan<'a>) -> Result<Val> {
        let base = self.depth;
        let depth_of = |index: usize| base.saturating_add(u32::try_from(index).unwrap_or(u32::MAX));
        for (index, (item, role)) in plan.members.iter().enumerate() {
            if *role == Role::Before {
                self.depth = depth_of(index);
                self.translate_item(*item)?;
            }
        }
        let mut foldings = Vec::new();
        let mut locals = Vec::new();
        for (index, (item, role)) in plan.members.iter().enumerate() {
            if *role != Role::Loop {
                continue;
            }
            self.depth = depth_of(index);
            let (local, aggregate, list, refusal) = match *item {
                Item::Let { local, value } => match &value.kind {
                    ExprKind::Aggregate(aggregate, list) => (Some(local), *aggregate, list, false),
                    _ => return Err(CodegenError::Internal("a fused member without its list")),
                },
                Item::Refuse { test } => match &test.kind {
                    ExprKind::Aggregate(aggregate, list) => (None, *aggregate, list, true),
                    _ => return Err(CodegenError::Internal("a fused member without its list")),
                },
            };
            let Val::Seq(seq) = self.translate_expr(list)? else {
                return Err(CodegenError::Internal(
                    "a fused list that is not a run-time list",
                ));
            };
            let def = self.seqs.get(seq).cloned().ok_or(CodegenError::Internal(
                "a run-time list that does not exist",
            ))?;
            foldings.push(Folding {
                def,
                aggregate,
                refusal,
                state: Vec::new(),
                sum_shape: None,
            });
            locals.push(local);
        }
        #[cfg(test)]
        FUSED.with(|f| f.borrow_mut().push(foldings.len()));
        self.fused_fold(&mut foldings)?;
        for (folding, local) in foldings.iter().zip(locals) {
            let value = self.folded_value(folding)?;
            if let Some(local) = local {
                self.bind(local, value)?;
            }
        }
        for (index, (item, role)) in plan.members.iter().enumerate() {
            if *role == Role::After {
                self.depth = depth_of(index);
                self.translate_item(*item)?;
            }
        }
        self.depth = depth_of(plan.members.len());
        let result = self.translate_expr(plan.tail);
        self.depth = base;
        result
    }

    /// A member on its own, as `translate_let` / `translate_refuse` do.
    fn translate_item(&mut self, item: Item<'a>) -> Result<()> {
        match item {
            Item::Let { local, value } => {
                let value = self.translate_expr(value)?;
                if let Val::Seq(seq) = value {
                    self.seq_made_once(seq)?;
                }
                self.bind(local, value)
            }
            Item::Refuse { test } => {
                let Val::Bool(refused) = self.translate_expr(test)? else {
                    return Err(CodegenError::Internal(
                        "a refusal's test that is not a bool",
                    ));
                };
                self.fail_if_because(refused, NativeStatus::Refused);
                Ok(())
            }
        }
    }

    /// One loop over the input list of every folding: per element, each
    /// folding's stages and step in turn; a folding whose filter drops the
    /// element keeps its state.
    fn fused_fold(&mut self, foldings: &mut [Folding<'a>]) -> Result<()> {
        let Some(Source::Records {
            address,
            len,
            element,
        }) = foldings.first().map(|f| f.def.source.clone())
        else {
            return Err(CodegenError::Internal("a fused loop without an input list"));
        };
        let mut init = Vec::new();
        for folding in foldings.iter_mut() {
            folding.state = match (folding.refusal, folding.aggregate) {
                (true, _) => Vec::new(),
                (false, Aggregate::Sum | Aggregate::Count) => {
                    vec![self.builder.ins().iconst(types::I64, 0)]
                }
                (false, Aggregate::All) => vec![self.builder.ins().iconst(types::I8, 1)],
                (false, Aggregate::Any) => vec![self.builder.ins().iconst(types::I8, 0)],
                (false, Aggregate::Min | Aggregate::Max) => {
                    return Err(CodegenError::Internal("`min`/`max` in a fused loop"));
                }
            };
            init.extend(folding.state.iter().copied());
        }
        let state_types: Vec<types::Type> = init
            .iter()
            .map(|v| self.builder.func.dfg.value_type(*v))
            .collect();
        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let latch = self.builder.create_block();
        let exit = self.builder.create_block();
        self.builder.append_block_param(header, types::I64);
        for ty in &state_types {
            self.builder.append_block_param(header, *ty);
            self.builder.append_block_param(latch, *ty);
            self.builder.append_block_param(exit, *ty);
        }
        let zero = self.builder.ins().iconst(types::I64, 0);
        let mut args: Vec<BlockArg> = vec![zero.into()];
        args.extend(init.iter().map(|v| BlockArg::from(*v)));
        self.builder.ins().jump(header, &args);

        self.builder.switch_to_block(header);
        let params = self.builder.block_params(header).to_vec();
        let (index, state) = params
            .split_first()
            .ok_or(CodegenError::Internal("a loop without its counter"))?;
        let (index, state) = (*index, state.to_vec());
        self.scatter(foldings, &state);
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, index, len);
        let state_args: Vec<BlockArg> = state.iter().map(|v| BlockArg::from(*v)).collect();
        self.builder.ins().brif(more, body, &[], exit, &state_args);
        self.builder.seal_block(body);
        self.builder.switch_to_block(body);
        let offset = self
            .builder
            .ins()
            .imul_imm_s(index, i64::try_from(element.stride).unwrap_or(i64::MAX));
        let at = self.builder.ins().iadd(address, offset);
        let loaded = self.load_element(&element, at);

        for folding in foldings.iter_mut() {
            self.fold_one(folding, loaded.clone())?;
        }
        let next_state: Vec<BlockArg> = foldings
            .iter()
            .flat_map(|f| f.state.iter().map(|v| BlockArg::from(*v)))
            .collect();
        self.builder.ins().jump(latch, &next_state);

        self.builder.seal_block(latch);
        self.builder.switch_to_block(latch);
        let carried = self.builder.block_params(latch).to_vec();
        let next = self.builder.ins().iadd_imm_s(index, 1);
        let mut args: Vec<BlockArg> = vec![next.into()];
        args.extend(carried.iter().map(|v| BlockArg::from(*v)));
        self.builder.ins().jump(header, &args);
        self.builder.seal_block(header);
        self.builder.seal_block(exit);
        self.builder.switch_to_block(exit);
        let out = self.builder.block_params(exit).to_vec();
        self.scatter(foldings, &out);
        Ok(())
    }

    /// Hand each folding its part of the flattened `state`.
    fn scatter(&self, foldings: &mut [Folding<'a>], state: &[Value]) {
        let mut rest = state;
        for folding in foldings.iter_mut() {
            let n = folding.state.len().min(rest.len());
            let (own, others) = rest.split_at(n);
            folding.state = own.to_vec();
            rest = others;
        }
    }

    /// One folding's stages and step for the element `loaded`; the
    /// builder goes on in a block where its state is the new one.
    fn fold_one(&mut self, folding: &mut Folding<'a>, loaded: Val) -> Result<()> {
        let go_on = self.builder.create_block();
        for value in &folding.state {
            let ty = self.builder.func.dfg.value_type(*value);
            self.builder.append_block_param(go_on, ty);
        }
        let kept: Vec<BlockArg> = folding.state.iter().map(|v| BlockArg::from(*v)).collect();
        let mut element = loaded;
        for stage in &folding.def.stages {
            let mut frame = stage.frame.clone();
            if let Some(slot) = frame.get_mut(stage.binder.0 as usize) {
                *slot = Some(element);
            } else {
                return Err(CodegenError::Internal("a binder outside its frame"));
            }
            self.frames.push(frame);
            let made = self.stage_element(stage, go_on, &kept);
            self.frames.pop();
            element = made?;
        }
        let next = self.fused_step(folding, element)?;
        let next: Vec<BlockArg> = next.iter().map(|v| BlockArg::from(*v)).collect();
        self.builder.ins().jump(go_on, &next);
        self.builder.seal_block(go_on);
        self.builder.switch_to_block(go_on);
        folding.state = self.builder.block_params(go_on).to_vec();
        Ok(())
    }

    /// The next state of `folding` after `element`, as `seq_aggregate`'s
    /// steps compute it.
    fn fused_step(&mut self, folding: &mut Folding<'a>, element: Val) -> Result<Vec<Value>> {
        if folding.refusal {
            let Val::Bool(holds) = element else {
                return Err(CodegenError::Internal(
                    "a refusal's test that is not a bool",
                ));
            };
            self.fail_if_because(holds, NativeStatus::Refused);
            return Ok(Vec::new());
        }
        let acc = first(&folding.state)?;
        Ok(vec![match (folding.aggregate, element) {
            (Aggregate::Count, _) => self.builder.ins().iadd_imm_s(acc, 1),
            (Aggregate::All, Val::Bool(b)) => self.builder.ins().band(acc, b),
            (Aggregate::Any, Val::Bool(b)) => self.builder.ins().bor(acc, b),
            (Aggregate::Sum, Val::Num { v, scale }) => {
                folding.sum_shape = Some((scale, None));
                self.checked(Checked::Add, acc, v)
            }
            (Aggregate::Sum, Val::Ratio { num, den, scale }) => match self.known(den) {
                Some(d) => {
                    folding.sum_shape = Some((scale, Some(d)));
                    self.checked(Checked::Add, acc, num)
                }
                None => {
                    return Err(CodegenError::Unsupported(
                        "a sum of fractions with run-time denominators",
                    ));
                }
            },
            _ => return Err(CodegenError::Internal("a fused aggregate of other values")),
        }])
    }

    /// The aggregate's value after the loop.
    fn folded_value(&mut self, folding: &Folding<'a>) -> Result<Val> {
        if folding.refusal {
            return Ok(Val::Absent);
        }
        let acc = first(&folding.state)?;
        Ok(match (folding.aggregate, folding.sum_shape) {
            (Aggregate::Count, _) => Val::Num { v: acc, scale: 0 },
            (Aggregate::All | Aggregate::Any, _) => Val::Bool(acc),
            (Aggregate::Sum, Some((scale, Some(den)))) => Val::Ratio {
                num: acc,
                den: self.builder.ins().iconst(types::I64, den),
                scale,
            },
            (Aggregate::Sum, Some((scale, None))) => Val::Num { v: acc, scale },
            (Aggregate::Sum, None) => Val::Num { v: acc, scale: 0 },
            _ => return Err(CodegenError::Internal("`min`/`max` in a fused loop")),
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

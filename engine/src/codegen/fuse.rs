//! One loop for the aggregates of a block over one input list (JIT only).
//!
//! W2 as written walks its shifts ten times: three refusals, three OB
//! classes, the OB pay, overtime, qualified overtime and mertid each fold
//! `r.shifts` (or a `filter` of it) in their own loop. A chain of `let`s and
//! `refuse`s (a block) whose aggregates fold the same input list becomes
//! one loop here: each element is loaded once, and every aggregate's stages
//! (its filters, its element) and step run for it, in source order.
//! Consecutive aggregates over the same `let`-bound list make its element
//! once (one filter, one branch), and where two or more of them take
//! `hours_in(x.a, x.b, C)` of the same fields (W2's OB classes), that
//! interval is classified once for every class of C's item before their
//! steps, which read the minutes (`known_walks`).
//!
//! The members of the chain take one of three roles:
//! - **loop**: `let x = sum/count/all/any(LIST)` and `refuse for … in LIST`,
//!   where LIST is made from the one input list and mentions no local of a
//!   loop or later member; a refusal's test ends the record at the first
//!   element it holds for, before the later members' steps for that
//!   element, so a refused shift (over 24 hours, reversed) is never
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

use cranelift_codegen::ir::{BlockArg, InstBuilder, Value, types};

use super::fuse_plan::{Item, Plan, Role};
use super::numeric::Checked;
use super::seq::{SeqDef, Source, first};
use super::translate::{FunctionTranslator, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::ir::{Aggregate, Builtin, ClassesId, Const, Expr, ExprKind};

#[cfg(test)]
thread_local! {
    /// The number of loop members of each block fused on this thread.
    pub(super) static FUSED: std::cell::RefCell<Vec<usize>> =
        const { std::cell::RefCell::new(Vec::new()) };
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
                if let Item::Let { local, .. } = item {
                    self.anchor_local(*local)?;
                }
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

    /// Keep a `before` member's words where they are computed. Cranelift
    /// places pure instructions at their uses and hoists them out of loops,
    /// except chains that meet an instruction it rematerialises (an add of
    /// a constant): W2's `r.period + 1 month` (about 50 instructions) was
    /// computed again for every shift. `sadd_overflow` with 0, whose first
    /// result is the word itself, is not moved (two results), so the chain
    /// ends before the loop.
    fn anchor_local(&mut self, local: avtal_compiler::ir::LocalId) -> Result<()> {
        let anchor = |this: &mut Self, v: Value| {
            if this.builder.func.dfg.value_type(v) != types::I64 || this.known(v).is_some() {
                return v;
            }
            let zero = this.builder.ins().iconst(types::I64, 0);
            let (word, _) = this.builder.ins().sadd_overflow(v, zero);
            word
        };
        let anchored = match self.frames.last().and_then(|f| f.get(local.0 as usize)) {
            Some(Some(Val::Date(v))) => Val::Date(*v),
            Some(Some(Val::Num { v, scale })) => Val::Num {
                v: *v,
                scale: *scale,
            },
            Some(Some(Val::Ratio { num, den, scale })) => Val::Ratio {
                num: *num,
                den: *den,
                scale: *scale,
            },
            _ => return Ok(()),
        };
        let anchored = match anchored {
            Val::Date(v) => Val::Date(anchor(self, v)),
            Val::Num { v, scale } => Val::Num {
                v: anchor(self, v),
                scale,
            },
            Val::Ratio { num, den, scale } => Val::Ratio {
                num: anchor(self, num),
                den: anchor(self, den),
                scale,
            },
            other => other,
        };
        self.bind(local, anchored)
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
        let counted = self.open_loop(len, &init)?;
        let index = counted.index;
        self.scatter(foldings, &counted.state);
        let offset = self
            .builder
            .ins()
            .imul_imm_s(index, i64::try_from(element.stride).unwrap_or(i64::MAX));
        let at = self.builder.ins().iadd(address, offset);
        let loaded = self.load_element(&element, at);

        let outer = std::mem::replace(&mut self.in_fused_loop, true);
        let folded = self.fold_groups(foldings, &loaded);
        self.in_fused_loop = outer;
        folded?;
        let next_state: Vec<Value> = foldings
            .iter()
            .flat_map(|f| f.state.iter().copied())
            .collect();
        let out = self.close_loop(counted, &next_state);
        self.scatter(foldings, &out);
        Ok(())
    }

    /// The foldings' steps for one element, in order; consecutive
    /// foldings over the same made list (W2's four over `ordinary_shifts`)
    /// make it once: one filter, one branch.
    fn fold_groups(&mut self, foldings: &mut [Folding<'a>], loaded: &Val) -> Result<()> {
        let mut start = 0;
        while let Some(head) = foldings.get(start) {
            let shared = head.def.stages.len().saturating_sub(1);
            let mut end = start + 1;
            while foldings
                .get(end)
                .is_some_and(|f| same_stages(&head.def, &f.def, shared))
            {
                end += 1;
            }
            let group = foldings
                .get_mut(start..end)
                .ok_or(CodegenError::Internal("a fused group out of range"))?;
            self.fold_group(group, shared, loaded.clone())?;
            start = end;
        }
        Ok(())
    }

    /// A group of foldings whose first `shared` stages are the same: those
    /// stages once (an element they drop keeps every state), each interval
    /// the group's `hours_in` calls classify walked once for all classes,
    /// then each folding's own stage and step.
    fn fold_group(&mut self, group: &mut [Folding<'a>], shared: usize, loaded: Val) -> Result<()> {
        let skip = self.builder.create_block();
        let mut kept: Vec<BlockArg> = Vec::new();
        for folding in group.iter() {
            for value in &folding.state {
                let ty = self.builder.func.dfg.value_type(*value);
                self.builder.append_block_param(skip, ty);
                kept.push(BlockArg::from(*value));
            }
        }
        let mut element = loaded;
        let prefix: Vec<_> = group
            .first()
            .map(|f| f.def.stages.iter().take(shared).cloned().collect())
            .unwrap_or_default();
        for stage in &prefix {
            element = self.in_stage(stage, element, |this, stage| {
                this.stage_element(stage, skip, &kept)
            })?;
        }
        let known = self.known_walks.len();
        let walked = self.walk_shared_intervals(group, shared, &element);
        let folded = walked.and_then(|()| {
            group
                .iter_mut()
                .try_for_each(|folding| self.fold_one(folding, shared, element.clone()))
        });
        self.known_walks.truncate(known);
        folded?;
        let after: Vec<BlockArg> = group
            .iter()
            .flat_map(|f| f.state.iter().map(|v| BlockArg::from(*v)))
            .collect();
        self.builder.ins().jump(skip, &after);
        self.builder.seal_block(skip);
        self.builder.switch_to_block(skip);
        let params = self.builder.block_params(skip).to_vec();
        self.scatter(group, &params);
        Ok(())
    }

    /// `make(stage)` with the stage's frame, its binder bound to `element`.
    fn in_stage(
        &mut self,
        stage: &super::seq::Stage<'a>,
        element: Val,
        make: impl FnOnce(&mut Self, &super::seq::Stage<'a>) -> Result<Val>,
    ) -> Result<Val> {
        let mut frame = stage.frame.clone();
        match frame.get_mut(stage.binder.0 as usize) {
            Some(slot) => *slot = Some(element),
            None => return Err(CodegenError::Internal("a binder outside its frame")),
        }
        self.frames.push(frame);
        let made = make(self, stage);
        self.frames.pop();
        made
    }

    /// Where two or more foldings of a group take `hours_in(x.a, x.b, C)`
    /// of the same fields of the element (W2's three OB classes), one
    /// memo probe for every class of C's item, before their steps, which
    /// read it (`known_walks`). Each such folding would classify the
    /// interval first thing, failing where this fails.
    fn walk_shared_intervals(
        &mut self,
        group: &[Folding<'a>],
        shared: usize,
        element: &Val,
    ) -> Result<()> {
        let mut seen: Vec<(ClassesId, u32, u32)> = Vec::new();
        let mut twice: Vec<(ClassesId, u32, u32)> = Vec::new();
        for folding in group {
            if let Some(key) = folding.def.stages.get(shared).and_then(classified_fields) {
                if seen.contains(&key) {
                    if !twice.contains(&key) {
                        twice.push(key);
                    }
                } else {
                    seen.push(key);
                }
            }
        }
        let Val::Record(fields) = element else {
            return Ok(());
        };
        for (classes, lo_field, hi_field) in twice {
            let (Some(Val::Date(lo)), Some(Val::Date(hi))) =
                (fields.get(lo_field as usize), fields.get(hi_field as usize))
            else {
                continue;
            };
            let (lo, hi) = (*lo, *hi);
            if let Some(minutes) = self.class_minutes_all(classes, lo, hi, None)? {
                self.known_walks.push((classes, None, lo, hi, minutes));
            }
        }
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

    /// One folding's stages from `from` on and its step for `element`;
    /// the builder goes on in a block where its state is the new one.
    fn fold_one(&mut self, folding: &mut Folding<'a>, from: usize, element: Val) -> Result<()> {
        let go_on = self.builder.create_block();
        for value in &folding.state {
            let ty = self.builder.func.dfg.value_type(*value);
            self.builder.append_block_param(go_on, ty);
        }
        let kept: Vec<BlockArg> = folding.state.iter().map(|v| BlockArg::from(*v)).collect();
        let mut element = element;
        let stages: Vec<_> = folding.def.stages.iter().skip(from).cloned().collect();
        for stage in &stages {
            element = self.in_stage(stage, element, |this, stage| {
                this.stage_element(stage, go_on, &kept)
            })?;
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
}

/// Whether the first `shared` stages of `a` and `b` are the same
/// comprehensions (the same expressions, so the same frame: a list bound
/// by `let` and folded twice), and `b` has one stage more, as `a` has.
fn same_stages(a: &SeqDef<'_>, b: &SeqDef<'_>, shared: usize) -> bool {
    let same_source = match (&a.source, &b.source) {
        (Source::Records { address: x, .. }, Source::Records { address: y, .. }) => x == y,
        _ => false,
    };
    same_source
        && a.stages.len() == b.stages.len()
        && a.stages.iter().zip(&b.stages).take(shared).all(|(x, y)| {
            x.binder == y.binder
                && std::ptr::eq(x.element, y.element)
                && match (x.filter, y.filter) {
                    (Some(f), Some(g)) => std::ptr::eq(f, g),
                    (None, None) => true,
                    _ => false,
                }
        })
}

/// A stage without a filter whose element is `hours_in(x.a, x.b, C)` of
/// its binder `x`: C's item and the fields `a`, `b`.
fn classified_fields(stage: &super::seq::Stage<'_>) -> Option<(ClassesId, u32, u32)> {
    if stage.filter.is_some() {
        return None;
    }
    let ExprKind::Builtin {
        builtin: Builtin::HoursIn,
        args,
    } = &stage.element.kind
    else {
        return None;
    };
    let [lo, hi, class] = args.as_slice() else {
        return None;
    };
    let field_of_binder = |e: &Expr| match &e.kind {
        ExprKind::Field(record, index) => {
            matches!(&record.kind, ExprKind::Local(l) if *l == stage.binder).then_some(*index)
        }
        _ => None,
    };
    let ExprKind::Const(Const::Class { classes, .. }) = &class.kind else {
        return None;
    };
    Some((*classes, field_of_binder(lo)?, field_of_binder(hi)?))
}

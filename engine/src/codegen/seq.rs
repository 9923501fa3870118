//! Lists whose length is known only at run time: an input list of
//! records (a month's shifts), `days_of(start, end)`, and comprehensions
//! (so `filter`) over them.
//!
//! Such a list is never built. A [`Val::Seq`] names its source and the
//! comprehensions stacked on it, and the aggregate that uses it (`sum`,
//! `count`, `all`, `any`, `min`, `max`) becomes a loop that makes each
//! element in turn, in order, and folds it, as the interpreter's aggregate
//! over a comprehension does: the filter and the element are evaluated
//! only for elements that are there. A list bound by `let` is made again
//! at each use (it is pure), and once where it is bound, so that it fails
//! where the interpreter's eager `let` fails.
//!
//! A comprehension keeps the frame it was written in (its locals are SSA
//! values defined before any use of the list), and binds its binder in a
//! copy of that frame inside the loop.

use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, Value, condcodes::IntCC, types};

use super::layout::RecordLayout;
use super::numeric::Checked;
use super::translate::{FunctionTranslator, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::ir::{Aggregate, BinOp, Expr, ExprKind, LocalId, UnOp};
use avtal_compiler::types::Type;

/// A run-time list: its source and the comprehensions over it.
#[derive(Debug, Clone)]
pub(super) struct SeqDef<'a> {
    pub(super) source: Source,
    pub(super) stages: Vec<Stage<'a>>,
}

#[derive(Debug, Clone)]
pub(super) enum Source {
    /// `len` records of `element`'s layout from `address`.
    Records {
        address: Value,
        len: Value,
        element: RecordLayout,
    },
    /// `count` dates from day number `first`.
    Days { first: Value, count: Value },
}

#[derive(Debug, Clone)]
pub(super) struct Stage<'a> {
    pub(super) frame: Vec<Option<Val>>,
    pub(super) binder: LocalId,
    pub(super) element: &'a Expr,
    pub(super) filter: Option<&'a Expr>,
}

/// A loop `for index in 0..count` with a state, open while its body is
/// built ([`FunctionTranslator::open_loop`], `close_loop`).
pub(super) struct CountedLoop {
    header: Block,
    /// Where an element's state goes to step to the next (a filtered-out
    /// element jumps here with the state unchanged).
    pub(super) latch: Block,
    exit: Block,
    /// The element's index and the state before it, in the body.
    pub(super) index: Value,
    pub(super) state: Vec<Value>,
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    fn new_seq(&mut self, def: SeqDef<'a>) -> Val {
        self.seqs.push(def);
        Val::Seq(self.seqs.len() - 1)
    }

    /// An input list field: `len` elements at `address`.
    pub(super) fn input_seq(&mut self, address: Value, len: Value, element: &RecordLayout) -> Val {
        self.new_seq(SeqDef {
            source: Source::Records {
                address,
                len,
                element: element.clone(),
            },
            stages: Vec::new(),
        })
    }

    /// `days_of(lo, hi)`: the days of the minutes of `[lo, hi)`.
    pub(super) fn days_seq(&mut self, lo: Value, hi: Value) -> Val {
        self.fail_if_reversed(lo, hi);
        let (first, last, empty) = self.days_of_interval(lo, hi);
        let span = self.builder.ins().isub(last, first);
        let span = self.builder.ins().iadd_imm_s(span, 1);
        let zero = self.builder.ins().iconst(types::I64, 0);
        let count = self.builder.ins().select(empty, zero, span);
        self.new_seq(SeqDef {
            source: Source::Days { first, count },
            stages: Vec::new(),
        })
    }

    /// `[element for binder in seq if filter]`: one more stage.
    pub(super) fn seq_comprehension(
        &mut self,
        seq: usize,
        element: &'a Expr,
        binder: LocalId,
        filter: Option<&'a Expr>,
    ) -> Result<Val> {
        let mut def = self.seqs.get(seq).cloned().ok_or(CodegenError::Internal(
            "a run-time list that does not exist",
        ))?;
        def.stages.push(Stage {
            frame: self.frames.last().cloned().unwrap_or_default(),
            binder,
            element,
            filter,
        });
        Ok(self.new_seq(def))
    }

    /// Make every element of a list bound by `let` once, so that the
    /// compiled code fails where the interpreter's eager `let` does.
    /// Stages that cannot fail (W2's `filter(r.shifts, s => s.kind ==
    /// ordinary)`) need no such loop: it would compute nothing.
    pub(super) fn seq_made_once(&mut self, seq: usize) -> Result<()> {
        let may_fail = self.seqs.get(seq).is_some_and(|d| {
            d.stages
                .iter()
                .any(|s| !cannot_fail(s.element) || s.filter.is_some_and(|f| !cannot_fail(f)))
        });
        if may_fail {
            let zero = self.builder.ins().iconst(types::I64, 0);
            self.fold(seq, &[zero], |_, _, acc| Ok(acc.to_vec()))?;
        }
        Ok(())
    }

    /// An aggregate of a run-time list.
    pub(super) fn seq_aggregate(
        &mut self,
        aggregate: Aggregate,
        seq: usize,
        list_ty: &Type,
    ) -> Result<Val> {
        match aggregate {
            Aggregate::Count => {
                let zero = self.builder.ins().iconst(types::I64, 0);
                let out = self.fold(seq, &[zero], |this, _, acc| {
                    Ok(vec![this.builder.ins().iadd_imm_s(first(acc)?, 1)])
                })?;
                Ok(Val::Num {
                    v: first(&out)?,
                    scale: 0,
                })
            }
            Aggregate::All | Aggregate::Any => {
                let is_all = aggregate == Aggregate::All;
                let init = self.builder.ins().iconst(types::I8, i64::from(is_all));
                let out = self.fold(seq, &[init], |this, element, acc| {
                    let Val::Bool(b) = element else {
                        return Err(CodegenError::Internal("`all`/`any` of non-bools"));
                    };
                    let acc = first(acc)?;
                    Ok(vec![if is_all {
                        this.builder.ins().band(acc, b)
                    } else {
                        this.builder.ins().bor(acc, b)
                    }])
                })?;
                Ok(Val::Bool(first(&out)?))
            }
            Aggregate::Sum => self.seq_sum(seq),
            Aggregate::Min | Aggregate::Max => {
                let is_date = matches!(list_ty, Type::List(e) if matches!(**e, Type::Date | Type::Time | Type::Timestamp));
                self.seq_best(aggregate == Aggregate::Min, seq, is_date)
            }
        }
    }

    /// The exact sum: of numbers at their (static) scale, or of fractions
    /// with one constant denominator (hours of minutes, `x / 60`).
    fn seq_sum(&mut self, seq: usize) -> Result<Val> {
        let zero = self.builder.ins().iconst(types::I64, 0);
        let mut shape: Option<(u32, Option<i64>)> = None;
        let out = self.fold(seq, &[zero], |this, element, acc| {
            let (v, scale, den) = match element {
                Val::Num { v, scale } => (v, scale, None),
                Val::Ratio { num, den, scale } => match this.known(den) {
                    Some(d) => (num, scale, Some(d)),
                    None => {
                        return Err(CodegenError::Unsupported(
                            "a sum of fractions with run-time denominators",
                        ));
                    }
                },
                _ => return Err(CodegenError::Internal("`sum` of non-numbers")),
            };
            shape = Some((scale, den));
            Ok(vec![this.checked(Checked::Add, first(acc)?, v)])
        })?;
        let total = first(&out)?;
        Ok(match shape {
            Some((scale, Some(den))) => Val::Ratio {
                num: total,
                den: self.builder.ins().iconst(types::I64, den),
                scale,
            },
            Some((scale, None)) => Val::Num { v: total, scale },
            None => Val::Num { v: total, scale: 0 },
        })
    }

    /// `min`/`max`: ties keep the first; an empty list is E0213.
    fn seq_best(&mut self, is_min: bool, seq: usize, is_date: bool) -> Result<Val> {
        let zero = self.builder.ins().iconst(types::I64, 0);
        let unseen = self.builder.ins().iconst(types::I8, 0);
        let mut scale = 0;
        let out = self.fold(seq, &[zero, unseen], |this, element, acc| {
            let x = match element {
                Val::Num { v, scale: s } => {
                    scale = s;
                    v
                }
                Val::Date(v) => v,
                _ => {
                    return Err(CodegenError::Unsupported(
                        "`min`/`max` of fractions or records",
                    ));
                }
            };
            let [best, seen] = acc else {
                return Err(CodegenError::Internal("a fold without its state"));
            };
            let cc = if is_min {
                IntCC::SignedLessThan
            } else {
                IntCC::SignedGreaterThan
            };
            let better = this.builder.ins().icmp(cc, x, *best);
            let unseen = this.builder.ins().bxor_imm_u(*seen, 1);
            let take = this.builder.ins().bor(better, unseen);
            let best = this.builder.ins().select(take, x, *best);
            let one = this.builder.ins().iconst(types::I8, 1);
            Ok(vec![best, one])
        })?;
        let [best, seen] = out.as_slice() else {
            return Err(CodegenError::Internal("a fold without its state"));
        };
        let empty = self.builder.ins().bxor_imm_u(*seen, 1);
        self.fail_if_because(empty, NativeStatus::EmptyList);
        Ok(if is_date {
            Val::Date(*best)
        } else {
            Val::Num { v: *best, scale }
        })
    }

    /// A loop over `seq`: `step` folds each element (made by the stages,
    /// filtered ones skipped) into the state, `I64`s and `I8`s as `init`;
    /// the state after the last element.
    fn fold(
        &mut self,
        seq: usize,
        init: &[Value],
        mut step: impl FnMut(&mut Self, Val, &[Value]) -> Result<Vec<Value>>,
    ) -> Result<Vec<Value>> {
        let def = self.seqs.get(seq).cloned().ok_or(CodegenError::Internal(
            "a run-time list that does not exist",
        ))?;
        let count = match &def.source {
            Source::Records { len, .. } => *len,
            Source::Days { count, .. } => *count,
        };
        let counted = self.open_loop(count, init)?;
        let (index, state, latch) = (counted.index, counted.state.clone(), counted.latch);
        let state_args: Vec<BlockArg> = state.iter().map(|v| BlockArg::from(*v)).collect();

        let mut element = match &def.source {
            Source::Records {
                address, element, ..
            } => {
                let offset = self
                    .builder
                    .ins()
                    .imul_imm_s(index, i64::try_from(element.stride).unwrap_or(i64::MAX));
                let address = self.builder.ins().iadd(*address, offset);
                self.load_element(element, address)
            }
            Source::Days { first, .. } => Val::Date(self.builder.ins().iadd(*first, index)),
        };
        let known = self.known_walks.len();
        let by_day = matches!(def.source, Source::Days { .. }) && def.stages.len() == 1;
        for stage in &def.stages {
            let mut frame = stage.frame.clone();
            if let Some(slot) = frame.get_mut(stage.binder.0 as usize) {
                *slot = Some(element);
            } else {
                return Err(CodegenError::Internal("a binder outside its frame"));
            }
            self.frames.push(frame);
            // A day's `hours_on` calls of one interval: one classification.
            let shared = if by_day {
                self.share_day_walks(stage)
            } else {
                Ok(())
            };
            let made = shared.and_then(|()| self.stage_element(stage, latch, &state_args));
            self.frames.pop();
            element = made?;
        }
        let stepped = step(self, element, &state);
        self.known_walks.truncate(known);
        let next_state = stepped?;
        Ok(self.close_loop(counted, &next_state))
    }

    /// Open `for index in 0..count` carrying `init` (`I64`s and `I8`s):
    /// the builder goes on in the loop's body, where [`CountedLoop`] gives
    /// the index and the state.
    pub(super) fn open_loop(&mut self, count: Value, init: &[Value]) -> Result<CountedLoop> {
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
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, index, count);
        let state_args: Vec<BlockArg> = state.iter().map(|v| BlockArg::from(*v)).collect();
        self.builder.ins().brif(more, body, &[], exit, &state_args);
        self.builder.seal_block(body);
        self.builder.switch_to_block(body);
        Ok(CountedLoop {
            header,
            latch,
            exit,
            index,
            state,
        })
    }

    /// Close `counted` from its body with the state `next` for the next
    /// element; the builder goes on after the loop, and the state after
    /// the last element is returned.
    pub(super) fn close_loop(&mut self, counted: CountedLoop, next: &[Value]) -> Vec<Value> {
        let next_args: Vec<BlockArg> = next.iter().map(|v| BlockArg::from(*v)).collect();
        self.builder.ins().jump(counted.latch, &next_args);
        self.builder.seal_block(counted.latch);
        self.builder.switch_to_block(counted.latch);
        let carried = self.builder.block_params(counted.latch).to_vec();
        let step = self.builder.ins().iadd_imm_s(counted.index, 1);
        let mut args: Vec<BlockArg> = vec![step.into()];
        args.extend(carried.iter().map(|v| BlockArg::from(*v)));
        self.builder.ins().jump(counted.header, &args);
        self.builder.seal_block(counted.header);
        self.builder.seal_block(counted.exit);
        self.builder.switch_to_block(counted.exit);
        self.builder.block_params(counted.exit).to_vec()
    }

    /// One stage's element, in the stage's frame with its binder bound; a
    /// filtered-out element jumps to `skip` with the state unchanged.
    pub(super) fn stage_element(
        &mut self,
        stage: &Stage<'a>,
        skip: Block,
        state: &[BlockArg],
    ) -> Result<Val> {
        if let Some(filter) = stage.filter {
            let keep = self.translate_bool(filter)?;
            let go_on = self.builder.create_block();
            self.builder.ins().brif(keep, go_on, &[], skip, state);
            self.builder.seal_block(go_on);
            self.builder.switch_to_block(go_on);
        }
        // A fraction stays one: `sum` adds fractions of one denominator.
        self.translate_expr(stage.element)
    }

    /// An element record of an input list, at `address`: read-only like
    /// the input record.
    pub(super) fn load_element(&mut self, layout: &RecordLayout, address: Value) -> Val {
        self.load_record(layout, address)
    }
}

/// Whether `expr` surely evaluates without an error, in compiled code
/// as in the interpreter: locals, constants, fields, and comparisons and
/// logic of values that are compared as words (no rescaling that could
/// overflow).
pub(super) fn cannot_fail(expr: &Expr) -> bool {
    let word = |e: &Expr| {
        matches!(
            e.ty,
            Type::Bool | Type::Enum(_) | Type::Date | Type::Time | Type::Timestamp
        )
    };
    match &expr.kind {
        ExprKind::Const(_) | ExprKind::Local(_) => true,
        ExprKind::Field(record, _) => cannot_fail(record),
        ExprKind::Unary(UnOp::Not, operand) => cannot_fail(operand),
        ExprKind::Binary(
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
            left,
            right,
        ) => word(left) && word(right) && cannot_fail(left) && cannot_fail(right),
        ExprKind::Binary(BinOp::And | BinOp::Or, left, right) => {
            cannot_fail(left) && cannot_fail(right)
        }
        _ => false,
    }
}

pub(super) fn first(values: &[Value]) -> Result<Value> {
    values
        .first()
        .copied()
        .ok_or(CodegenError::Internal("a fold without its state"))
}

//! Control flow and calls: `if`, `match`, `and`/`or`, inlined calls of
//! rules, tables, conditions and limits, and param timelines.
//!
//! Branches meet in a merge block whose parameters are the flattened
//! leaves of the value. Each arm may give its numbers a different scale,
//! and the common scale is only known once every arm is translated, so
//! every arm first jumps to its own exit block carrying its raw leaves;
//! the exit blocks then rescale to the common scale and jump to the merge.

use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, Value, condcodes::IntCC, types};

use super::translate::{FunctionTranslator, Result, Val};
use super::{CodegenError, Failure};
use crate::ir::{
    Body, Cell, CompareOp, Const, Expr, FuncId, LimitBody, ParamId, Requirement, TableRow,
};
use crate::types::Type;

/// The shape of one leaf of a value, for merging arms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    Num(u32),
    Bool,
    Date,
    Variant,
}

fn leaves(value: &Val, out: &mut Vec<(Leaf, Value)>) {
    match value {
        Val::Num { v, scale } => out.push((Leaf::Num(*scale), *v)),
        Val::Bool(v) => out.push((Leaf::Bool, *v)),
        Val::Date(v) => out.push((Leaf::Date, *v)),
        Val::Variant(v) => out.push((Leaf::Variant, *v)),
        Val::Record(fields) => fields.iter().for_each(|f| leaves(f, out)),
        // Arms are `plain`: no fraction reaches a merge.
        Val::Absent | Val::Ratio { .. } => {}
    }
}

/// `template` with its leaves replaced, in order, by `values`.
fn rebuild(template: &Val, values: &mut impl Iterator<Item = (Leaf, Value)>) -> Val {
    match template {
        Val::Record(fields) => Val::Record(fields.iter().map(|f| rebuild(f, values)).collect()),
        Val::Absent => Val::Absent,
        Val::Ratio { .. } => template.clone(),
        _ => match values.next() {
            Some((Leaf::Num(scale), v)) => Val::Num { v, scale },
            Some((Leaf::Bool, v)) => Val::Bool(v),
            Some((Leaf::Date, v)) => Val::Date(v),
            Some((Leaf::Variant, v)) => Val::Variant(v),
            // Shapes are checked before rebuilding; keeps this total.
            None => template.clone(),
        },
    }
}

fn block_args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|v| BlockArg::Value(*v)).collect()
}

fn value_type(leaf: Leaf) -> types::Type {
    match leaf {
        Leaf::Bool => types::I8,
        _ => types::I64,
    }
}

/// One translated arm: its exit block and the value's template.
pub(super) struct Arm {
    exit: Block,
    template: Val,
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// End the current arm with `value`: jump to a fresh exit block.
    fn finish_arm(&mut self, value: Val) -> Arm {
        let value = self.plain(value);
        let mut flat = Vec::new();
        leaves(&value, &mut flat);
        let exit = self.builder.create_block();
        for (leaf, _) in &flat {
            self.builder.append_block_param(exit, value_type(*leaf));
        }
        let values: Vec<Value> = flat.iter().map(|(_, v)| *v).collect();
        self.builder.ins().jump(exit, &block_args(&values));
        Arm {
            exit,
            template: value,
        }
    }

    /// Join the arms at a new merge block, numbers at their common scale.
    fn merge(&mut self, arms: Vec<Arm>) -> Result<Val> {
        let Some(first) = arms.first() else {
            return Err(CodegenError::Internal("a branch without arms"));
        };
        let mut shape = Vec::new();
        leaves(&first.template, &mut shape);
        let mut shape: Vec<Leaf> = shape.into_iter().map(|(leaf, _)| leaf).collect();
        for arm in &arms {
            let mut flat = Vec::new();
            leaves(&arm.template, &mut flat);
            if flat.len() != shape.len() {
                return Err(CodegenError::Unsupported("branches of different shapes"));
            }
            for (common, (leaf, _)) in shape.iter_mut().zip(&flat) {
                *common = match (*common, *leaf) {
                    (Leaf::Num(x), Leaf::Num(y)) => Leaf::Num(x.max(y)),
                    (x, y) if x == y => x,
                    _ => return Err(CodegenError::Unsupported("branches of different shapes")),
                };
            }
        }
        let merge = self.builder.create_block();
        for leaf in &shape {
            self.builder.append_block_param(merge, value_type(*leaf));
        }
        let template = first.template.clone();
        for arm in arms {
            self.builder.switch_to_block(arm.exit);
            self.builder.seal_block(arm.exit);
            let params: Vec<Value> = self.builder.block_params(arm.exit).to_vec();
            let mut flat = Vec::new();
            leaves(&arm.template, &mut flat);
            let mut out = Vec::with_capacity(params.len());
            for ((leaf, _), (param, common)) in flat.iter().zip(params.iter().zip(&shape)) {
                let value = match (leaf, common) {
                    (Leaf::Num(scale), Leaf::Num(target)) => {
                        match self.rescale(
                            Val::Num {
                                v: *param,
                                scale: *scale,
                            },
                            *target,
                        )? {
                            Val::Num { v, .. } => v,
                            _ => *param,
                        }
                    }
                    _ => *param,
                };
                out.push(value);
            }
            self.builder.ins().jump(merge, &block_args(&out));
        }
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        let params: Vec<Value> = self.builder.block_params(merge).to_vec();
        let mut values = shape.into_iter().zip(params);
        Ok(rebuild(&template, &mut values))
    }

    /// Branch on `condition` (an `I8`) to two new blocks; returns them.
    fn branch(&mut self, condition: Value) -> (Block, Block) {
        let yes = self.builder.create_block();
        let no = self.builder.create_block();
        self.builder.ins().brif(condition, yes, &[], no, &[]);
        self.builder.seal_block(yes);
        self.builder.seal_block(no);
        (yes, no)
    }

    fn translate_bool(&mut self, expr: &'a Expr) -> Result<Value> {
        match self.translate_expr(expr)? {
            Val::Bool(b) => Ok(b),
            _ => Err(CodegenError::Internal("a condition that is not a bool")),
        }
    }

    /// `if`: only the taken branch runs, as in the interpreter.
    pub(super) fn translate_if(
        &mut self,
        cond: &'a Expr,
        then: &'a Expr,
        otherwise: &'a Expr,
    ) -> Result<Val> {
        let condition = self.translate_bool(cond)?;
        let (yes, no) = self.branch(condition);
        self.builder.switch_to_block(yes);
        let value = self.translate_expr(then)?;
        let first = self.finish_arm(value);
        self.builder.switch_to_block(no);
        let value = self.translate_expr(otherwise)?;
        let second = self.finish_arm(value);
        self.merge(vec![first, second])
    }

    /// `a and b` / `a or b`, short-circuit.
    pub(super) fn translate_and_or(
        &mut self,
        is_and: bool,
        left: &'a Expr,
        right: &'a Expr,
    ) -> Result<Val> {
        let a = self.translate_bool(left)?;
        let (yes, no) = self.branch(a);
        let (evaluate, decided) = if is_and { (yes, no) } else { (no, yes) };
        self.builder.switch_to_block(evaluate);
        let b = self.translate_bool(right)?;
        let first = self.finish_arm(Val::Bool(b));
        self.builder.switch_to_block(decided);
        let constant = self.builder.ins().iconst(types::I8, i64::from(!is_and));
        let second = self.finish_arm(Val::Bool(constant));
        self.merge(vec![first, second])
    }

    /// `match`: the first arm listing the scrutinee's variant, else `_`.
    pub(super) fn translate_match(
        &mut self,
        scrutinee: &'a Expr,
        arms: &'a [(Vec<u32>, Expr)],
        default: Option<&'a Expr>,
        ty: &Type,
    ) -> Result<Val> {
        let tag = match self.translate_expr(scrutinee)? {
            Val::Variant(v) => v,
            Val::Bool(b) => self.builder.ins().uextend(types::I64, b),
            _ => {
                return Err(CodegenError::Internal(
                    "a match on something without variants",
                ));
            }
        };
        let mut finished = Vec::with_capacity(arms.len() + 1);
        for (variants, body) in arms {
            let mut hit = self.builder.ins().iconst(types::I8, 0);
            for variant in variants {
                let equal = self
                    .builder
                    .ins()
                    .icmp_imm_s(IntCC::Equal, tag, i64::from(*variant));
                hit = self.builder.ins().bor(hit, equal);
            }
            let (yes, no) = self.branch(hit);
            self.builder.switch_to_block(yes);
            let value = self.translate_expr(body)?;
            finished.push(self.finish_arm(value));
            self.builder.switch_to_block(no);
        }
        let value = match default {
            Some(body) => self.translate_expr(body)?,
            None => {
                // Exhaustive by the checker; a tag out of range is garbage
                // input the interpreter reports.
                self.fail_always_because(Failure::BadInput);
                self.zero_of(ty)?
            }
        };
        finished.push(self.finish_arm(value));
        self.merge(finished)
    }

    /// A param's value at a date: a chain of compares selecting constants.
    /// Before the first date the record goes to the interpreter (E0503).
    pub(super) fn translate_param(&mut self, param: ParamId, at: &'a Expr) -> Result<Val> {
        let Val::Date(date) = self.translate_expr(at)? else {
            return Err(CodegenError::Internal("a param looked up at a non-date"));
        };
        let info = self
            .program
            .param(param)
            .ok_or(CodegenError::Internal("a param that does not exist"))?;
        let Some((first_date, _)) = info.timeline.first() else {
            self.fail_always_because(Failure::BeforeFirstDate);
            return self.zero_of(&info.ty);
        };
        let first = self.date_const(*first_date);
        let before = self.builder.ins().icmp(IntCC::SignedLessThan, date, first);
        self.fail_if_because(before, Failure::BeforeFirstDate);
        // Numbers at the timeline's largest scale, so a select picks among
        // values of one representation.
        let scale = info
            .timeline
            .iter()
            .map(|(_, c)| match c {
                Const::Number(n) => n.scale(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let mut result: Option<Val> = None;
        for (from, constant) in &info.timeline {
            let value = self.const_at_scale(constant, scale)?;
            result = Some(match result {
                None => value,
                Some(previous) => {
                    let start = self.date_const(*from);
                    let started =
                        self.builder
                            .ins()
                            .icmp(IntCC::SignedGreaterThanOrEqual, date, start);
                    self.select_val(started, value, previous)?
                }
            });
        }
        result.ok_or(CodegenError::Internal("a param without values"))
    }

    fn const_at_scale(&mut self, constant: &Const, scale: u32) -> Result<Val> {
        Ok(match constant {
            Const::Number(n) => {
                let factor = super::numeric::pow10(scale.saturating_sub(n.scale()))
                    .ok_or(CodegenError::Unsupported("a constant beyond 18 decimals"))?;
                let mantissa = i64::try_from(n.mantissa())
                    .ok()
                    .and_then(|m| m.checked_mul(factor))
                    .ok_or(CodegenError::Unsupported("a constant beyond 64 bits"))?;
                Val::Num {
                    v: self.builder.ins().iconst(types::I64, mantissa),
                    scale,
                }
            }
            Const::Date(d) => Val::Date(self.date_const(*d)),
            Const::Bool(b) => Val::Bool(self.builder.ins().iconst(types::I8, i64::from(*b))),
            Const::Variant(v) => Val::Variant(self.builder.ins().iconst(types::I64, i64::from(*v))),
            Const::Text(_) => return Err(CodegenError::Unsupported("text values")),
        })
    }

    fn select_val(&mut self, condition: Value, yes: Val, no: Val) -> Result<Val> {
        let pick = |this: &mut Self, a: Value, b: Value| this.builder.ins().select(condition, a, b);
        Ok(match (yes, no) {
            (Val::Num { v: a, scale }, Val::Num { v: b, .. }) => Val::Num {
                v: pick(self, a, b),
                scale,
            },
            (Val::Bool(a), Val::Bool(b)) => Val::Bool(pick(self, a, b)),
            (Val::Date(a), Val::Date(b)) => Val::Date(pick(self, a, b)),
            (Val::Variant(a), Val::Variant(b)) => Val::Variant(pick(self, a, b)),
            _ => {
                return Err(CodegenError::Internal(
                    "a param with values of different kinds",
                ));
            }
        })
    }

    /// A call, inlined: arguments in a new frame, then the callee's body.
    pub(super) fn translate_call(&mut self, func: FuncId, args: &'a [Expr]) -> Result<Val> {
        let program = self.program;
        let function = program.function(func).ok_or(CodegenError::Internal(
            "a call to a function that does not exist",
        ))?;
        let mut frame = vec![None; (function.n_locals as usize).max(function.params.len())];
        for (slot, arg) in frame.iter_mut().zip(args) {
            *slot = Some(self.translate_expr(arg)?);
        }
        self.enter(function, frame)
    }

    /// Run `function`'s body in `frame` (parameters bound).
    pub(super) fn enter(
        &mut self,
        function: &'a crate::ir::Function,
        frame: Vec<Option<Val>>,
    ) -> Result<Val> {
        self.frames.push(frame);
        self.depth += 1;
        let result = match &function.body {
            Body::Expr(body) => self.translate_expr(body),
            Body::Table(rows) => self.translate_table(rows, &function.ret),
            Body::Condition(requirements) => self.translate_condition(requirements),
            Body::Limit(limit) => self.translate_limit(limit),
        };
        self.depth -= 1;
        self.frames.pop();
        result
    }

    /// First row whose every cell accepts its input; no row: interpreter.
    fn translate_table(&mut self, rows: &'a [TableRow], ret: &Type) -> Result<Val> {
        let inputs: Vec<Val> = self
            .frames
            .last()
            .map(|frame| {
                frame
                    .iter()
                    .map(|v| v.clone().unwrap_or(Val::Absent))
                    .collect()
            })
            .unwrap_or_default();
        let mut finished = Vec::with_capacity(rows.len() + 1);
        for row in rows {
            let mut hit = self.builder.ins().iconst(types::I8, 1);
            for (cell, input) in row.cells.iter().zip(&inputs) {
                let accepts = self.translate_cell(cell, input)?;
                hit = self.builder.ins().band(hit, accepts);
            }
            let (yes, no) = self.branch(hit);
            self.builder.switch_to_block(yes);
            let value = self.translate_expr(&row.result)?;
            finished.push(self.finish_arm(value));
            self.builder.switch_to_block(no);
        }
        self.fail_always_because(Failure::NoTableRow);
        let value = self.zero_of(ret)?;
        finished.push(self.finish_arm(value));
        self.merge(finished)
    }

    fn translate_cell(&mut self, cell: &Cell, input: &Val) -> Result<Value> {
        let compare = |this: &mut Self, op: CompareOp, constant: &Const| -> Result<Value> {
            let scale = match input {
                Val::Num { scale, .. } => *scale,
                _ => 0,
            };
            let constant_scale = match constant {
                Const::Number(n) => n.scale(),
                _ => 0,
            };
            let common = scale.max(constant_scale);
            let a = this.rescale(input.clone(), common)?;
            let b = this.const_at_scale(constant, common)?;
            let (x, y) = match (a, b) {
                (Val::Num { v: x, .. }, Val::Num { v: y, .. })
                | (Val::Date(x), Val::Date(y))
                | (Val::Variant(x), Val::Variant(y)) => (x, y),
                (Val::Bool(x), Val::Bool(y)) => (x, y),
                _ => return Err(CodegenError::Unsupported("a table cell on this type")),
            };
            let cc = match op {
                CompareOp::Eq => IntCC::Equal,
                CompareOp::Ne => IntCC::NotEqual,
                CompareOp::Lt => IntCC::SignedLessThan,
                CompareOp::Le => IntCC::SignedLessThanOrEqual,
                CompareOp::Gt => IntCC::SignedGreaterThan,
                CompareOp::Ge => IntCC::SignedGreaterThanOrEqual,
            };
            Ok(this.builder.ins().icmp(cc, x, y))
        };
        match cell {
            Cell::Any => Ok(self.builder.ins().iconst(types::I8, 1)),
            Cell::OneOf(constants) => {
                let mut any = self.builder.ins().iconst(types::I8, 0);
                for constant in constants {
                    let equal = compare(self, CompareOp::Eq, constant)?;
                    any = self.builder.ins().bor(any, equal);
                }
                Ok(any)
            }
            Cell::Compare(op, constant) => compare(self, *op, constant),
            Cell::Range(low, high) => {
                let above = compare(self, CompareOp::Ge, low)?;
                let below = compare(self, CompareOp::Le, high)?;
                Ok(self.builder.ins().band(above, below))
            }
        }
    }

    /// Every requirement is evaluated; `.ok` when all hold. The failed
    /// reasons (a list of texts) are not compiled.
    fn translate_condition(&mut self, requirements: &'a [Requirement]) -> Result<Val> {
        let mut ok = self.builder.ins().iconst(types::I8, 1);
        for requirement in requirements {
            let holds = self.translate_bool(&requirement.test)?;
            ok = self.builder.ins().band(ok, holds);
        }
        Ok(Val::Record(vec![Val::Bool(ok), Val::Absent]))
    }

    /// `used`, `bound`, `room` and `violated`.
    fn translate_limit(&mut self, limit: &'a LimitBody) -> Result<Val> {
        let used = self.translate_expr(&limit.measured)?;
        let bound = self.translate_expr(&limit.bound)?;
        let (minuend, subtrahend) = if limit.at_most {
            (bound.clone(), used.clone())
        } else {
            (used.clone(), bound.clone())
        };
        let room = self.translate_arithmetic(crate::ir::BinOp::Sub, minuend, subtrahend)?;
        let op = if limit.at_most {
            crate::ir::BinOp::Gt
        } else {
            crate::ir::BinOp::Lt
        };
        let violated = self.translate_compare(op, used.clone(), bound.clone())?;
        Ok(Val::Record(vec![used, bound, room, violated]))
    }
}

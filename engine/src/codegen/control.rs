//! Control flow and calls: `if`, `match`, `and`/`or`, inlined calls of
//! rules, tables, conditions and limits, and param timelines.
//!
//! Branches meet in a merge block whose parameters are the flattened
//! leaves of the value. Each arm may give its numbers a different scale
//! and its lists and texts a different skeleton, and the merged shape is
//! only known once every arm is translated, so every arm first jumps to
//! its own exit block (its values dominate it); the exit blocks then bring
//! the value to the merged shape (`unite`: numbers at the common scale,
//! other arms' list elements absent) and jump to the merge.

use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, Value, condcodes::IntCC, types};

use super::layout::TextPiece;
use super::speculate::speculable;
use super::translate::{Element, FunctionTranslator, Piece, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::ir::{
    Body, Cell, CompareOp, Const, Expr, FuncId, LimitBody, ParamId, Requirement, TableRow,
};
use avtal_compiler::types::Type;

/// The shape of a merged value: the union of the arms' shapes.
#[derive(Debug, Clone)]
enum Shape {
    /// A number at the arms' common scale.
    Num(u32),
    Bool,
    Date,
    Variant,
    Record(Vec<Shape>),
    /// Possible elements, `true` when presence is a run-time flag; with
    /// the offset of each arm's elements when the arms' lists are
    /// concatenated rather than merged element by element.
    List(Vec<(bool, Shape)>, Option<Vec<usize>>),
    /// A run-time list: every arm must be the same one.
    Seq(usize),
    /// Possible pieces, as for lists.
    Text(Vec<(bool, TextPiece)>, Option<Vec<usize>>),
    Absent,
}

fn shape_of(value: &Val) -> Shape {
    match value {
        Val::Num { scale, .. } | Val::Ratio { scale, .. } => Shape::Num(*scale),
        Val::Bool(_) => Shape::Bool,
        Val::Date(_) => Shape::Date,
        Val::Variant(_) => Shape::Variant,
        Val::Record(fields) => Shape::Record(fields.iter().map(shape_of).collect()),
        Val::List(items) => Shape::List(
            items
                .iter()
                .map(|item| (item.present.is_some(), shape_of(&item.value)))
                .collect(),
            None,
        ),
        Val::Text(pieces) => Shape::Text(
            pieces
                .iter()
                .map(|piece| (piece.present.is_some(), piece.text.clone()))
                .collect(),
            None,
        ),
        Val::Seq(seq) => Shape::Seq(*seq),
        Val::Absent => Shape::Absent,
    }
}

/// The union of the arms' shapes. Lists (texts) with the same skeleton in
/// every arm merge element by element; otherwise the merged list holds
/// every arm's elements one after the other (arm `k`'s from offset `k` of
/// the `Vec`), each present only when its arm ran.
fn unite(shapes: Vec<Shape>) -> Result<Shape> {
    let Some(first) = shapes.first().cloned() else {
        return Err(CodegenError::Internal("a branch without arms"));
    };
    let n_arms = shapes.len();
    Ok(match first {
        Shape::Num(_) => {
            let mut scale = 0;
            for shape in &shapes {
                match shape {
                    Shape::Num(s) => scale = scale.max(*s),
                    _ => return Err(different()),
                }
            }
            Shape::Num(scale)
        }
        Shape::Seq(_) => {
            if shapes
                .iter()
                .all(|s| matches!((s, &first), (Shape::Seq(a), Shape::Seq(b)) if a == b))
            {
                first
            } else {
                return Err(CodegenError::Unsupported(
                    "branches of different run-time lists",
                ));
            }
        }
        Shape::Bool | Shape::Date | Shape::Variant | Shape::Absent => {
            let same = shapes
                .iter()
                .all(|s| std::mem::discriminant(s) == std::mem::discriminant(&first));
            if !same {
                return Err(different());
            }
            first
        }
        Shape::Record(fields) => {
            let mut columns: Vec<Vec<Shape>> = vec![Vec::with_capacity(n_arms); fields.len()];
            for shape in shapes {
                match shape {
                    Shape::Record(fs) if fs.len() == columns.len() => {
                        for (column, f) in columns.iter_mut().zip(fs) {
                            column.push(f);
                        }
                    }
                    _ => return Err(different()),
                }
            }
            Shape::Record(columns.into_iter().map(unite).collect::<Result<_>>()?)
        }
        Shape::List(..) => {
            let mut arms = Vec::with_capacity(n_arms);
            for shape in shapes {
                match shape {
                    Shape::List(items, _) => arms.push(items),
                    _ => return Err(different()),
                }
            }
            let len = arms.first().map_or(0, Vec::len);
            let elementwise = arms.iter().all(|items| items.len() == len)
                && (0..len).all(|i| {
                    unite(
                        arms.iter()
                            .filter_map(|items| items.get(i).map(|(_, s)| s.clone()))
                            .collect(),
                    )
                    .is_ok()
                });
            if elementwise {
                let mut out = Vec::with_capacity(len);
                for i in 0..len {
                    let dynamic = arms
                        .iter()
                        .any(|items| items.get(i).is_some_and(|(d, _)| *d));
                    let column = arms
                        .iter()
                        .filter_map(|items| items.get(i).map(|(_, s)| s.clone()))
                        .collect();
                    out.push((dynamic, unite(column)?));
                }
                Shape::List(out, None)
            } else {
                let mut offsets = Vec::with_capacity(n_arms);
                let mut out = Vec::new();
                for items in arms {
                    offsets.push(out.len());
                    out.extend(items.into_iter().map(|(_, s)| (true, s)));
                }
                Shape::List(out, Some(offsets))
            }
        }
        Shape::Text(..) => {
            let mut arms = Vec::with_capacity(n_arms);
            for shape in shapes {
                match shape {
                    Shape::Text(pieces, _) => arms.push(pieces),
                    _ => return Err(different()),
                }
            }
            let first_texts: Vec<TextPiece> = arms
                .first()
                .map(|pieces| pieces.iter().map(|(_, t)| t.clone()).collect())
                .unwrap_or_default();
            let elementwise = arms.iter().all(|pieces| {
                pieces.len() == first_texts.len()
                    && pieces.iter().zip(&first_texts).all(|((_, a), b)| a == b)
            });
            if elementwise {
                let out = first_texts
                    .into_iter()
                    .enumerate()
                    .map(|(i, text)| {
                        let dynamic = arms
                            .iter()
                            .any(|pieces| pieces.get(i).is_some_and(|(d, _)| *d));
                        (dynamic, text)
                    })
                    .collect();
                Shape::Text(out, None)
            } else {
                let mut offsets = Vec::with_capacity(n_arms);
                let mut out = Vec::new();
                for pieces in arms {
                    offsets.push(out.len());
                    out.extend(pieces.into_iter().map(|(_, t)| (true, t)));
                }
                Shape::Text(out, Some(offsets))
            }
        }
    })
}

/// Where arm `arm`'s elements start in a merged list: 0 when merged
/// element by element.
fn arm_start(offsets: Option<&[usize]>, arm: usize) -> Option<usize> {
    match offsets {
        None => Some(0),
        Some(offsets) => offsets.get(arm).copied(),
    }
}

/// This arm's element at merged position `index`, when its elements
/// start at `start` (`None`: the arm has none in this merge).
fn own_element<T>(start: Option<usize>, index: usize, elements: &[T]) -> Option<&T> {
    start
        .and_then(|s| index.checked_sub(s))
        .and_then(|i| elements.get(i))
}

fn different() -> CodegenError {
    CodegenError::Unsupported("branches of different shapes")
}

fn leaf_types(shape: &Shape, out: &mut Vec<types::Type>) {
    match shape {
        Shape::Num(_) | Shape::Date | Shape::Variant => out.push(types::I64),
        Shape::Bool => out.push(types::I8),
        Shape::Record(fields) => fields.iter().for_each(|f| leaf_types(f, out)),
        Shape::List(items, _) => {
            for (dynamic, item) in items {
                if *dynamic {
                    out.push(types::I8);
                }
                leaf_types(item, out);
            }
        }
        Shape::Text(pieces, _) => {
            for (dynamic, _) in pieces {
                if *dynamic {
                    out.push(types::I8);
                }
            }
        }
        Shape::Absent | Shape::Seq(_) => {}
    }
}

/// A value of `shape` from the merge block's parameters, in order.
fn rebuild(shape: &Shape, values: &mut impl Iterator<Item = Value>) -> Result<Val> {
    let mut next = || {
        values
            .next()
            .ok_or(CodegenError::Internal("a merge with too few parameters"))
    };
    Ok(match shape {
        Shape::Num(scale) => Val::Num {
            v: next()?,
            scale: *scale,
        },
        Shape::Bool => Val::Bool(next()?),
        Shape::Date => Val::Date(next()?),
        Shape::Variant => Val::Variant(next()?),
        Shape::Absent => Val::Absent,
        Shape::Seq(seq) => Val::Seq(*seq),
        Shape::Record(fields) => Val::Record(
            fields
                .iter()
                .map(|f| rebuild(f, values))
                .collect::<Result<_>>()?,
        ),
        Shape::List(items, _) => {
            let mut out = Vec::with_capacity(items.len());
            for (dynamic, item) in items {
                let present = if *dynamic {
                    Some(
                        values
                            .next()
                            .ok_or(CodegenError::Internal("a merge with too few parameters"))?,
                    )
                } else {
                    None
                };
                out.push(Element {
                    present,
                    value: rebuild(item, values)?,
                });
            }
            Val::List(out)
        }
        Shape::Text(pieces, _) => {
            let mut out = Vec::with_capacity(pieces.len());
            for (dynamic, text) in pieces {
                let present = if *dynamic {
                    Some(
                        values
                            .next()
                            .ok_or(CodegenError::Internal("a merge with too few parameters"))?,
                    )
                } else {
                    None
                };
                out.push(Piece {
                    present,
                    text: text.clone(),
                });
            }
            Val::Text(out)
        }
    })
}

fn block_args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|v| BlockArg::Value(*v)).collect()
}

/// One translated arm: its exit block and its value, whose SSA values
/// dominate the exit block (the arm's only way out).
pub(super) struct Arm {
    exit: Block,
    template: Val,
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// End the current arm with `value`: jump to a fresh exit block.
    pub(super) fn finish_arm(&mut self, value: Val) -> Arm {
        let value = self.plain(value);
        let exit = self.builder.create_block();
        self.builder.ins().jump(exit, &[]);
        Arm {
            exit,
            template: value,
        }
    }

    /// Join the arms at a new merge block: numbers at their common scale,
    /// lists and texts as the union of the arms' (`unite`).
    pub(super) fn merge(&mut self, arms: Vec<Arm>) -> Result<Val> {
        let shape = unite(arms.iter().map(|arm| shape_of(&arm.template)).collect())?;
        let mut types_ = Vec::new();
        leaf_types(&shape, &mut types_);
        let merge = self.builder.create_block();
        for ty in &types_ {
            self.builder.append_block_param(merge, *ty);
        }
        for (index, arm) in arms.into_iter().enumerate() {
            self.builder.switch_to_block(arm.exit);
            self.builder.seal_block(arm.exit);
            let mut out = Vec::with_capacity(types_.len());
            self.project(index, Some(&arm.template), &shape, &mut out)?;
            self.builder.ins().jump(merge, &block_args(&out));
        }
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        let params: Vec<Value> = self.builder.block_params(merge).to_vec();
        rebuild(&shape, &mut params.into_iter())
    }

    /// The presence flag of an element or piece in a merged arm: its own
    /// flag, 1 when it is always there, 0 when this arm does not have it.
    fn presence(&mut self, own: Option<Option<Value>>) -> Value {
        match own {
            Some(Some(flag)) => flag,
            Some(None) => self.builder.ins().iconst(types::I8, 1),
            None => self.builder.ins().iconst(types::I8, 0),
        }
    }

    /// The leaves of `value` (or zeros for `None`, an element of another
    /// arm) in the merged `shape`.
    fn project(
        &mut self,
        arm: usize,
        value: Option<&Val>,
        shape: &Shape,
        out: &mut Vec<Value>,
    ) -> Result<()> {
        match (shape, value) {
            (Shape::Num(target), Some(num @ Val::Num { .. })) => {
                match self.rescale(num.clone(), *target)? {
                    Val::Num { v, .. } => out.push(v),
                    _ => return Err(CodegenError::Internal("a number that is not one")),
                }
            }
            (Shape::Bool, Some(Val::Bool(v)))
            | (Shape::Date, Some(Val::Date(v)))
            | (Shape::Variant, Some(Val::Variant(v))) => out.push(*v),
            (Shape::Num(_) | Shape::Date | Shape::Variant, None) => {
                out.push(self.builder.ins().iconst(types::I64, 0))
            }
            (Shape::Bool, None) => out.push(self.builder.ins().iconst(types::I8, 0)),
            (Shape::Absent, _) => {}
            (Shape::Record(fields), Some(Val::Record(values))) if fields.len() == values.len() => {
                for (field, value) in fields.iter().zip(values) {
                    self.project(arm, Some(value), field, out)?;
                }
            }
            (Shape::Record(fields), None) => {
                for field in fields {
                    self.project(arm, None, field, out)?;
                }
            }
            (Shape::List(slots, offsets), value) => {
                let items: &[Element] = match value {
                    Some(Val::List(items)) => items,
                    None => &[],
                    Some(_) => return Err(CodegenError::Internal("a list that is not one")),
                };
                // Element by element when the skeletons agree, else this
                // arm's elements sit at their place in the concatenation.
                let start = arm_start(offsets.as_deref(), arm);
                for (index, (dynamic, slot)) in slots.iter().enumerate() {
                    let own = own_element(start, index, items);
                    if *dynamic {
                        let present = self.presence(own.map(|item| item.present));
                        out.push(present);
                    }
                    self.project(arm, own.map(|item| &item.value), slot, out)?;
                }
            }
            (Shape::Text(slots, offsets), value) => {
                let pieces: &[Piece] = match value {
                    Some(Val::Text(pieces)) => pieces,
                    None => &[],
                    Some(_) => return Err(CodegenError::Internal("a text that is not one")),
                };
                let start = arm_start(offsets.as_deref(), arm);
                for (index, (dynamic, _)) in slots.iter().enumerate() {
                    let own = own_element(start, index, pieces);
                    if *dynamic {
                        let present = self.presence(own.map(|piece| piece.present));
                        out.push(present);
                    }
                }
            }
            _ => return Err(CodegenError::Internal("an arm that does not fit the merge")),
        }
        Ok(())
    }
    /// Branch on `condition` (an `I8`) to two new blocks; returns them.
    pub(super) fn branch(&mut self, condition: Value) -> (Block, Block) {
        let yes = self.builder.create_block();
        let no = self.builder.create_block();
        self.builder.ins().brif(condition, yes, &[], no, &[]);
        self.builder.seal_block(yes);
        self.builder.seal_block(no);
        (yes, no)
    }

    pub(super) fn translate_bool(&mut self, expr: &'a Expr) -> Result<Value> {
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
        if speculable(self.program, [then, otherwise]) {
            let yes = self.translate_expr(then)?;
            let no = self.translate_expr(otherwise)?;
            return self.select_among(vec![condition], vec![yes], Some(no), NativeStatus::Range);
        }
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
        if speculable(self.program, [right]) {
            let b = self.translate_bool(right)?;
            return Ok(Val::Bool(if is_and {
                self.builder.ins().band(a, b)
            } else {
                self.builder.ins().bor(a, b)
            }));
        }
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
        if speculable(
            self.program,
            arms.iter().map(|(_, body)| body).chain(default),
        ) {
            let mut hits = Vec::with_capacity(arms.len());
            let mut values = Vec::with_capacity(arms.len());
            for (variants, body) in arms {
                hits.push(self.variant_hit(tag, variants));
                values.push(self.translate_expr(body)?);
            }
            let default = match default {
                Some(body) => Some(self.translate_expr(body)?),
                None => None,
            };
            return self.select_among(hits, values, default, NativeStatus::BadInput);
        }
        let mut finished = Vec::with_capacity(arms.len() + 1);
        for (variants, body) in arms {
            let hit = self.variant_hit(tag, variants);
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
                self.fail_always_because(NativeStatus::BadInput);
                self.zero_of(ty)?
            }
        };
        finished.push(self.finish_arm(value));
        self.merge(finished)
    }

    /// An `I8`: 1 when `tag` is one of `variants`.
    fn variant_hit(&mut self, tag: Value, variants: &[u32]) -> Value {
        let mut hit = self.builder.ins().iconst(types::I8, 0);
        for variant in variants {
            let equal = self
                .builder
                .ins()
                .icmp_imm_s(IntCC::Equal, tag, i64::from(*variant));
            hit = self.builder.ins().bor(hit, equal);
        }
        hit
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
            self.fail_always_because(NativeStatus::BeforeFirstDate);
            return self.zero_of(&info.ty);
        };
        let first = self.date_const(*first_date);
        let before = self.builder.ins().icmp(IntCC::SignedLessThan, date, first);
        self.fail_if_because(before, NativeStatus::BeforeFirstDate);
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
            Const::Time(_) | Const::Timestamp(_) | Const::Class { .. } => {
                return Err(CodegenError::Unsupported("clock time and classes of time"));
            }
        })
    }

    pub(super) fn select_val(&mut self, condition: Value, yes: Val, no: Val) -> Result<Val> {
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
        function: &'a avtal_compiler::ir::Function,
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
        if speculable(self.program, rows.iter().map(|row| &row.result)) {
            let mut hits = Vec::with_capacity(rows.len());
            for row in rows {
                hits.push(self.row_hit(row, &inputs)?);
            }
            let mut values = Vec::with_capacity(rows.len());
            for row in rows {
                values.push(self.translate_expr(&row.result)?);
            }
            return self.select_among(hits, values, None, NativeStatus::NoTableRow);
        }
        let mut finished = Vec::with_capacity(rows.len() + 1);
        for row in rows {
            let hit = self.row_hit(row, &inputs)?;
            let (yes, no) = self.branch(hit);
            self.builder.switch_to_block(yes);
            let value = self.translate_expr(&row.result)?;
            finished.push(self.finish_arm(value));
            self.builder.switch_to_block(no);
        }
        self.fail_always_because(NativeStatus::NoTableRow);
        let value = self.zero_of(ret)?;
        finished.push(self.finish_arm(value));
        self.merge(finished)
    }

    /// An `I8`: 1 when every cell of `row` accepts its input.
    fn row_hit(&mut self, row: &TableRow, inputs: &[Val]) -> Result<Value> {
        let mut hit = self.builder.ins().iconst(types::I8, 1);
        for (cell, input) in row.cells.iter().zip(inputs) {
            let accepts = self.translate_cell(cell, input)?;
            hit = self.builder.ins().band(hit, accepts);
        }
        Ok(hit)
    }

    /// The first of `values` whose `hit` is set, else `default`, else the
    /// record fails with `none` (the same failure, at the same point, as
    /// the branching form), chosen by `select`s over values already
    /// computed (`speculate.rs` says when that is allowed). Numbers meet at
    /// their common scale, as in `merge`.
    fn select_among(
        &mut self,
        hits: Vec<Value>,
        values: Vec<Val>,
        default: Option<Val>,
        none: NativeStatus,
    ) -> Result<Val> {
        let mut all: Vec<Val> = Vec::with_capacity(values.len() + 1);
        for value in values.into_iter().chain(default.clone()) {
            all.push(self.plain(value));
        }
        let shape = unite(all.iter().map(shape_of).collect())?;
        let mut leaves = Vec::with_capacity(all.len());
        for (index, value) in all.iter().enumerate() {
            let mut out = Vec::new();
            self.project(index, Some(value), &shape, &mut out)?;
            leaves.push(out);
        }
        if default.is_none() {
            let mut any = self.builder.ins().iconst(types::I8, 0);
            for hit in &hits {
                any = self.builder.ins().bor(any, *hit);
            }
            let missed = self.builder.ins().bxor_imm_u(any, 1);
            self.fail_if_because(missed, none);
        }
        // Without a default, the last value is also what "no hit" would
        // give, and no hit has already ended the record.
        let mut chosen = leaves
            .pop()
            .ok_or(CodegenError::Internal("a choice without alternatives"))?;
        for (hit, alternative) in hits.iter().zip(leaves).rev() {
            chosen = alternative
                .into_iter()
                .zip(chosen)
                .map(|(yes, no)| self.builder.ins().select(*hit, yes, no))
                .collect();
        }
        rebuild(&shape, &mut chosen.into_iter())
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

    /// Every requirement is evaluated; `.ok` when all hold, `.failed` the
    /// names (`handle`) and `.reasons` the reasons of those that do not,
    /// in order (lists of texts, each present when its requirement failed).
    fn translate_condition(&mut self, requirements: &'a [Requirement]) -> Result<Val> {
        let mut ok = self.builder.ins().iconst(types::I8, 1);
        let mut failed = Vec::with_capacity(requirements.len());
        let mut reasons = Vec::with_capacity(requirements.len());
        for requirement in requirements {
            let holds = self.translate_bool(&requirement.test)?;
            ok = self.builder.ins().band(ok, holds);
            let missing = self.builder.ins().bxor_imm_u(holds, 1);
            failed.push(Element {
                present: Some(missing),
                value: Val::Text(super::lists::text_const(requirement.handle())),
            });
            reasons.push(Element {
                present: Some(missing),
                value: Val::Text(super::lists::text_const(&requirement.reason)),
            });
        }
        Ok(Val::Record(vec![
            Val::Bool(ok),
            Val::List(failed),
            Val::List(reasons),
        ]))
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
        let room =
            self.translate_arithmetic(avtal_compiler::ir::BinOp::Sub, minuend, subtrahend)?;
        let op = if limit.at_most {
            avtal_compiler::ir::BinOp::Gt
        } else {
            avtal_compiler::ir::BinOp::Lt
        };
        let violated = self.translate_compare(op, used.clone(), bound.clone())?;
        Ok(Val::Record(vec![used, bound, room, violated]))
    }
}

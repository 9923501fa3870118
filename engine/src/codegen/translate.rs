//! The `FunctionTranslator`: typed IR → Cranelift IR for one entry point.
//!
//! Every call is inlined (the checker forbids recursion), so a whole entry
//! point becomes one native function `fn(input, output) -> status`. A
//! value is a [`Val`]: an SSA value with its representation (a number is an
//! `i64` mantissa whose scale is known here, at compile time), or a record
//! of such values, which never touches memory until it is the output.
//!
//! Errors never trap: an operation that may fail (an overflow, a division,
//! a date off the calendar, a param before its first date, a table with no
//! row) branches to a cold block that returns its [`NativeStatus`] as the
//! record's status (nonzero: "evaluate this record with the interpreter",
//! or for a shared library, the error to report); see
//! [`FunctionTranslator::fail_if_because`]. `translate_expr` is one
//! `match`; the constructs live in `translate_<construct>` helpers here, in
//! `control.rs` and `numeric.rs`.

use cranelift_codegen::ir::{Block, InstBuilder, MemFlagsData, Value, condcodes::IntCC, types};
use cranelift_frontend::FunctionBuilder;

use super::calendar::{self, Part};
use super::layout::{Encoding, RecordLayout, TextPiece};
use super::lists::text_const;
use super::numeric::Checked;
use super::{CodegenError, NativeStatus};
use avtal_compiler::clock;
use avtal_compiler::ir::{BinOp, Builtin, Const, Expr, ExprKind, LocalId, Program, UnOp};
use avtal_compiler::types::Type;

/// Largest scale a compiled number may have: `10^18` still fits an `i64`.
pub(super) const MAX_SCALE: u32 = 18;

/// Deepest nesting translated; the interpreter stops at 400
/// (`eval::functions::MAX_DEPTH`) with an error, which the compiled code
/// must never get past, so deep programs are left to the interpreter.
const MAX_DEPTH: u32 = 300;

/// A value during translation.
#[derive(Debug, Clone)]
pub(super) enum Val {
    /// `mantissa / 10^scale`, the mantissa an `I64`.
    Num { v: Value, scale: u32 },
    /// An `I8`, 0 or 1.
    Bool(Value),
    /// An `I64` ordinal of the calendar or the clock, as the IR type
    /// says: a `Date`'s day number (0001-01-01 is 1), a `Time`'s minute
    /// of the day, a `Timestamp`'s minute from 0001-01-01T00:00. The three
    /// never meet (the checker keeps them apart), so they share the
    /// comparisons, branches and selects of one variant.
    Date(Value),
    /// An `I64` variant index.
    Variant(Value),
    /// An exact quotient `num / (den · 10^scale)`, `den > 0` (`ratio.rs`).
    Ratio { num: Value, den: Value, scale: u32 },
    /// A record, an `Eligibility` or a `LimitCheck`, field by field.
    Record(Vec<Val>),
    /// A list whose length is bounded at compile time (`lists.rs`): its
    /// possible elements in order, each present statically or by an `I8`.
    List(Vec<Element>),
    /// A text made of compile-time pieces, each present statically or by
    /// an `I8` (`lists.rs`); the value is the present pieces concatenated.
    Text(Vec<Piece>),
    /// A list whose length is known only at run time (an input list,
    /// `days_of`, and comprehensions over them): index into
    /// `FunctionTranslator::seqs`, folded by a loop where it is used
    /// (`seq.rs`).
    Seq(usize),
    /// A value the compiled code does not hold; using it is a
    /// compile-time `Unsupported`.
    Absent,
}

/// One possible element of a [`Val::List`].
#[derive(Debug, Clone)]
pub(super) struct Element {
    /// `None`: always present; else an `I8`, 1 when the element is there.
    pub(super) present: Option<Value>,
    pub(super) value: Val,
}

/// One possible piece of a [`Val::Text`]; never the empty text.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    /// `None`: always present; else an `I8`, 1 when the piece is there.
    pub(super) present: Option<Value>,
    pub(super) text: TextPiece,
}

pub(super) struct FunctionTranslator<'a, 'b> {
    pub(super) program: &'a Program,
    pub(super) builder: FunctionBuilder<'b>,
    /// The cold blocks returning each [`NativeStatus`] met so far.
    pub(super) exits: Vec<(NativeStatus, Block)>,
    /// One frame of locals per inlined call, innermost last.
    pub(super) frames: Vec<Vec<Option<Val>>>,
    pub(super) depth: u32,
    /// Per output field, the pieces of a text result (empty for others),
    /// filled by `store_record`: the decoder's table for the bit mask.
    pub(super) output_texts: Vec<Vec<TextPiece>>,
    /// Per `classes` item, the module's table of day profiles
    /// (`classes.rs`).
    pub(super) class_tables: Vec<Option<cranelift_codegen::ir::GlobalValue>>,
    pub(super) pointer_type: types::Type,
    /// The run-time lists met so far (`Val::Seq`).
    pub(super) seqs: Vec<super::seq::SeqDef<'a>>,
    /// Per `classes` item, the module's function computing a day's
    /// profile (`classes.rs`); `None` inside those functions themselves.
    pub(super) profiles: Vec<Option<cranelift_codegen::ir::FuncRef>>,
    /// True in a profile function: an exit returns the negated status as
    /// an `I64` instead of the status byte.
    pub(super) exits_negated: bool,
    /// Per `classes` item, the record's memo of classified intervals
    /// (`class_memo.rs`); empty in profile functions.
    pub(super) class_memos: Vec<Option<super::class_memo::ClassMemo>>,
    /// The memoised rules this function calls through their tables
    /// (`day_memo.rs`); empty in profile and memo functions.
    pub(super) day_memos: Vec<super::day_memo::DayMemo>,
    /// Fuse a block's loops over one input list (`fuse.rs`): only where
    /// any failure sends the record to the interpreter (the JIT).
    pub(super) fuse_loops: bool,
    /// True while a fused loop's body is translated.
    pub(super) in_fused_loop: bool,
    /// The block that empties the class memos and the body it enters
    /// (`class_memo.rs`), and how many entries the calls reach.
    pub(super) class_memo_blocks: Option<(Block, Block)>,
    pub(super) class_memo_reach: i64,
    /// Intervals classified for every class of an item before the calls
    /// that read them (`fuse.rs`, `day_walks.rs`): the item, the day of
    /// `hours_on` (`None` for `hours_in`), `lo`, `hi` and the minutes of
    /// each class.
    pub(super) known_walks: Vec<KnownWalk>,
}

pub(super) type Result<T> = std::result::Result<T, CodegenError>;

/// An interval classified ahead of its calls (`known_walks`).
pub(super) type KnownWalk = (
    avtal_compiler::ir::ClassesId,
    Option<Value>,
    Value,
    Value,
    Vec<Value>,
);

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// A translator for a helper function of the module (a day's profile,
    /// a memoised rule): no tables, profiles or memos of its own, and exits
    /// that return the negated status as an `I64`. The record function
    /// sets its tables, profiles and memos over this.
    pub(super) fn for_helper(
        program: &'a Program,
        builder: FunctionBuilder<'b>,
        pointer_type: types::Type,
    ) -> Self {
        FunctionTranslator {
            program,
            builder,
            exits: Vec::new(),
            frames: Vec::new(),
            depth: 1,
            output_texts: Vec::new(),
            class_tables: vec![None; program.classes.len()],
            pointer_type,
            seqs: Vec::new(),
            profiles: vec![None; program.classes.len()],
            exits_negated: true,
            class_memos: Vec::new(),
            day_memos: Vec::new(),
            fuse_loops: false,
            in_fused_loop: false,
            class_memo_blocks: None,
            class_memo_reach: 0,
            known_walks: Vec::new(),
        }
    }

    /// The input record, loaded slot by slot. The input is never written
    /// while the function runs, so its loads may move: the optimiser sinks
    /// each to where it is used instead of keeping 16 fields live.
    pub(super) fn load_record(&mut self, layout: &RecordLayout, base: Value) -> Val {
        let flags = MemFlagsData::trusted().with_readonly().with_can_move();
        let fields = layout
            .fields
            .iter()
            .enumerate()
            .map(|(index, slot)| {
                let offset = i32::try_from(slot.offset).unwrap_or(i32::MAX);
                let word = self.builder.ins().load(types::I64, flags, base, offset);
                match slot.encoding {
                    Encoding::Number { scale } => Val::Num { v: word, scale },
                    Encoding::Date | Encoding::Time | Encoding::Timestamp => Val::Date(word),
                    Encoding::Bool => Val::Bool(self.builder.ins().ireduce(types::I8, word)),
                    Encoding::Variant => Val::Variant(word),
                    // An input text is one piece naming its field.
                    Encoding::Text => Val::Text(vec![Piece {
                        present: None,
                        text: TextPiece::Input(index),
                    }]),
                    Encoding::List => {
                        let length = self.builder.ins().load(
                            types::I64,
                            flags,
                            base,
                            offset.saturating_add(8),
                        );
                        match &slot.element {
                            Some(element) => self.input_seq(word, length, element),
                            None => Val::Absent,
                        }
                    }
                }
            })
            .collect();
        Val::Record(fields)
    }

    /// Store the result record, each number at its slot's scale.
    pub(super) fn store_record(
        &mut self,
        layout: &RecordLayout,
        value: Val,
        base: Value,
    ) -> Result<()> {
        let Val::Record(fields) = value else {
            return Err(CodegenError::Internal(
                "an entry point result that is not a record",
            ));
        };
        let flags = MemFlagsData::trusted();
        self.output_texts = vec![Vec::new(); layout.fields.len()];
        let mut words = Vec::with_capacity(layout.fields.len());
        for (index, (slot, field)) in layout.fields.iter().zip(fields).enumerate() {
            let field = self.plain(field);
            let word = match (slot.encoding, field) {
                (Encoding::Text, Val::Text(pieces)) => self.text_mask(index, pieces)?,
                (Encoding::Number { scale }, num @ Val::Num { .. }) => {
                    match self.rescale(num, scale)? {
                        Val::Num { v, .. } => v,
                        _ => return Err(CodegenError::Internal("a number that is not one")),
                    }
                }
                (Encoding::Date | Encoding::Time | Encoding::Timestamp, Val::Date(v))
                | (Encoding::Variant, Val::Variant(v)) => v,
                (Encoding::Bool, Val::Bool(v)) => self.builder.ins().uextend(types::I64, v),
                _ => return Err(CodegenError::Internal("a result field of the wrong kind")),
            };
            let offset = i32::try_from(slot.offset).unwrap_or(i32::MAX);
            words.push((word, offset));
        }
        // Stores last: a rescale above may still fail the record, and a
        // failed record leaves its output untouched.
        for (word, offset) in words {
            self.builder.ins().store(flags, word, base, offset);
        }
        Ok(())
    }

    /// The bit mask of a text result's present pieces; the pieces go to
    /// `output_texts[index]`.
    fn text_mask(&mut self, index: usize, pieces: Vec<super::translate::Piece>) -> Result<Value> {
        if pieces.len() > 63 {
            return Err(CodegenError::Unsupported(
                "a text result of more than 63 pieces",
            ));
        }
        let mut mask = self.builder.ins().iconst(types::I64, 0);
        let mut texts = Vec::with_capacity(pieces.len());
        for (bit, piece) in pieces.into_iter().enumerate() {
            let bit_value = 1i64 << bit;
            let word = match piece.present {
                None => self.builder.ins().iconst(types::I64, bit_value),
                Some(p) => {
                    let one = self.builder.ins().uextend(types::I64, p);
                    self.builder
                        .ins()
                        .ishl_imm_u(one, i64::from(bit_value.trailing_zeros()))
                }
            };
            mask = self.builder.ins().bor(mask, word);
            texts.push(piece.text);
        }
        if let Some(slot) = self.output_texts.get_mut(index) {
            *slot = texts;
        }
        Ok(mask)
    }

    /// Leave the record as out of the compiled range when `condition` (an
    /// `I8`) is set.
    pub(super) fn fail_if(&mut self, condition: Value) {
        self.fail_if_because(condition, NativeStatus::Range);
    }

    /// Return `why` as the record's status when `condition` is set. Code
    /// runs in the interpreter's order of evaluation and never evaluates
    /// what the interpreter would not (branches are real branches), so
    /// the first failure met is the interpreter's first too, and nothing
    /// after it matters. An early exit keeps each flag's life to one
    /// instruction: accumulating flags instead kept them all live to the
    /// end of the function and spilled registers.
    pub(super) fn fail_if_because(&mut self, condition: Value, why: NativeStatus) {
        let exit = self.exit_block(why);
        let go_on = self.builder.create_block();
        self.builder.ins().brif(condition, exit, &[], go_on, &[]);
        self.builder.seal_block(go_on);
        self.builder.switch_to_block(go_on);
    }

    /// Leave the record as out of the compiled range unconditionally.
    pub(super) fn fail_always(&mut self) {
        self.fail_always_because(NativeStatus::Range);
    }

    /// Return `why` unconditionally. Translation goes on in a block that
    /// is never reached, so the caller still gets a value to build with.
    pub(super) fn fail_always_because(&mut self, why: NativeStatus) {
        let exit = self.exit_block(why);
        self.builder.ins().jump(exit, &[]);
        let unreachable = self.builder.create_block();
        self.builder.seal_block(unreachable);
        self.builder.switch_to_block(unreachable);
    }

    /// The cold block that returns `why`, one per failure; filled by
    /// [`Self::finish_exits`] once the function's body is done.
    fn exit_block(&mut self, why: NativeStatus) -> Block {
        if let Some((_, block)) = self.exits.iter().find(|(w, _)| *w == why) {
            return *block;
        }
        let block = self.builder.create_block();
        self.builder.set_cold_block(block);
        self.exits.push((why, block));
        block
    }

    /// Fill and seal the exit blocks: each returns its failure's code.
    /// Call after the body's last block is filled.
    pub(super) fn finish_exits(&mut self) {
        for (why, block) in std::mem::take(&mut self.exits) {
            self.builder.switch_to_block(block);
            self.builder.seal_block(block);
            let code = if self.exits_negated {
                self.builder.ins().iconst(types::I64, -(why as i64))
            } else {
                self.builder.ins().iconst(types::I8, why as i64)
            };
            self.builder.ins().return_(&[code]);
        }
    }

    /// A harmless value of type `ty`, for code after a failure.
    pub(super) fn zero_of(&mut self, ty: &Type) -> Result<Val> {
        Ok(match ty {
            t if t.is_numeric() => Val::Num {
                v: self.builder.ins().iconst(types::I64, 0),
                scale: 0,
            },
            Type::Date | Type::Time | Type::Timestamp => {
                Val::Date(self.builder.ins().iconst(types::I64, 0))
            }
            Type::Bool => Val::Bool(self.builder.ins().iconst(types::I8, 0)),
            Type::Enum(_) => Val::Variant(self.builder.ins().iconst(types::I64, 0)),
            Type::Record(id) => {
                let info = self
                    .program
                    .record(*id)
                    .ok_or(CodegenError::Internal("a record type that does not exist"))?;
                let field_types: Vec<Type> = info.fields.iter().map(|f| f.ty.clone()).collect();
                let mut fields = Vec::with_capacity(field_types.len());
                for field_ty in &field_types {
                    fields.push(self.zero_of(field_ty)?);
                }
                Val::Record(fields)
            }
            Type::Eligibility => Val::Record(vec![
                Val::Bool(self.builder.ins().iconst(types::I8, 0)),
                Val::List(Vec::new()),
                Val::List(Vec::new()),
            ]),
            Type::List(_) => Val::List(Vec::new()),
            Type::Text => Val::Text(Vec::new()),
            Type::LimitCheck(measured) => {
                let mut fields = Vec::with_capacity(4);
                for _ in 0..3 {
                    fields.push(self.zero_of(measured)?);
                }
                fields.push(Val::Bool(self.builder.ins().iconst(types::I8, 0)));
                Val::Record(fields)
            }
            _ => {
                return Err(CodegenError::Unsupported(
                    "a value of a type without a fixed layout",
                ));
            }
        })
    }

    /// Translate one expression in the current frame.
    pub(super) fn translate_expr(&mut self, expr: &'a Expr) -> Result<Val> {
        if self.depth >= MAX_DEPTH {
            return Err(CodegenError::Unsupported(
                "nesting deeper than the compiled limit",
            ));
        }
        // Scales here are the representation's, known exactly at every
        // node, and every operation is by value, so a `Decimal` (whose
        // run-time scale the interpreter does not fix) computes the same
        // value; only its layout slot would need a run-time scale, and
        // layouts do not hold `Decimal` fields.
        self.depth += 1;
        let result = match &expr.kind {
            ExprKind::Const(constant) => self.translate_const(constant),
            ExprKind::Local(local) => self.translate_local(*local),
            ExprKind::Param { param, at } => self.translate_param(*param, at),
            ExprKind::Call { func, args } => self.translate_call_or_memo(*func, args),
            ExprKind::Builtin { builtin, args } => self.translate_builtin(*builtin, args),
            ExprKind::Unary(op, operand) => self.translate_unary(*op, operand),
            ExprKind::Binary(op, left, right) => self.translate_binary(*op, left, right),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.translate_if(cond, then, otherwise),
            ExprKind::Match {
                scrutinee,
                arms,
                default,
            } => self.translate_match(scrutinee, arms, default.as_deref(), &expr.ty),
            ExprKind::Let { local, value, body } => match self.fusion_plan(expr) {
                Some(plan) => self.translate_fused(plan),
                None => self.translate_let(*local, value, body),
            },
            ExprKind::Field(record, index) => self.translate_field(record, *index),
            ExprKind::Record { fields, .. } => {
                let mut values = Vec::with_capacity(fields.len());
                for field in fields {
                    values.push(self.translate_expr(field)?);
                }
                Ok(Val::Record(values))
            }
            ExprKind::Round { value, step, mode } => self.translate_round(value, *step, *mode),
            ExprKind::List(items) => self.translate_list(expr, items),
            ExprKind::Comprehension {
                element,
                binder,
                list,
                filter,
            } => self.translate_comprehension(element, *binder, list, filter.as_deref()),
            ExprKind::Aggregate(aggregate, list) => self.translate_aggregate(*aggregate, list),
            ExprKind::Refuse { test, body, .. } => match self.fusion_plan(expr) {
                Some(plan) => self.translate_fused(plan),
                None => self.translate_refuse(test, body),
            },
            ExprKind::ExpectRefused { .. } => Err(CodegenError::Unsupported(
                "an example's `refused` assertion",
            )),
            ExprKind::Error => Err(CodegenError::Internal(
                "an expression the checker could not type",
            )),
        };
        self.depth -= 1;
        result
    }

    fn translate_const(&mut self, constant: &Const) -> Result<Val> {
        Ok(match constant {
            Const::Number(n) => {
                let scale = n.scale();
                let mantissa = i64::try_from(n.mantissa())
                    .map_err(|_| CodegenError::Unsupported("a constant beyond 64 bits"))?;
                if scale > MAX_SCALE {
                    return Err(CodegenError::Unsupported(
                        "a constant with more than 18 decimals",
                    ));
                }
                Val::Num {
                    v: self.builder.ins().iconst(types::I64, mantissa),
                    scale,
                }
            }
            Const::Date(d) => Val::Date(self.date_const(*d)),
            Const::Bool(b) => Val::Bool(self.builder.ins().iconst(types::I8, i64::from(*b))),
            Const::Variant(v) => Val::Variant(self.builder.ins().iconst(types::I64, i64::from(*v))),
            Const::Text(text) => Val::Text(text_const(text)),
            Const::Time(t) => Val::Date(
                self.builder
                    .ins()
                    .iconst(types::I64, i64::from(clock::minute_of_day(*t))),
            ),
            Const::Timestamp(t) => Val::Date(
                self.builder
                    .ins()
                    .iconst(types::I64, clock::timestamp_minutes(*t)),
            ),
            Const::Class { .. } => Val::Absent,
        })
    }

    pub(super) fn date_const(&mut self, date: chrono::NaiveDate) -> Value {
        use chrono::Datelike;
        self.builder
            .ins()
            .iconst(types::I64, i64::from(date.num_days_from_ce()))
    }

    fn translate_local(&mut self, local: LocalId) -> Result<Val> {
        self.frames
            .last()
            .and_then(|frame| frame.get(local.0 as usize))
            .and_then(|slot| slot.clone())
            .ok_or(CodegenError::Internal("a local read before it is bound"))
    }

    /// Bind `local` in the current frame.
    pub(super) fn bind(&mut self, local: LocalId, value: Val) -> Result<()> {
        let slot = self
            .frames
            .last_mut()
            .and_then(|frame| frame.get_mut(local.0 as usize))
            .ok_or(CodegenError::Internal("a local outside its frame"))?;
        *slot = Some(value);
        Ok(())
    }

    fn translate_let(&mut self, local: LocalId, value: &'a Expr, body: &'a Expr) -> Result<Val> {
        let value = self.translate_expr(value)?;
        if let Val::Seq(seq) = value {
            self.seq_made_once(seq)?;
        }
        self.bind(local, value)?;
        self.translate_expr(body)
    }

    fn translate_field(&mut self, record: &'a Expr, index: u32) -> Result<Val> {
        match self.translate_expr(record)? {
            Val::Record(fields) => match fields.into_iter().nth(index as usize) {
                Some(Val::Absent) => Err(CodegenError::Unsupported("a value without a layout")),
                Some(field) => Ok(field),
                None => Err(CodegenError::Internal("a field index beyond the record")),
            },
            _ => Err(CodegenError::Internal(
                "a field of something that is not a record",
            )),
        }
    }

    fn translate_unary(&mut self, op: UnOp, operand: &'a Expr) -> Result<Val> {
        match (op, self.translate_expr(operand)?) {
            (UnOp::Neg, Val::Num { v, scale }) => {
                let v = self.checked_neg(v);
                Ok(Val::Num { v, scale })
            }
            (UnOp::Neg, Val::Ratio { num, den, scale }) => Ok(self.ratio_neg(num, den, scale)),
            (UnOp::Not, Val::Bool(b)) => Ok(Val::Bool(self.builder.ins().bxor_imm_u(b, 1))),
            _ => Err(CodegenError::Internal("an operand of the wrong kind")),
        }
    }

    fn translate_binary(&mut self, op: BinOp, left: &'a Expr, right: &'a Expr) -> Result<Val> {
        match op {
            BinOp::And => return self.translate_and_or(true, left, right),
            BinOp::Or => return self.translate_and_or(false, left, right),
            _ => {}
        }
        let a = self.translate_expr(left)?;
        let b = self.translate_expr(right)?;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::MulPercent => {
                if matches!(a, Val::Ratio { .. }) || matches!(b, Val::Ratio { .. }) {
                    self.translate_ratio_arithmetic(op, a, b)
                } else {
                    self.translate_arithmetic(op, a, b)
                }
            }
            BinOp::Div | BinOp::DivPercent => {
                // A quotient may not terminate: it stays an exact fraction
                // until a `round` (ratio.rs).
                self.translate_divide(op, a, b)
            }
            BinOp::AddDays | BinOp::AddMonths | BinOp::SubDays | BinOp::SubMonths => {
                self.translate_date_move(op, a, b)
            }
            // Minutes / 60, exact: a fraction until a `round`.
            BinOp::TimeDiff => match (a, b) {
                (Val::Date(end), Val::Date(start)) => {
                    let num = self.checked(Checked::Sub, end, start);
                    Ok(Val::Ratio {
                        num,
                        den: self.builder.ins().iconst(types::I64, 60),
                        scale: 0,
                    })
                }
                _ => Err(CodegenError::Internal(
                    "a timestamp difference of non-timestamps",
                )),
            },
            BinOp::DateDiff => match (a, b) {
                (Val::Date(x), Val::Date(y)) => Ok(Val::Num {
                    v: self.builder.ins().isub(x, y),
                    scale: 0,
                }),
                _ => Err(CodegenError::Internal("a date difference of non-dates")),
            },
            BinOp::Concat => match (a, b) {
                (Val::Text(mut x), Val::Text(y)) => {
                    x.extend(y);
                    Ok(Val::Text(x))
                }
                _ => Err(CodegenError::Internal("a concatenation of non-texts")),
            },
            BinOp::Eq | BinOp::Ne if matches!(a, Val::Text(_)) => {
                self.translate_text_equal(op == BinOp::Ne, a, b)
            }
            BinOp::Eq | BinOp::Ne if matches!(a, Val::List(_) | Val::Seq(_)) => {
                self.translate_list_equal(op == BinOp::Ne, a, b)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.translate_compare(op, a, b)
            }
            BinOp::And | BinOp::Or => Err(CodegenError::Internal("and/or handled above")),
        }
    }

    /// `date ± amount` by inline calendar code; the amount may stand on
    /// either side of `+`.
    fn translate_date_move(&mut self, op: BinOp, a: Val, b: Val) -> Result<Val> {
        let (a, b) = (self.plain(a), self.plain(b));
        let (date, amount) = match (a, b) {
            (Val::Date(d), Val::Num { v, scale: 0 }) | (Val::Num { v, scale: 0 }, Val::Date(d)) => {
                (d, v)
            }
            _ => {
                return Err(CodegenError::Unsupported(
                    "a date moved by a non-integer amount",
                ));
            }
        };
        let subtract = matches!(op, BinOp::SubDays | BinOp::SubMonths);
        let (moved, off) = if matches!(op, BinOp::AddDays | BinOp::SubDays) {
            calendar::add_days(&mut self.builder, date, amount, subtract)
        } else {
            calendar::add_months(&mut self.builder, date, amount, subtract)
        };
        self.fail_if_because(off, NativeStatus::DateRange);
        Ok(Val::Date(moved))
    }

    fn translate_builtin(&mut self, builtin: Builtin, args: &'a [Expr]) -> Result<Val> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            let value = self.translate_expr(arg)?;
            values.push(self.plain(value));
        }
        match builtin {
            Builtin::Weekday
            | Builtin::IntDiv
            | Builtin::IntMod
            | Builtin::ToHours
            | Builtin::DateOf
            | Builtin::TimeOf
            | Builtin::MakeTimestamp => self.translate_clock_builtin(builtin, values),
            Builtin::HoursIn | Builtin::HoursOn | Builtin::InClass => {
                self.translate_class_builtin(builtin, args, values)
            }
            Builtin::DaysOf => match values.as_slice() {
                [Val::Date(lo), Val::Date(hi)] => Ok(self.days_seq(*lo, *hi)),
                _ => Err(CodegenError::Internal("`days_of` of non-timestamps")),
            },
            Builtin::Min | Builtin::Max => self.translate_min_max(builtin == Builtin::Min, values),
            Builtin::Abs => match values.as_slice() {
                [Val::Num { v, scale }] => {
                    let (v, scale) = (*v, *scale);
                    let negated = self.checked_neg(v);
                    let negative = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, v, 0);
                    Ok(Val::Num {
                        v: self.builder.ins().select(negative, negated, v),
                        scale,
                    })
                }
                _ => Err(CodegenError::Internal("`abs` of a non-number")),
            },
            Builtin::ToDays | Builtin::ToMonths => values
                .into_iter()
                .next()
                .ok_or(CodegenError::Internal("a builtin without its argument")),
            Builtin::ToWeeks | Builtin::ToYears => {
                let factor = if builtin == Builtin::ToWeeks { 7 } else { 12 };
                match values.as_slice() {
                    [Val::Num { v, scale }] => {
                        let (v, scale) = (*v, *scale);
                        let v = self.checked_mul_const(v, factor);
                        Ok(Val::Num { v, scale })
                    }
                    _ => Err(CodegenError::Internal("a duration of a non-number")),
                }
            }
            Builtin::Year | Builtin::Month | Builtin::Day | Builtin::DaysInMonth => {
                let part = match builtin {
                    Builtin::Year => Part::Year,
                    Builtin::Month => Part::Month,
                    Builtin::Day => Part::Day,
                    _ => Part::DaysInMonth,
                };
                let [Val::Date(d)] = values.as_slice() else {
                    return Err(CodegenError::Internal("a date part of a non-date"));
                };
                let v = calendar::date_part(&mut self.builder, *d, part);
                Ok(Val::Num { v, scale: 0 })
            }
            Builtin::MakeDate => {
                let mut parts = Vec::with_capacity(3);
                for value in values {
                    // `date(y, m, d)` wants whole numbers; a fraction goes
                    // to the interpreter, which reports it.
                    match value {
                        Val::Num { v, scale: 0 } => parts.push(v),
                        _ => return Err(CodegenError::Unsupported("`date` of non-integers")),
                    }
                }
                let [y, m, d] = parts.as_slice() else {
                    return Err(CodegenError::Internal("`date` without three arguments"));
                };
                let (y, m, d) = (*y, *m, *d);
                let (v, invalid) = calendar::make_date(&mut self.builder, y, m, d);
                self.fail_if_because(invalid, NativeStatus::DateRange);
                Ok(Val::Date(v))
            }
        }
    }
}

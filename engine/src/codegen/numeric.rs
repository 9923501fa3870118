//! Scaled fixed-point arithmetic: `i64` mantissas with scales fixed at
//! compile time, every step overflow-checked.
//!
//! A sum aligns both sides to the larger scale (multiplying by a power of
//! ten, checked), a product adds the scales (a percentage adds 2 more, for
//! its `/ 100`), so no step ever rounds: the value is the interpreter's
//! exact value whenever no overflow flag is set. `round` is the only step
//! that drops digits, by truncating division by a constant and a
//! mode-dependent correction, exactly as `eval/round.rs` decides.

use cranelift_codegen::ir::{InstBuilder, InstructionData, Opcode, Value, condcodes::IntCC, types};
use rust_decimal::Decimal;

use super::CodegenError;
use super::translate::{FunctionTranslator, MAX_SCALE, Result, Val};
use avtal_compiler::ir::{BinOp, Expr, RoundMode};

/// `10^exp` for `exp ≤ 18`.
pub(super) fn pow10(exp: u32) -> Option<i64> {
    10i64.checked_pow(exp)
}

/// An overflow-checked `i64` operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Checked {
    Add,
    Sub,
    Mul,
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// The value of `v` when it is an `iconst` (Cranelift's optimiser does
    /// not fold the `*_overflow` instructions, so we fold them here).
    pub(super) fn known(&self, v: Value) -> Option<i64> {
        let dfg = &self.builder.func.dfg;
        let inst = dfg.value_def(v).inst()?;
        match dfg.insts[inst] {
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            } if dfg.value_type(v) == types::I64 => Some(imm.bits()),
            _ => None,
        }
    }

    /// `x op y` on `i64`, leaving the fixed point on overflow. Constants
    /// are folded, and `x + 0`, `x * 1`, `x * 0` need no check at all.
    pub(super) fn checked(&mut self, op: Checked, x: Value, y: Value) -> Value {
        let (a, b) = (self.known(x), self.known(y));
        if let (Some(a), Some(b)) = (a, b) {
            let folded = match op {
                Checked::Add => a.checked_add(b),
                Checked::Sub => a.checked_sub(b),
                Checked::Mul => a.checked_mul(b),
            };
            match folded {
                Some(v) => return self.builder.ins().iconst(types::I64, v),
                None => {
                    // Always out of range: the interpreter takes the record.
                    self.fail_always();
                    return self.builder.ins().iconst(types::I64, 0);
                }
            }
        }
        match (op, a, b) {
            (Checked::Add, Some(0), _) | (Checked::Mul, Some(1), _) => return y,
            (Checked::Add | Checked::Sub, _, Some(0)) | (Checked::Mul, _, Some(1)) => return x,
            (Checked::Mul, Some(0), _) | (Checked::Mul, _, Some(0)) => {
                return self.builder.ins().iconst(types::I64, 0);
            }
            _ => {}
        }
        let (v, overflow) = match op {
            Checked::Add => self.builder.ins().sadd_overflow(x, y),
            Checked::Sub => self.builder.ins().ssub_overflow(x, y),
            Checked::Mul => self.builder.ins().smul_overflow(x, y),
        };
        self.fail_if(overflow);
        v
    }

    /// `x + half` for `x ≥ 0`, `x − half` below (`half ≥ 0`), checked.
    /// Truncating `(x ± ⌊d/2⌋) / d` rounds `x / d` half away from zero:
    /// the quotient moves one step exactly when `|r| ≥ d − |r|`, as
    /// `eval/round.rs` decides, for odd and even `d` alike.
    pub(super) fn biased_towards_sign(&mut self, x: Value, half: Value) -> Value {
        let negative = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
        let minus_half = self.builder.ins().ineg(half);
        let bias = self.builder.ins().select(negative, minus_half, half);
        self.checked(Checked::Add, x, bias)
    }

    /// `-v`, failing on `-i64::MIN`.
    pub(super) fn checked_neg(&mut self, v: Value) -> Value {
        let zero = self.builder.ins().iconst(types::I64, 0);
        self.checked(Checked::Sub, zero, v)
    }

    pub(super) fn checked_mul_const(&mut self, v: Value, factor: i64) -> Value {
        let factor = self.builder.ins().iconst(types::I64, factor);
        self.checked(Checked::Mul, v, factor)
    }

    /// The same number at a scale at least its own (exact: more zeros).
    pub(super) fn rescale(&mut self, value: Val, target: u32) -> Result<Val> {
        match self.plain(value) {
            Val::Num { v, scale } if scale == target => Ok(Val::Num { v, scale }),
            Val::Num { v, scale } if scale < target => {
                let factor = pow10(target - scale)
                    .ok_or(CodegenError::Unsupported("a scale beyond 18 decimals"))?;
                let v = self.checked_mul_const(v, factor);
                Ok(Val::Num { v, scale: target })
            }
            Val::Num { .. } => Err(CodegenError::Unsupported(
                "a number with more decimals than where it goes",
            )),
            other => Ok(other),
        }
    }

    /// Both numbers at the larger of their scales.
    fn align(&mut self, a: Val, b: Val) -> Result<(Value, Value, u32)> {
        let scale = match (&a, &b) {
            (Val::Num { scale: x, .. }, Val::Num { scale: y, .. }) => (*x).max(*y),
            _ => return Err(CodegenError::Internal("arithmetic on non-numbers")),
        };
        match (self.rescale(a, scale)?, self.rescale(b, scale)?) {
            (Val::Num { v: x, .. }, Val::Num { v: y, .. }) => Ok((x, y, scale)),
            _ => Err(CodegenError::Internal("arithmetic on non-numbers")),
        }
    }

    /// `+`, `-`, `*` and `* %`.
    pub(super) fn translate_arithmetic(&mut self, op: BinOp, a: Val, b: Val) -> Result<Val> {
        let (v, scale) = match op {
            BinOp::Add | BinOp::Sub => {
                let (x, y, scale) = self.align(a, b)?;
                let checked = if op == BinOp::Add {
                    Checked::Add
                } else {
                    Checked::Sub
                };
                (self.checked(checked, x, y), scale)
            }
            _ => {
                let (Val::Num { v: x, scale: sx }, Val::Num { v: y, scale: sy }) = (a, b) else {
                    return Err(CodegenError::Internal("a product of non-numbers"));
                };
                // `x * p %` is `x * p / 100`: two more decimals, no division.
                let extra = if op == BinOp::MulPercent { 2 } else { 0 };
                let scale = sx + sy + extra;
                if scale > MAX_SCALE {
                    return Err(CodegenError::Unsupported(
                        "a product with more than 18 decimals",
                    ));
                }
                (self.checked(Checked::Mul, x, y), scale)
            }
        };
        Ok(Val::Num { v, scale })
    }

    /// Comparisons: numbers by exact value, dates by day, bools and
    /// variants by index (`false < true`).
    pub(super) fn translate_compare(&mut self, op: BinOp, a: Val, b: Val) -> Result<Val> {
        if matches!(a, Val::Ratio { .. }) || matches!(b, Val::Ratio { .. }) {
            return self.translate_ratio_compare(op, a, b);
        }
        let (a, b) = (self.plain(a), self.plain(b));
        let (x, y) = match (a, b) {
            (a @ Val::Num { .. }, b @ Val::Num { .. }) => {
                let (x, y, _) = self.align(a, b)?;
                (x, y)
            }
            (Val::Date(x), Val::Date(y)) | (Val::Variant(x), Val::Variant(y)) => (x, y),
            (Val::Bool(x), Val::Bool(y)) => (x, y),
            _ => {
                return Err(CodegenError::Unsupported(
                    "comparing records, lists or texts",
                ));
            }
        };
        let cc = match op {
            BinOp::Eq => IntCC::Equal,
            BinOp::Ne => IntCC::NotEqual,
            BinOp::Lt => IntCC::SignedLessThan,
            BinOp::Le => IntCC::SignedLessThanOrEqual,
            BinOp::Gt => IntCC::SignedGreaterThan,
            _ => IntCC::SignedGreaterThanOrEqual,
        };
        Ok(Val::Bool(self.builder.ins().icmp(cc, x, y)))
    }

    /// `min(a, b, …)` / `max(a, b, …)` of numbers or dates. Ties keep the
    /// earlier argument, whose value is the same.
    pub(super) fn translate_min_max(&mut self, is_min: bool, values: Vec<Val>) -> Result<Val> {
        let mut iter = values.into_iter();
        let mut best = iter
            .next()
            .ok_or(CodegenError::Internal("`min`/`max` without arguments"))?;
        for next in iter {
            let next = self.plain(next);
            best = match (self.plain(best), next) {
                (a @ Val::Num { .. }, b @ Val::Num { .. }) => {
                    let (x, y, scale) = self.align(a, b)?;
                    let v = if is_min {
                        self.builder.ins().smin(x, y)
                    } else {
                        self.builder.ins().smax(x, y)
                    };
                    Val::Num { v, scale }
                }
                (Val::Date(x), Val::Date(y)) => Val::Date(if is_min {
                    self.builder.ins().smin(x, y)
                } else {
                    self.builder.ins().smax(x, y)
                }),
                _ => return Err(CodegenError::Internal("`min`/`max` of the wrong kinds")),
            };
        }
        Ok(best)
    }

    /// `round(x, step, mode)`: with `x = X / 10^s` and `step = m / 10^t`,
    /// `x / step = X' / D` for integers `X'` and `D`; `k` is the truncated
    /// quotient, moved one away from zero when the mode says so (from the
    /// remainder compared with `D / 2`), and the result is `k * m` at scale
    /// `t`, as in `eval/round.rs`.
    pub(super) fn translate_round(
        &mut self,
        value: &'a Expr,
        step: Decimal,
        mode: RoundMode,
    ) -> Result<Val> {
        let (x, s) = match self.translate_expr(value)? {
            Val::Num { v, scale } => (v, scale),
            Val::Ratio { num, den, scale } => {
                return self.translate_ratio_round(num, den, scale, step, mode);
            }
            _ => return Err(CodegenError::Internal("`round` of a non-number")),
        };
        let m = i64::try_from(step.mantissa())
            .ok()
            .filter(|m| *m > 0)
            .ok_or(CodegenError::Unsupported("a rounding step beyond 64 bits"))?;
        let t = step.scale();
        let (numerator, divisor) = if s >= t {
            let divisor = pow10(s - t)
                .and_then(|p| p.checked_mul(m))
                .ok_or(CodegenError::Unsupported("a rounding step too fine"))?;
            (x, divisor)
        } else {
            let factor = pow10(t - s).ok_or(CodegenError::Unsupported("a scale beyond 18"))?;
            (self.checked_mul_const(x, factor), m)
        };
        // A constant positive divisor: no trap, and Cranelift turns it into
        // a multiply by a magic number.
        let k = if mode == RoundMode::HalfAwayFromZero {
            // The common mode in one division: ⌊d/2⌋ towards the sign.
            let half = self.builder.ins().iconst(types::I64, divisor / 2);
            let biased = self.biased_towards_sign(numerator, half);
            self.builder.ins().sdiv_imm_s(biased, divisor)
        } else {
            let q = self.builder.ins().sdiv_imm_s(numerator, divisor);
            let product = self.builder.ins().imul_imm_s(q, divisor);
            let r = self.builder.ins().isub(numerator, product);
            let d = self.builder.ins().iconst(types::I64, divisor);
            self.round_quotient(numerator, q, r, d, mode)
        };
        let v = self.checked_mul_const(k, m);
        Ok(Val::Num { v, scale: t })
    }
}

//! Exact quotients: `num / (den · 10^scale)` with `i64` parts.
//!
//! A division does not have to terminate (`salary * 12 / 365`), so its
//! result is kept as a fraction whose denominator is known only at run
//! time; `+`, `-`, `*` and `/` combine fractions exactly (cross products,
//! every step overflow-checked), and `round` divides once, by the run-time
//! denominator, with the same remainder test as for decimals. Anything else
//! that meets a fraction (a comparison, a store, a branch) sends the record
//! to the interpreter; the checker requires a `round` before a quotient is
//! stored, so in practice fractions end in a `round`.
//!
//! The denominator is kept positive; a zero divisor is the interpreter's
//! E0502, and the code divides by 1 instead so that nothing traps.

use cranelift_codegen::ir::{InstBuilder, Value, condcodes::IntCC, types};
use rust_decimal::Decimal;

use super::CodegenError;
use super::numeric::{Checked, pow10};
use super::translate::{FunctionTranslator, MAX_SCALE, Result, Val};
use avtal_compiler::ir::{BinOp, RoundMode};

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// A value with no fraction left in it: a fraction becomes a failing
    /// zero (the record goes to the interpreter), records are walked.
    pub(super) fn plain(&mut self, value: Val) -> Val {
        match value {
            Val::Ratio { scale, .. } => {
                self.fail_always();
                Val::Num {
                    v: self.builder.ins().iconst(types::I64, 0),
                    scale,
                }
            }
            Val::Record(fields) => Val::Record(fields.into_iter().map(|f| self.plain(f)).collect()),
            other => other,
        }
    }

    /// `(num, den, scale)` of a number or a fraction.
    fn parts(&mut self, value: Val) -> Result<(Value, Value, u32)> {
        match value {
            Val::Num { v, scale } => Ok((v, self.builder.ins().iconst(types::I64, 1), scale)),
            Val::Ratio { num, den, scale } => Ok((num, den, scale)),
            _ => Err(CodegenError::Internal("arithmetic on non-numbers")),
        }
    }

    fn mul_checked(&mut self, x: Value, y: Value) -> Value {
        self.checked(Checked::Mul, x, y)
    }

    fn raise(&mut self, v: Value, by: u32) -> Result<Value> {
        if by == 0 {
            return Ok(v);
        }
        let factor = pow10(by).ok_or(CodegenError::Unsupported("a scale beyond 18 decimals"))?;
        Ok(self.checked_mul_const(v, factor))
    }

    /// `+`, `-`, `*`, `* %` where a side is a fraction.
    pub(super) fn translate_ratio_arithmetic(&mut self, op: BinOp, a: Val, b: Val) -> Result<Val> {
        let (na, da, sa) = self.parts(a)?;
        let (nb, db, sb) = self.parts(b)?;
        let (num, den, scale) = match op {
            BinOp::Add | BinOp::Sub => {
                let scale = sa.max(sb);
                let na = self.raise(na, scale - sa)?;
                let nb = self.raise(nb, scale - sb)?;
                // Over the least common denominator, not the product: sums
                // of fractions (hours of minutes, amounts per hour) would
                // otherwise square their denominators at every step.
                let (left_factor, right_factor, den) = self.common_denominator(da, db);
                let left = self.mul_checked(na, left_factor);
                let right = self.mul_checked(nb, right_factor);
                let checked = if op == BinOp::Add {
                    Checked::Add
                } else {
                    Checked::Sub
                };
                let num = self.checked(checked, left, right);
                (num, den, scale)
            }
            _ => {
                let extra = if op == BinOp::MulPercent { 2 } else { 0 };
                let scale = sa + sb + extra;
                if scale > MAX_SCALE {
                    return Err(CodegenError::Unsupported(
                        "a product with more than 18 decimals",
                    ));
                }
                (self.mul_checked(na, nb), self.mul_checked(da, db), scale)
            }
        };
        Ok(Val::Ratio { num, den, scale })
    }

    /// `(db / g, da / g, da · db / g)` with `g = gcd(da, db)`: the factors
    /// that bring `na / da` and `nb / db` to their least common
    /// denominator, and that denominator (both positive). Folded when both
    /// are constants; else Euclid's loop at run time.
    fn common_denominator(&mut self, da: Value, db: Value) -> (Value, Value, Value) {
        if let (Some(a), Some(b)) = (self.known(da), self.known(db))
            && a > 0
            && b > 0
        {
            let g = gcd(a, b);
            let (fa, fb) = (b / g, a / g);
            let left = self.builder.ins().iconst(types::I64, fa);
            let right = self.builder.ins().iconst(types::I64, fb);
            let den = self.mul_checked(da, left);
            return (left, right, den);
        }
        let g = self.runtime_gcd(da, db);
        let left = self.builder.ins().sdiv(db, g);
        let right = self.builder.ins().sdiv(da, g);
        let den = self.mul_checked(da, left);
        (left, right, den)
    }

    /// `gcd(a, b)` of two positive denominators by Euclid's loop; 1 when
    /// either is not positive (after an overflow the record fails anyway).
    fn runtime_gcd(&mut self, a: Value, b: Value) -> Value {
        let one = self.builder.ins().iconst(types::I64, 1);
        let a_ok = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, a, 0);
        let b_ok = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, b, 0);
        let ok = self.builder.ins().band(a_ok, b_ok);
        let a = self.builder.ins().select(ok, a, one);
        let b = self.builder.ins().select(ok, b, one);
        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.append_block_param(header, types::I64);
        self.builder.append_block_param(header, types::I64);
        self.builder.append_block_param(done, types::I64);
        self.builder.ins().jump(header, &[a.into(), b.into()]);
        self.builder.switch_to_block(header);
        let (x, y) = match self.builder.block_params(header) {
            [x, y] => (*x, *y),
            _ => return one,
        };
        let more = self.builder.ins().icmp_imm_s(IntCC::NotEqual, y, 0);
        self.builder.ins().brif(more, body, &[], done, &[x.into()]);
        self.builder.seal_block(body);
        self.builder.switch_to_block(body);
        let rest = self.builder.ins().urem(x, y);
        self.builder.ins().jump(header, &[y.into(), rest.into()]);
        self.builder.seal_block(header);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        match self.builder.block_params(done) {
            [g] => *g,
            _ => one,
        }
    }

    /// A comparison where a side is a fraction: the cross products at a
    /// common scale (denominators are positive, so the order is kept).
    pub(super) fn translate_ratio_compare(&mut self, op: BinOp, a: Val, b: Val) -> Result<Val> {
        let (na, da, sa) = self.parts(a)?;
        let (nb, db, sb) = self.parts(b)?;
        let scale = sa.max(sb);
        let na = self.raise(na, scale - sa)?;
        let nb = self.raise(nb, scale - sb)?;
        let (left_factor, right_factor, _) = self.common_denominator(da, db);
        let left = self.mul_checked(na, left_factor);
        let right = self.mul_checked(nb, right_factor);
        let cc = match op {
            BinOp::Eq => IntCC::Equal,
            BinOp::Ne => IntCC::NotEqual,
            BinOp::Lt => IntCC::SignedLessThan,
            BinOp::Le => IntCC::SignedLessThanOrEqual,
            BinOp::Gt => IntCC::SignedGreaterThan,
            _ => IntCC::SignedGreaterThanOrEqual,
        };
        Ok(Val::Bool(self.builder.ins().icmp(cc, left, right)))
    }

    /// `a / b`, and `a / p %` (`a * 100 / p`, so `p` with two more decimals).
    pub(super) fn translate_divide(&mut self, op: BinOp, a: Val, b: Val) -> Result<Val> {
        let (na, da, sa) = self.parts(a)?;
        let (nb, db, sb) = self.parts(b)?;
        let sb = if op == BinOp::DivPercent { sb + 2 } else { sb };
        // na/(da·10^sa) ÷ nb/(db·10^sb) = na·db·10^sb / (da·nb·10^sa)
        if self.known(nb).is_none_or(|d| d == 0) {
            let zero = self.builder.ins().icmp_imm_s(IntCC::Equal, nb, 0);
            self.fail_if_because(zero, super::NativeStatus::DivisionByZero);
        }
        let mut num = self.mul_checked(na, db);
        let mut den = self.mul_checked(da, nb);
        let scale = if sa >= sb {
            sa - sb
        } else {
            num = self.raise(num, sb - sa)?;
            0
        };
        // A positive denominator: move the sign to the numerator (nothing
        // to do for a constant positive divisor, the common case).
        if self.known(den).is_none_or(|d| d <= 0) {
            let negative = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, den, 0);
            let neg_num = self.checked_neg(num);
            let neg_den = self.checked_neg(den);
            num = self.builder.ins().select(negative, neg_num, num);
            den = self.builder.ins().select(negative, neg_den, den);
        }
        Ok(Val::Ratio { num, den, scale })
    }

    pub(super) fn ratio_neg(&mut self, num: Value, den: Value, scale: u32) -> Val {
        let num = self.checked_neg(num);
        Val::Ratio { num, den, scale }
    }

    /// `round` of a fraction: `x / step = X / D` with a run-time `D`.
    pub(super) fn translate_ratio_round(
        &mut self,
        num: Value,
        den: Value,
        s: u32,
        step: Decimal,
        mode: RoundMode,
    ) -> Result<Val> {
        let m = i64::try_from(step.mantissa())
            .ok()
            .filter(|m| *m > 0)
            .ok_or(CodegenError::Unsupported("a rounding step beyond 64 bits"))?;
        let t = step.scale();
        let m_value = self.builder.ins().iconst(types::I64, m);
        let dm = self.mul_checked(den, m_value);
        if t > s {
            // x / step = num·10^e / dm with e = t − s. Raising `num` first
            // would overflow long before the result does (a sum of
            // fractions keeps a large denominator), so divide first:
            // num = q0·dm + r0, and then r0·10^e (below dm·10^e) by dm.
            let d = self.positive_divisor(dm);
            let q0 = self.builder.ins().sdiv(num, d);
            let product = self.builder.ins().imul(q0, d);
            let r0 = self.builder.ins().isub(num, product);
            let e = t - s;
            let high = self.raise(q0, e)?;
            let low = self.raise(r0, e)?;
            let q1 = self.builder.ins().sdiv(low, d);
            let product = self.builder.ins().imul(q1, d);
            let r = self.builder.ins().isub(low, product);
            let q = self.checked(super::numeric::Checked::Add, high, q1);
            let k = self.round_quotient(num, q, r, d, mode);
            let v = self.checked_mul_const(k, m);
            return Ok(Val::Num { v, scale: t });
        }
        let (x, d) = (num, self.raise(dm, s - t)?);
        let d = self.positive_divisor(d);
        let k = if mode == RoundMode::HalfAwayFromZero {
            let half = self.builder.ins().sshr_imm_s(d, 1);
            let biased = self.biased_towards_sign(x, half);
            self.builder.ins().sdiv(biased, d)
        } else {
            let q = self.builder.ins().sdiv(x, d);
            let product = self.builder.ins().imul(q, d);
            let r = self.builder.ins().isub(x, product);
            self.round_quotient(x, q, r, d, mode)
        };
        let v = self.checked_mul_const(k, m);
        Ok(Val::Num { v, scale: t })
    }

    /// `d` when positive; else the record fails (an overflow made it so),
    /// and 1 stands in so that the division cannot trap.
    fn positive_divisor(&mut self, d: Value) -> Value {
        let positive = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, d, 0);
        let one = self.builder.ins().iconst(types::I64, 1);
        let d = self.builder.ins().select(positive, d, one);
        let not_positive = self.builder.ins().bxor_imm_u(positive, 1);
        self.fail_if(not_positive);
        d
    }

    /// The rounded quotient `k` from `x = q·d + r` (`d > 0`, `q` truncated):
    /// one step away from zero when the mode says so, as `eval/round.rs`.
    pub(super) fn round_quotient(
        &mut self,
        x: Value,
        q: Value,
        r: Value,
        d: Value,
        mode: RoundMode,
    ) -> Value {
        let zero = self.builder.ins().iconst(types::I64, 0);
        let negative = self.builder.ins().icmp(IntCC::SignedLessThan, x, zero);
        let inexact = self.builder.ins().icmp(IntCC::NotEqual, r, zero);
        let neg_r = self.builder.ins().ineg(r);
        let abs_r = self.builder.ins().select(negative, neg_r, r);
        // |r| against d - |r| (no overflow: 0 ≤ |r| < d).
        let rest = self.builder.ins().isub(d, abs_r);
        let away = match mode {
            RoundMode::HalfAwayFromZero => {
                self.builder
                    .ins()
                    .icmp(IntCC::SignedGreaterThanOrEqual, abs_r, rest)
            }
            RoundMode::HalfEven => {
                let above = self
                    .builder
                    .ins()
                    .icmp(IntCC::SignedGreaterThan, abs_r, rest);
                let tie = self.builder.ins().icmp(IntCC::Equal, abs_r, rest);
                let odd = self.builder.ins().band_imm_s(q, 1);
                let odd = self.builder.ins().icmp_imm_s(IntCC::NotEqual, odd, 0);
                let tie_odd = self.builder.ins().band(tie, odd);
                self.builder.ins().bor(above, tie_odd)
            }
            RoundMode::Up => inexact,
            RoundMode::Down => self.builder.ins().iconst(types::I8, 0),
            RoundMode::Floor => negative,
            RoundMode::Ceiling => self.builder.ins().bxor_imm_u(negative, 1),
        };
        let away = self.builder.ins().band(away, inexact);
        let minus_one = self.builder.ins().iconst(types::I64, -1);
        let one = self.builder.ins().iconst(types::I64, 1);
        let unit = self.builder.ins().select(negative, minus_one, one);
        let bump = self.builder.ins().select(away, unit, zero);
        self.builder.ins().iadd(q, bump)
    }
}

/// Greatest common divisor of two positive constants.
fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

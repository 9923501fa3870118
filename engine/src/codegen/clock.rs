//! Whole-number division and clock time in compiled code: `div`, `mod`,
//! `weekday`, `hours`, the parts of a timestamp and `timestamp(d, t)`.
//!
//! Times of day and timestamps are `I64` ordinals in a `Val::Date` (a
//! minute of the day; a minute from 0001-01-01T00:00, `clock.rs` of the
//! compiler), so the arithmetic here is integer division by 1440 and 7,
//! rounded down as the interpreter's `div_euclid`.

use cranelift_codegen::ir::{InstBuilder, Value, condcodes::IntCC, types};

use super::numeric::Checked;
use super::translate::{FunctionTranslator, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::clock::DAY_MINUTES;
use avtal_compiler::ir::Builtin;

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    pub(super) fn translate_clock_builtin(
        &mut self,
        builtin: Builtin,
        values: Vec<Val>,
    ) -> Result<Val> {
        match (builtin, values.as_slice()) {
            (
                Builtin::IntDiv | Builtin::IntMod,
                [Val::Num { v: a, scale: 0 }, Val::Num { v: b, scale: 0 }],
            ) => {
                let (quotient, remainder) = self.floor_div_mod(*a, *b);
                let v = if builtin == Builtin::IntDiv {
                    quotient
                } else {
                    remainder
                };
                Ok(Val::Num { v, scale: 0 })
            }
            (Builtin::IntDiv | Builtin::IntMod, _) => {
                Err(CodegenError::Internal("`div`/`mod` of non-integers"))
            }
            (Builtin::Weekday, [Val::Date(day)]) => {
                // 0001-01-01 (day 1) was a Monday.
                let monday_based = self.builder.ins().iadd_imm_s(*day, -1);
                let (_, weekday) = self.floor_div_mod_const(monday_based, 7);
                Ok(Val::Num {
                    v: self.builder.ins().iadd_imm_s(weekday, 1),
                    scale: 0,
                })
            }
            (Builtin::ToHours, [value]) => Ok(value.clone()),
            (Builtin::DateOf, [Val::Date(minute)]) => {
                let (day, _) = self.floor_div_mod_const(*minute, DAY_MINUTES);
                Ok(Val::Date(self.builder.ins().iadd_imm_s(day, 1)))
            }
            (Builtin::TimeOf, [Val::Date(minute)]) => {
                let (_, time) = self.floor_div_mod_const(*minute, DAY_MINUTES);
                Ok(Val::Date(time))
            }
            (Builtin::MakeTimestamp, [Val::Date(day), Val::Date(time)]) => {
                let before = self.builder.ins().iadd_imm_s(*day, -1);
                let start = self.checked_mul_const(before, DAY_MINUTES);
                Ok(Val::Date(self.checked(Checked::Add, start, *time)))
            }
            _ => Err(CodegenError::Internal("a clock builtin of other values")),
        }
    }

    /// The days the minutes of `[lo, hi)` fall on: the first and last day
    /// numbers, and an `I8` that is 1 when the interval is empty (then the
    /// two mean nothing). Shared by `days_of` and the hours of a class.
    pub(super) fn days_of_interval(&mut self, lo: Value, hi: Value) -> (Value, Value, Value) {
        let (first, _) = self.floor_div_mod_const(lo, DAY_MINUTES);
        let first = self.builder.ins().iadd_imm_s(first, 1);
        let before_end = self.builder.ins().iadd_imm_s(hi, -1);
        let (last, _) = self.floor_div_mod_const(before_end, DAY_MINUTES);
        let last = self.builder.ins().iadd_imm_s(last, 1);
        let empty = self
            .builder
            .ins()
            .icmp(IntCC::SignedLessThanOrEqual, hi, lo);
        (first, last, empty)
    }

    /// `(⌊x / d⌋, x − d·⌊x / d⌋)` for a constant `d > 0`.
    pub(super) fn floor_div_mod_const(&mut self, x: Value, d: i64) -> (Value, Value) {
        let quotient = self.builder.ins().sdiv_imm_s(x, d);
        let remainder = self.builder.ins().srem_imm_s(x, d);
        let negative = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, remainder, 0);
        let borrow = self.builder.ins().uextend(types::I64, negative);
        let quotient = self.builder.ins().isub(quotient, borrow);
        let lifted = self.builder.ins().iadd_imm_s(remainder, d);
        let remainder = self.builder.ins().select(negative, lifted, remainder);
        (quotient, remainder)
    }

    /// Floor division of run-time integers, as `div` and `mod`: a zero
    /// divisor is the interpreter's E0502, `i64::MIN / -1` leaves the
    /// fixed point. Both are tested before dividing, so nothing traps.
    fn floor_div_mod(&mut self, a: Value, b: Value) -> (Value, Value) {
        let zero = self.builder.ins().icmp_imm_s(IntCC::Equal, b, 0);
        self.fail_if_because(zero, NativeStatus::DivisionByZero);
        let minus_one = self.builder.ins().icmp_imm_s(IntCC::Equal, b, -1);
        let min = self.builder.ins().icmp_imm_s(IntCC::Equal, a, i64::MIN);
        let overflow = self.builder.ins().band(minus_one, min);
        self.fail_if(overflow);
        let quotient = self.builder.ins().sdiv(a, b);
        let remainder = self.builder.ins().srem(a, b);
        // Round toward minus infinity: step down when the remainder and
        // the divisor have opposite signs.
        let signs = self.builder.ins().bxor(remainder, b);
        let opposite = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, signs, 0);
        let nonzero = self.builder.ins().icmp_imm_s(IntCC::NotEqual, remainder, 0);
        let adjust = self.builder.ins().band(opposite, nonzero);
        let borrow = self.builder.ins().uextend(types::I64, adjust);
        let quotient = self.builder.ins().isub(quotient, borrow);
        let lifted = self.builder.ins().iadd(remainder, b);
        let remainder = self.builder.ins().select(adjust, lifted, remainder);
        (quotient, remainder)
    }
}

//! Exact numbers: the run-time value of every numeric type.
//!
//! `Money`, `Percent`, `Hours`, `Decimal`, `Int`, `Days` and `Months` are
//! all a [`Number`] at run time; the IR's type says which unit it carries.
//! This module does the arithmetic and the rounding. It knows no spans and
//! no wording: errors are a span-free [`NumberError`] that the evaluator
//! places with `.at(span)`.
//!
//! # Value
//!
//! The value of an arithmetic expression is its **exact rational value**.
//! Nothing goes through `f64`, and nothing is rounded unless a `round` is
//! written. A `Number` holds that value in one of two forms:
//!
//! - a **decimal**: a `rust_decimal::Decimal`, `±m / 10^s` with a mantissa
//!   `m < 2^96` and a scale `s ≤ 28`; the common case;
//! - a **fraction**: `num / den`, two `i128`s, reduced (`gcd = 1`),
//!   `den ≥ 1`, `|num| ≤ 2^127 − 1`, `den ≤ 2^127 − 1`. It holds the values
//!   a decimal cannot: non-terminating quotients (`360000.00 / 365` is
//!   `72000/73`), values needing more than 28 decimals, and integers beyond
//!   the 96-bit mantissa.
//!
//! Equality and order are by exact value: `1.50 == 1.5`, and a decimal may
//! equal a fraction. The arithmetic never uses `rust_decimal`'s operators,
//! which round silently; it works on the mantissas with checked `i128`
//! arithmetic and falls back to exact 256-bit fractions (`wide.rs`).
//!
//! # Overflow (`E0501`)
//!
//! An operation overflows exactly when its exact result, written as a
//! reduced fraction, has a numerator or a denominator beyond `2^127 − 1`
//! (about 1.7·10^38). Every value in range has a form (the fraction form
//! always fits), so this is a property of the exact result alone, never of
//! how it was computed: intermediates are computed in 256 bits, where sums
//! and products of in-range values always fit. A value in range that is
//! not a decimal (a huge integer, say) overflows later only where a
//! decimal is required: in [`Number::to_decimal_at_scale`] and in `round`.
//! Division by zero (`/`, and `/` by a zero percent) is `E0502`.
//!
//! # Form and scale (deterministic; a compiled back end must reproduce it)
//!
//! Every operation has a **preferred scale** `p` computed from the operand
//! scales, where a fraction operand counts as scale 0:
//!
//! | operation            | preferred scale `p`             |
//! |----------------------|---------------------------------|
//! | `a + b`, `a - b`     | `max(sa, sb)`                   |
//! | `a * b`              | `sa + sb`                       |
//! | `a * p %`            | `sa + sp + 2`                   |
//! | `a / b`, `a / p %`   | `max(sa − sb, 0)`               |
//! | `round(x, step, _)`  | the step's scale                |
//! | `-a`, `abs(a)`       | `sa` (the form is kept)         |
//!
//! The result is then put in form by one rule. Let `q` be the exact
//! result, and `m` the fewest decimals `q` can be written with (infinite
//! when it does not terminate). If `m ≤ 28`, the result is a decimal with
//! the largest scale `s` in `m ..= min(max(p, m), 28)` whose mantissa
//! `|q|·10^s` fits in 96 bits. If there is none (it does not terminate,
//! needs more than 28 decimals, or is too large at every such scale), the
//! result is a fraction. Consequences: `1.5 + 0.25 = 1.75`,
//! `1.50 + 1.5 = 3.00`, `2.5 * 1.25 = 3.125`, `4.6 % * 30000 SEK =
//! 1380.000` (scale 1 + 0 + 2), `10.00 / 4 = 2.50`, `1 / 8 = 0.125`,
//! `10 / 4 = 2.5`, `1 / 3 = 1/3`, `1/3 + 2/3 = 1`. A zero is never
//! negative, so `-0.00` is never printed.
//!
//! Rounding and the text of a number are in `round.rs`.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::wide::{Ratio, U256, gcd_u128};

/// Most decimals a decimal-form number has (`rust_decimal`'s limit).
pub const MAX_SCALE: u32 = 28;
/// Largest mantissa of a decimal: `2^96 − 1`.
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;
/// Largest numerator or denominator of a fraction: `2^127 − 1`.
const MAX_PART: u128 = i128::MAX.unsigned_abs();

/// Powers of ten that fit in `i128`: `10^0 ..= 10^38`.
const POW10: [u128; 39] = {
    let mut table = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        #[allow(
            clippy::indexing_slicing,
            reason = "const evaluation, bounds are static"
        )]
        {
            table[i] = table[i - 1] * 10;
        }
        i += 1;
    }
    table
};

pub(super) fn pow10(exp: u32) -> Option<u128> {
    POW10.get(exp as usize).copied()
}

/// Why a number operation has no result. Span-free: the evaluator adds the
/// span and `diagnostics::messages::eval` the wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// The exact result is out of range (see the module docs).
    Overflow,
    DivisionByZero,
    /// The value cannot be written with `scale` decimals without rounding
    /// (it has more, or does not terminate).
    NotExact {
        scale: u32,
    },
    /// A rounding step that is not greater than zero.
    InvalidStep,
}

/// An exact rational number; see the module docs for its forms and rules.
#[derive(Debug, Clone)]
pub struct Number {
    pub(super) repr: Repr,
}

#[derive(Debug, Clone)]
pub(super) enum Repr {
    Decimal(Decimal),
    /// Boxed: fractions are rare, and this keeps a `Number` at 24 bytes.
    Fraction(Box<Fraction>),
}

/// Invariants: reduced, `den ≥ 1`, both within `±(2^127 − 1)`, and the
/// value has no decimal form under the form rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fraction {
    pub(super) num: i128,
    pub(super) den: i128,
}

/// A decimal `±mantissa / 10^scale`, when it fits; never a negative zero.
pub(super) fn decimal(neg: bool, mantissa: u128, scale: u32) -> Option<Decimal> {
    if mantissa > MAX_MANTISSA || scale > MAX_SCALE {
        return None;
    }
    let magnitude = i128::try_from(mantissa).ok()?;
    let signed = if neg { -magnitude } else { magnitude };
    Decimal::try_from_i128_with_scale(signed, scale).ok()
}

/// The decimal `signed / 10^scale`, when it fits.
fn decimal_i128(signed: i128, scale: u32) -> Option<Decimal> {
    decimal(signed < 0, signed.unsigned_abs(), scale)
}

impl Number {
    pub const ZERO: Number = Number {
        repr: Repr::Decimal(Decimal::ZERO),
    };

    pub fn from_decimal(value: Decimal) -> Number {
        let mut value = value;
        if value.is_zero() {
            value.set_sign_positive(true);
        }
        Number {
            repr: Repr::Decimal(value),
        }
    }

    pub fn from_i64(value: i64) -> Number {
        Number::from_decimal(Decimal::from(value))
    }

    /// The exact value `num / den`, in form with preferred scale 0.
    pub fn from_fraction(num: i128, den: i128) -> Result<Number, NumberError> {
        if den == 0 {
            return Err(NumberError::DivisionByZero);
        }
        let neg = (num < 0) != (den < 0);
        let ratio = Ratio::reduced(
            neg,
            U256::from_u128(num.unsigned_abs()),
            U256::from_u128(den.unsigned_abs()),
        );
        from_ratio(ratio, 0)
    }

    /// The decimal form, or `None` for a fraction (a value that does not
    /// terminate, needs more than 28 decimals or exceeds the mantissa).
    pub fn to_decimal(&self) -> Option<Decimal> {
        match &self.repr {
            Repr::Decimal(d) => Some(*d),
            Repr::Fraction(_) => None,
        }
    }

    /// The value written with exactly `scale` decimals (for output): more
    /// zeros are added, zeros are removed, anything else is `NotExact`.
    /// A value too large for a decimal at that scale is `Overflow`.
    pub fn to_decimal_at_scale(&self, scale: u32) -> Result<Decimal, NumberError> {
        if let Repr::Decimal(d) = &self.repr
            && d.scale() == scale
        {
            return Ok(*d);
        }
        let (neg, num, den) = self.parts();
        let g = gcd_u128(num, den);
        let (num, den) = (num / g.max(1), den / g.max(1));
        let power = pow10(scale).ok_or(NumberError::NotExact { scale })?;
        if power % den != 0 {
            return Err(NumberError::NotExact { scale });
        }
        let mantissa = num.checked_mul(power / den).ok_or(NumberError::Overflow)?;
        decimal(neg, mantissa, scale).ok_or(NumberError::Overflow)
    }

    /// The decimal scale, or `None` for a fraction.
    pub fn scale(&self) -> Option<u32> {
        self.to_decimal().map(|d| d.scale())
    }

    /// The exact value as a reduced fraction `(num, den)`, `den ≥ 1`.
    pub fn fraction_parts(&self) -> (i128, i128) {
        match &self.repr {
            Repr::Fraction(f) => (f.num, f.den),
            Repr::Decimal(_) => {
                let (neg, num, den) = self.parts();
                let g = gcd_u128(num, den).max(1);
                // Both parts are at most 2^96 and 10^28 here, so they fit.
                let num = i128::try_from(num / g).unwrap_or(i128::MAX);
                let den = i128::try_from(den / g).unwrap_or(1);
                (if neg { -num } else { num }, den)
            }
        }
    }

    pub fn is_zero(&self) -> bool {
        match &self.repr {
            Repr::Decimal(d) => d.is_zero(),
            Repr::Fraction(_) => false,
        }
    }

    pub fn is_negative(&self) -> bool {
        self.parts().0
    }

    pub fn is_integer(&self) -> bool {
        match &self.repr {
            Repr::Decimal(d) => {
                pow10(d.scale()).is_some_and(|p| d.mantissa().unsigned_abs() % p == 0)
            }
            Repr::Fraction(f) => f.den == 1,
        }
    }

    /// The value as an `i64`, when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        let (neg, num, den) = self.parts();
        let magnitude = i128::try_from(num / den).ok()?;
        i64::try_from(if neg { -magnitude } else { magnitude }).ok()
    }

    pub fn abs(&self) -> Number {
        if self.is_negative() {
            -self
        } else {
            self.clone()
        }
    }

    /// Sign and magnitude `(negative, |num|, den)`; for a decimal the
    /// denominator is `10^scale`, not reduced.
    pub(super) fn parts(&self) -> (bool, u128, u128) {
        match &self.repr {
            Repr::Decimal(d) => {
                let m = d.mantissa();
                (m < 0, m.unsigned_abs(), pow10(d.scale()).unwrap_or(1))
            }
            Repr::Fraction(f) => (f.num < 0, f.num.unsigned_abs(), f.den.unsigned_abs()),
        }
    }

    fn ratio(&self) -> Ratio {
        let (neg, num, den) = self.parts();
        Ratio::from_u128s(neg, num, den)
    }

    /// The scale used in preferred-scale rules: a fraction counts as 0.
    fn rule_scale(&self) -> u32 {
        self.scale().unwrap_or(0)
    }

    pub fn checked_add(&self, other: &Number) -> Result<Number, NumberError> {
        self.add_signed(other, false)
    }

    pub fn checked_sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.add_signed(other, true)
    }

    fn add_signed(&self, other: &Number, subtract: bool) -> Result<Number, NumberError> {
        if let (Repr::Decimal(a), Repr::Decimal(b)) = (&self.repr, &other.repr) {
            let scale = a.scale().max(b.scale());
            let fast = (|| {
                let ma = a
                    .mantissa()
                    .checked_mul(i128::try_from(pow10(scale - a.scale())?).ok()?)?;
                let mb = b
                    .mantissa()
                    .checked_mul(i128::try_from(pow10(scale - b.scale())?).ok()?)?;
                let sum = if subtract {
                    ma.checked_sub(mb)?
                } else {
                    ma.checked_add(mb)?
                };
                decimal_i128(sum, scale)
            })();
            if let Some(d) = fast {
                return Ok(Number::from_decimal(d));
            }
        }
        let preferred = self.rule_scale().max(other.rule_scale());
        let right = if subtract {
            other.ratio().negated()
        } else {
            other.ratio()
        };
        let sum = self.ratio().add(right).ok_or(NumberError::Overflow)?;
        from_ratio(sum, preferred)
    }

    pub fn checked_mul(&self, other: &Number) -> Result<Number, NumberError> {
        self.product(other, 0, Ratio::ONE)
    }

    /// `self * percent / 100`, exactly.
    pub fn checked_mul_percent(&self, percent: &Number) -> Result<Number, NumberError> {
        self.product(percent, 2, HUNDREDTH)
    }

    /// `self * other * factor`, where `factor` is `10^-extra_scale`.
    fn product(
        &self,
        other: &Number,
        extra_scale: u32,
        factor: Ratio,
    ) -> Result<Number, NumberError> {
        let preferred = self.rule_scale() + other.rule_scale() + extra_scale;
        if let (Repr::Decimal(a), Repr::Decimal(b)) = (&self.repr, &other.repr)
            && let Some(d) = a
                .mantissa()
                .checked_mul(b.mantissa())
                .and_then(|m| decimal_i128(m, preferred))
        {
            return Ok(Number::from_decimal(d));
        }
        let scaled = other.ratio().mul(factor).ok_or(NumberError::Overflow)?;
        let product = self.ratio().mul(scaled).ok_or(NumberError::Overflow)?;
        from_ratio(product, preferred)
    }

    pub fn checked_div(&self, other: &Number) -> Result<Number, NumberError> {
        if other.is_zero() {
            return Err(NumberError::DivisionByZero);
        }
        let preferred = self.rule_scale().saturating_sub(other.rule_scale());
        if let (Repr::Decimal(a), Repr::Decimal(b)) = (&self.repr, &other.repr) {
            // The quotient at the preferred scale, when that is exact.
            let shift = b.scale().saturating_sub(a.scale());
            let fast = (|| {
                let numerator = a
                    .mantissa()
                    .checked_mul(i128::try_from(pow10(shift)?).ok()?)?;
                let divisor = b.mantissa();
                if numerator.checked_rem(divisor)? != 0 {
                    return None;
                }
                decimal_i128(numerator.checked_div(divisor)?, preferred)
            })();
            if let Some(d) = fast {
                return Ok(Number::from_decimal(d));
            }
        }
        let (neg_a, num_a, den_a) = self.parts();
        let (neg_b, num_b, den_b) = other.parts();
        // (num_a/den_a) / (num_b/den_b), reduced once, when it fits u128.
        if let (Some(num), Some(den)) = (num_a.checked_mul(den_b), den_a.checked_mul(num_b)) {
            let g = gcd_u128(num, den);
            let (num, den) = (num / g, den / g);
            if num <= MAX_PART && den <= MAX_PART {
                return Ok(from_reduced(neg_a != neg_b, num, den, preferred));
            }
        }
        let inverse = other.ratio().recip().ok_or(NumberError::DivisionByZero)?;
        let quotient = self.ratio().mul(inverse).ok_or(NumberError::Overflow)?;
        from_ratio(quotient, preferred)
    }

    /// `self * 100 / percent`, exactly.
    pub fn checked_div_percent(&self, percent: &Number) -> Result<Number, NumberError> {
        if percent.is_zero() {
            return Err(NumberError::DivisionByZero);
        }
        let preferred = self.rule_scale().saturating_sub(percent.rule_scale());
        let inverse = percent.ratio().recip().ok_or(NumberError::DivisionByZero)?;
        let factor = inverse.mul(HUNDRED).ok_or(NumberError::Overflow)?;
        let quotient = self.ratio().mul(factor).ok_or(NumberError::Overflow)?;
        from_ratio(quotient, preferred)
    }
}

const HUNDREDTH: Ratio = Ratio {
    neg: false,
    num: U256::ONE,
    den: U256::from_u128(100),
};
const HUNDRED: Ratio = Ratio {
    neg: false,
    num: U256::from_u128(100),
    den: U256::ONE,
};

/// Put an exact result in form (module docs, "Form and scale").
pub(super) fn from_ratio(ratio: Ratio, preferred: u32) -> Result<Number, NumberError> {
    let in_range = |part: U256| part.to_u128().filter(|p| *p <= MAX_PART);
    let num = in_range(ratio.num).ok_or(NumberError::Overflow)?;
    let den = in_range(ratio.den).ok_or(NumberError::Overflow)?;
    Ok(from_reduced(ratio.neg && num != 0, num, den, preferred))
}

/// The form rule for a reduced, in-range `±num/den`.
fn from_reduced(neg: bool, num: u128, den: u128, preferred: u32) -> Number {
    let twos = den.trailing_zeros();
    let mut rest = den >> twos;
    let mut fives = 0u32;
    while rest > 1 && rest.is_multiple_of(5) {
        rest /= 5;
        fives += 1;
    }
    let min_scale = twos.max(fives);
    if rest == 1 && min_scale <= MAX_SCALE {
        let top = preferred.max(min_scale).min(MAX_SCALE);
        for scale in (min_scale..=top).rev() {
            // `den` divides 10^scale because scale ≥ min_scale.
            let mantissa = pow10(scale).and_then(|p| num.checked_mul(p / den));
            if let Some(d) = mantissa.and_then(|m| decimal(neg, m, scale)) {
                return Number::from_decimal(d);
            }
        }
    }
    // In range by the caller's check, so the conversions cannot fail.
    let magnitude = i128::try_from(num).unwrap_or(i128::MAX);
    Number {
        repr: Repr::Fraction(Box::new(Fraction {
            num: if neg { -magnitude } else { magnitude },
            den: i128::try_from(den).unwrap_or(i128::MAX),
        })),
    }
}

impl std::ops::Neg for &Number {
    type Output = Number;

    fn neg(self) -> Number {
        match &self.repr {
            Repr::Decimal(d) if d.is_zero() => self.clone(),
            Repr::Decimal(d) => Number::from_decimal(-*d),
            Repr::Fraction(f) => Number {
                repr: Repr::Fraction(Box::new(Fraction {
                    num: -f.num,
                    den: f.den,
                })),
            },
        }
    }
}

impl std::ops::Neg for Number {
    type Output = Number;

    fn neg(self) -> Number {
        -&self
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    /// Exact order of the values, whatever their forms and scales.
    fn cmp(&self, other: &Number) -> Ordering {
        if let (Repr::Decimal(a), Repr::Decimal(b)) = (&self.repr, &other.repr) {
            let scale = a.scale().max(b.scale());
            let widen = |d: &Decimal| {
                d.mantissa()
                    .checked_mul(i128::try_from(pow10(scale - d.scale())?).ok()?)
            };
            if let (Some(x), Some(y)) = (widen(a), widen(b)) {
                return x.cmp(&y);
            }
        }
        let (neg_a, num_a, den_a) = self.parts();
        let (neg_b, num_b, den_b) = other.parts();
        let sign = |neg: bool, num: u128| match (num == 0, neg) {
            (true, _) => 0i8,
            (false, true) => -1,
            (false, false) => 1,
        };
        let (sign_a, sign_b) = (sign(neg_a, num_a), sign(neg_b, num_b));
        if sign_a != sign_b || sign_a == 0 {
            return sign_a.cmp(&sign_b);
        }
        let magnitude = U256::widening_mul(num_a, den_b).cmp(&U256::widening_mul(num_b, den_a));
        if sign_a < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Number {
        Number::from_i64(value)
    }
}

impl From<Decimal> for Number {
    fn from(value: Decimal) -> Number {
        Number::from_decimal(value)
    }
}

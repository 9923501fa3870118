//! `round(x, step, mode)`, the only place a value loses precision (and
//! only where the source says so); and the text of a number, whose
//! fractions show a rounded approximation.
//!
//! `round(x, step, mode)` gives the multiple `k·step` nearest to `x` by the
//! mode (`step > 0`). `k` comes from the integer quotient and remainder of
//! `x / step`, so a fraction rounds exactly once: `round(72000/73, 0.01)`
//! is `986.30`. Ties: `half_away_from_zero` (0.125 → 0.13, −0.125 → −0.13),
//! `half_even` (0.125 → 0.12, 0.135 → 0.14); `up` is away from zero,
//! `down` toward zero, `floor` toward −∞, `ceiling` toward +∞. The result
//! has the step's scale (`round(x, 0.05 SEK)` has 2 decimals,
//! `round(x, 10 SEK)` none, `round(x, 0.5 h)` one).
//!
//! If the rounded value does not fit a decimal at the step's scale (a
//! mantissa beyond 96 bits), it takes its form by the general rule of
//! `number.rs` instead; past the fraction range it is `E0501`.
//!
//! Text: a decimal prints with its own scale (`1.50`, never `-0.00`); a
//! fraction as `72000/73 (≈ 986.3013698630)`; an integer beyond the
//! decimal mantissa as its digits.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use super::number::{Number, NumberError, Repr, decimal, from_ratio, pow10};
use super::wide::{Ratio, U256};
use crate::ir::RoundMode;

impl Number {
    /// The multiple of `step` nearest to the value by `mode`, with the
    /// step's scale (module docs).
    pub fn round(&self, step: Decimal, mode: RoundMode) -> Result<Number, NumberError> {
        let step_mantissa = u128::try_from(step.mantissa())
            .ok()
            .filter(|m| *m > 0)
            .ok_or(NumberError::InvalidStep)?;
        let step_scale = step.scale();
        let power = pow10(step_scale).ok_or(NumberError::InvalidStep)?;
        let (neg, num, den) = self.parts();
        // value / step = num·10^ss / (den·step_mantissa) = k + r/d.
        let (quotient, away) = match (num.checked_mul(power), den.checked_mul(step_mantissa)) {
            (Some(n), Some(d)) => {
                let (q, r) = (n / d, n % d);
                let away = rounds_away(mode, neg, q & 1 == 1, r == 0, r.cmp(&(d - r)));
                (U256::from_u128(q), away)
            }
            _ => {
                let n = U256::widening_mul(num, power);
                let d = U256::widening_mul(den, step_mantissa);
                let (q, r) = n.div_rem(d).ok_or(NumberError::InvalidStep)?;
                let away = rounds_away(mode, neg, q.is_odd(), r.is_zero(), r.cmp(&d.sub(r)));
                (q, away)
            }
        };
        let k = if away {
            quotient
                .checked_add(U256::ONE)
                .ok_or(NumberError::Overflow)?
        } else {
            quotient
        };
        let magnitude = k
            .checked_mul(U256::from_u128(step_mantissa))
            .ok_or(NumberError::Overflow)?;
        if let Some(d) = magnitude
            .to_u128()
            .and_then(|m| decimal(neg, m, step_scale))
        {
            return Ok(Number::from_decimal(d));
        }
        from_ratio(
            Ratio::reduced(neg, magnitude, U256::from_u128(power)),
            step_scale,
        )
    }

    /// The value as text with at least `min_scale` decimals when it is a
    /// decimal (extra trailing zeros beyond that are dropped), or as
    /// `num/den (≈ approximation)` when it is a fraction.
    pub fn to_text_with_min_scale(&self, min_scale: u32) -> String {
        match &self.repr {
            Repr::Decimal(d) => {
                let target = d.normalize().scale().max(min_scale);
                match self.to_decimal_at_scale(target) {
                    Ok(d) => d.to_string(),
                    Err(_) => self.to_string(),
                }
            }
            Repr::Fraction(_) => self.to_string(),
        }
    }
}

/// Whether rounding moves the magnitude up from `quotient` to the next
/// multiple. `half` is the remainder compared with half the divisor.
fn rounds_away(
    mode: RoundMode,
    neg: bool,
    quotient_odd: bool,
    exact: bool,
    half: Ordering,
) -> bool {
    if exact {
        return false;
    }
    match mode {
        RoundMode::HalfAwayFromZero => half != Ordering::Less,
        RoundMode::HalfEven => {
            half == Ordering::Greater || (half == Ordering::Equal && quotient_odd)
        }
        RoundMode::Up => true,
        RoundMode::Down => false,
        RoundMode::Floor => neg,
        RoundMode::Ceiling => !neg,
    }
}

impl fmt::Display for Number {
    /// A decimal with its own scale (`1.50`); a fraction as
    /// `num/den (≈ d)` with ten decimals of approximation; an integer too
    /// large for a decimal as its digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Decimal(d) => write!(f, "{d}"),
            Repr::Fraction(fr) => {
                // A big integer beyond the decimal mantissa is just digits.
                if fr.den == 1 {
                    return write!(f, "{}", fr.num);
                }
                write!(f, "{}/{}", fr.num, fr.den)?;
                // Only a decimal approximation is printed, so this never
                // recurses into another fraction.
                let step = Decimal::new(1, 10);
                let approx = self.round(step, RoundMode::HalfAwayFromZero);
                match approx.ok().and_then(|n| n.to_decimal()) {
                    Some(d) => write!(f, " (≈ {d})"),
                    None => Ok(()),
                }
            }
        }
    }
}

//! 256-bit unsigned integers and exact ratios over them: the slow path of
//! [`Number`](super::number::Number) arithmetic.
//!
//! Every number the interpreter holds is a fraction whose reduced numerator
//! and denominator fit in 127 bits. A sum or product of two such fractions
//! needs at most 255 bits before it is reduced, so doing the arithmetic in
//! 256 bits and reducing afterwards never fails on a result that fits: an
//! overflow is then a property of the exact result alone, not of the order
//! of intermediate steps. This module only computes; it does not decide
//! scales or forms (that is `number.rs`), and it knows nothing of spans.
//!
//! Operations take fast paths when both operands fit in `u128`, which is
//! the common case (money amounts and their denominators are small).

const LOW_64: u128 = (1u128 << 64) - 1;

/// An unsigned 256-bit integer, `hi * 2^128 + lo`. The derived order
/// compares `hi` first, which is the numeric order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct U256 {
    hi: u128,
    lo: u128,
}

impl U256 {
    pub(super) const ZERO: U256 = U256 { hi: 0, lo: 0 };
    pub(super) const ONE: U256 = U256 { hi: 0, lo: 1 };

    pub(super) const fn from_u128(lo: u128) -> U256 {
        U256 { hi: 0, lo }
    }

    /// The value as a `u128`, when it fits.
    pub(super) fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }

    pub(super) fn is_zero(self) -> bool {
        self.hi == 0 && self.lo == 0
    }

    pub(super) fn is_odd(self) -> bool {
        self.lo & 1 == 1
    }

    /// The full product of two `u128`s, computed from 64-bit halves.
    pub(super) fn widening_mul(a: u128, b: u128) -> U256 {
        let (a1, a0) = (a >> 64, a & LOW_64);
        let (b1, b0) = (b >> 64, b & LOW_64);
        // Each partial product of two 64-bit halves fits in 128 bits.
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        // The middle column: at most three 64-bit values, no overflow.
        let mid = (p00 >> 64) + (p01 & LOW_64) + (p10 & LOW_64);
        let lo = (p00 & LOW_64) | ((mid & LOW_64) << 64);
        // The whole product is below 2^256, so the top column fits.
        let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
        U256 { hi, lo }
    }

    pub(super) fn checked_mul(self, other: U256) -> Option<U256> {
        if self.hi == 0 && other.hi == 0 {
            return Some(U256::widening_mul(self.lo, other.lo));
        }
        if self.hi != 0 && other.hi != 0 {
            return None;
        }
        let (big, small) = if self.hi == 0 {
            (other, self.lo)
        } else {
            (self, other.lo)
        };
        let low = U256::widening_mul(big.lo, small);
        let high = U256::widening_mul(big.hi, small);
        if high.hi != 0 {
            return None;
        }
        let hi = low.hi.checked_add(high.lo)?;
        Some(U256 { hi, lo: low.lo })
    }

    pub(super) fn checked_add(self, other: U256) -> Option<U256> {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        let hi = self
            .hi
            .checked_add(other.hi)?
            .checked_add(u128::from(carry))?;
        Some(U256 { hi, lo })
    }

    /// `self - other`; the caller guarantees `self >= other`.
    pub(super) fn sub(self, other: U256) -> U256 {
        let (lo, borrow) = self.lo.overflowing_sub(other.lo);
        let hi = self
            .hi
            .wrapping_sub(other.hi)
            .wrapping_sub(u128::from(borrow));
        U256 { hi, lo }
    }

    fn leading_zeros(self) -> u32 {
        if self.hi == 0 {
            128 + self.lo.leading_zeros()
        } else {
            self.hi.leading_zeros()
        }
    }

    fn trailing_zeros(self) -> u32 {
        if self.lo == 0 {
            128 + self.hi.trailing_zeros()
        } else {
            self.lo.trailing_zeros()
        }
    }

    /// Shift left by `n < 256` bits; bits shifted out are lost.
    fn shl(self, n: u32) -> U256 {
        match n {
            0 => self,
            1..128 => U256 {
                hi: (self.hi << n) | (self.lo >> (128 - n)),
                lo: self.lo << n,
            },
            128..256 => U256 {
                hi: self.lo << (n - 128),
                lo: 0,
            },
            _ => U256::ZERO,
        }
    }

    /// Shift right by `n < 256` bits.
    fn shr(self, n: u32) -> U256 {
        match n {
            0 => self,
            1..128 => U256 {
                hi: self.hi >> n,
                lo: (self.lo >> n) | (self.hi << (128 - n)),
            },
            128..256 => U256 {
                hi: 0,
                lo: self.hi >> (n - 128),
            },
            _ => U256::ZERO,
        }
    }

    /// Quotient and remainder; `None` for a zero divisor.
    pub(super) fn div_rem(self, divisor: U256) -> Option<(U256, U256)> {
        if divisor.is_zero() {
            return None;
        }
        if let (Some(n), Some(d)) = (self.to_u128(), divisor.to_u128()) {
            return Some((U256::from_u128(n / d), U256::from_u128(n % d)));
        }
        if self < divisor {
            return Some((U256::ZERO, self));
        }
        // Schoolbook binary long division: at most 256 steps, and only for
        // operands beyond 128 bits.
        let shift = divisor.leading_zeros() - self.leading_zeros();
        let mut shifted = divisor.shl(shift);
        let mut remainder = self;
        let mut quotient = U256::ZERO;
        for _ in 0..=shift {
            quotient = quotient.shl(1);
            if remainder >= shifted {
                remainder = remainder.sub(shifted);
                quotient.lo |= 1;
            }
            shifted = shifted.shr(1);
        }
        Some((quotient, remainder))
    }

    /// `self / divisor` where the caller knows the division is exact and
    /// the divisor is not zero.
    fn div_exact(self, divisor: U256) -> U256 {
        self.div_rem(divisor).map_or(U256::ZERO, |(q, _)| q)
    }
}

/// Greatest common divisor of two `u128`s (binary algorithm); `gcd(0, b) = b`.
pub(super) fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        // Most operands are amounts and powers of ten: finish in 64 bits.
        if let (Ok(small_a), Ok(small_b)) = (u64::try_from(a), u64::try_from(b)) {
            return u128::from(gcd_odd_u64(small_a, small_b)) << shift;
        }
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// Binary gcd where `a` is odd and neither is zero.
fn gcd_odd_u64(mut a: u64, mut b: u64) -> u64 {
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a;
        }
    }
}

/// Greatest common divisor of two `U256`s; `gcd(0, b) = b`.
pub(super) fn gcd(a: U256, b: U256) -> U256 {
    if let (Some(a), Some(b)) = (a.to_u128(), b.to_u128()) {
        return U256::from_u128(gcd_u128(a, b));
    }
    if a.is_zero() {
        return b;
    }
    if b.is_zero() {
        return a;
    }
    let shift = a.trailing_zeros().min(b.trailing_zeros());
    let mut a = a.shr(a.trailing_zeros());
    let mut b = b;
    loop {
        b = b.shr(b.trailing_zeros());
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b = b.sub(a);
        if b.is_zero() {
            return a.shl(shift);
        }
    }
}

/// An exact signed fraction `±num/den` with `den > 0`. Constructors keep
/// it reduced (`gcd(num, den) = 1`) and zero non-negative; `mul` relies on
/// its operands being reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ratio {
    pub(super) neg: bool,
    pub(super) num: U256,
    pub(super) den: U256,
}

impl Ratio {
    pub(super) const ZERO: Ratio = Ratio {
        neg: false,
        num: U256::ZERO,
        den: U256::ONE,
    };
    pub(super) const ONE: Ratio = Ratio {
        neg: false,
        num: U256::ONE,
        den: U256::ONE,
    };

    /// `±num/den` reduced; `den` must not be zero.
    pub(super) fn reduced(neg: bool, num: U256, den: U256) -> Ratio {
        if num.is_zero() {
            return Ratio::ZERO;
        }
        let g = gcd(num, den);
        if g == U256::ONE {
            return Ratio { neg, num, den };
        }
        Ratio {
            neg,
            num: num.div_exact(g),
            den: den.div_exact(g),
        }
    }

    /// A reduced ratio from `u128` parts.
    pub(super) fn from_u128s(neg: bool, num: u128, den: u128) -> Ratio {
        if num == 0 {
            return Ratio::ZERO;
        }
        let g = gcd_u128(num, den);
        Ratio {
            neg,
            num: U256::from_u128(num / g),
            den: U256::from_u128(den / g),
        }
    }

    pub(super) fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    pub(super) fn negated(self) -> Ratio {
        if self.is_zero() {
            return self;
        }
        Ratio {
            neg: !self.neg,
            ..self
        }
    }

    /// `1 / self`; `None` for zero.
    pub(super) fn recip(self) -> Option<Ratio> {
        if self.is_zero() {
            return None;
        }
        Some(Ratio {
            neg: self.neg,
            num: self.den,
            den: self.num,
        })
    }

    /// Exact sum; `None` only when an intermediate exceeds 256 bits, which
    /// cannot happen for operands whose parts fit in 127 bits.
    pub(super) fn add(self, other: Ratio) -> Option<Ratio> {
        let g = gcd(self.den, other.den);
        let self_den_g = self.den.div_exact(g);
        let other_den_g = other.den.div_exact(g);
        let left = self.num.checked_mul(other_den_g)?;
        let right = other.num.checked_mul(self_den_g)?;
        let (neg, num) = if self.neg == other.neg {
            (self.neg, left.checked_add(right)?)
        } else if left >= right {
            (self.neg, left.sub(right))
        } else {
            (other.neg, right.sub(left))
        };
        let den = self_den_g.checked_mul(other.den)?;
        Some(Ratio::reduced(neg, num, den))
    }

    /// Exact product of two reduced ratios, reduced by cancelling across
    /// before multiplying. The result's parts are exactly the two products,
    /// so `None` (a product beyond 256 bits) means the reduced result does
    /// not fit in 256 bits either.
    pub(super) fn mul(self, other: Ratio) -> Option<Ratio> {
        if self.is_zero() || other.is_zero() {
            return Some(Ratio::ZERO);
        }
        let g1 = gcd(self.num, other.den);
        let g2 = gcd(other.num, self.den);
        let num = self
            .num
            .div_exact(g1)
            .checked_mul(other.num.div_exact(g2))?;
        let den = self
            .den
            .div_exact(g2)
            .checked_mul(other.den.div_exact(g1))?;
        Some(Ratio {
            neg: self.neg != other.neg,
            num,
            den,
        })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests state their expectations with unwrap and indexing"
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(hi: u128, lo: u128) -> U256 {
        U256 { hi, lo }
    }

    #[test]
    fn widening_mul_of_maxima() {
        // (2^128 - 1)^2 = 2^256 - 2^129 + 1.
        let p = U256::widening_mul(u128::MAX, u128::MAX);
        assert_eq!(p, big(u128::MAX - 1, 1));
    }

    #[test]
    fn checked_mul_detects_overflow() {
        assert_eq!(big(1, 0).checked_mul(big(1, 0)), None);
        assert_eq!(big(1, 0).checked_mul(U256::from_u128(3)), Some(big(3, 0)));
        assert_eq!(big(u128::MAX, 0).checked_mul(U256::from_u128(2)), None);
    }

    #[test]
    fn division_beyond_128_bits() {
        let n = U256::widening_mul(u128::MAX, 12345);
        let (q, r) = n.div_rem(U256::from_u128(12345)).unwrap();
        assert_eq!(q, U256::from_u128(u128::MAX));
        assert!(r.is_zero());
        let (q, r) = n.div_rem(U256::from_u128(u128::MAX)).unwrap();
        assert_eq!(q, U256::from_u128(12345));
        assert!(r.is_zero());
        assert_eq!(n.div_rem(U256::ZERO), None);
    }

    #[test]
    fn gcd_beyond_128_bits() {
        let a = U256::widening_mul(u128::MAX, 6);
        let b = U256::widening_mul(u128::MAX, 10);
        assert_eq!(gcd(a, b), U256::widening_mul(u128::MAX, 2));
    }

    #[test]
    fn ratio_add_and_mul() {
        let third = Ratio::from_u128s(false, 1, 3);
        let two_thirds = Ratio::from_u128s(false, 2, 3);
        assert_eq!(third.add(two_thirds), Some(Ratio::from_u128s(false, 1, 1)));
        assert_eq!(
            third.add(two_thirds.negated()),
            Some(Ratio::from_u128s(true, 1, 3))
        );
        assert_eq!(
            third.mul(Ratio::from_u128s(true, 3, 4)),
            Some(Ratio::from_u128s(true, 1, 4))
        );
    }

    proptest! {
        #[test]
        fn div_rem_inverts_mul(a in any::<u128>(), b in 1..u128::MAX, c in any::<u128>()) {
            let r = c % b;
            let n = U256::widening_mul(a, b).checked_add(U256::from_u128(r)).unwrap();
            let (q, rem) = n.div_rem(U256::from_u128(b)).unwrap();
            prop_assert_eq!(q, U256::from_u128(a));
            prop_assert_eq!(rem, U256::from_u128(r));
        }

        #[test]
        fn gcd_divides_both(a in 1..u128::MAX, b in 1..u128::MAX, k in 1..u128::MAX) {
            let x = U256::widening_mul(a, k);
            let y = U256::widening_mul(b, k);
            let g = gcd(x, y);
            prop_assert!(x.div_rem(g).unwrap().1.is_zero());
            prop_assert!(y.div_rem(g).unwrap().1.is_zero());
            prop_assert_eq!(g, U256::widening_mul(gcd_u128(a, b), k));
        }
    }
}

//! Tests of exact numbers: scale rules, forms, overflow, rounding ties in
//! every mode, and properties checked against `rust_decimal` and integer
//! references.

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use super::number::{Number, NumberError};
use crate::ir::RoundMode;

fn dec(text: &str) -> Number {
    Number::from_decimal(text.parse::<Decimal>().unwrap())
}

fn frac(num: i128, den: i128) -> Number {
    Number::from_fraction(num, den).unwrap()
}

fn step(text: &str) -> Decimal {
    text.parse().unwrap()
}

const MODES: [RoundMode; 6] = [
    RoundMode::HalfAwayFromZero,
    RoundMode::HalfEven,
    RoundMode::Up,
    RoundMode::Down,
    RoundMode::Floor,
    RoundMode::Ceiling,
];

fn strategy(mode: RoundMode) -> RoundingStrategy {
    match mode {
        RoundMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
        RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundMode::Up => RoundingStrategy::AwayFromZero,
        RoundMode::Down => RoundingStrategy::ToZero,
        RoundMode::Floor => RoundingStrategy::ToNegativeInfinity,
        RoundMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
    }
}

#[test]
fn scale_rules() {
    let show = |r: Result<Number, NumberError>| r.unwrap().to_string();
    assert_eq!(show(dec("1.5").checked_add(&dec("0.25"))), "1.75");
    assert_eq!(show(dec("1.50").checked_add(&dec("1.5"))), "3.00");
    assert_eq!(show(dec("1.50").checked_sub(&dec("1.5"))), "0.00");
    assert_eq!(show(dec("2.5").checked_mul(&dec("1.25"))), "3.125");
    assert_eq!(show(dec("2.0").checked_mul(&dec("3.00"))), "6.000");
    assert_eq!(
        show(dec("30000").checked_mul_percent(&dec("4.6"))),
        "1380.000"
    );
    assert_eq!(
        show(dec("1709").checked_mul_percent(&dec("100"))),
        "1709.00"
    );
    assert_eq!(show(dec("10.00").checked_div(&dec("4"))), "2.50");
    assert_eq!(show(dec("10").checked_div(&dec("4"))), "2.5");
    assert_eq!(show(dec("1").checked_div(&dec("8"))), "0.125");
    assert_eq!(show(dec("30000.00").checked_div(&dec("30000.00"))), "1");
    assert_eq!(show(dec("1380").checked_div_percent(&dec("4.6"))), "30000");
    assert_eq!(
        show(dec("1000.00").checked_div_percent(&dec("12.5"))),
        "8000.0"
    );
    assert_eq!(
        show(dec("360000.00").checked_div(&dec("365"))),
        "72000/73 (≈ 986.3013698630)"
    );
}

#[test]
fn fractions_stay_exact_until_rounded() {
    let third = dec("1").checked_div(&dec("3")).unwrap();
    assert_eq!(third.to_decimal(), None);
    assert_eq!(third.fraction_parts(), (1, 3));
    let sum = third
        .checked_add(&third)
        .unwrap()
        .checked_add(&third)
        .unwrap();
    assert_eq!(sum.to_string(), "1");
    // 100 / 3 rounded, times 3, is not 100; rounding 100 / 3 * 3 is.
    let rounded = dec("100")
        .checked_div(&dec("3"))
        .unwrap()
        .round(step("0.01"), RoundMode::HalfAwayFromZero);
    assert_eq!(rounded.clone().unwrap().to_string(), "33.33");
    assert_eq!(
        rounded.unwrap().checked_mul(&dec("3")).unwrap().to_string(),
        "99.99"
    );
}

#[test]
fn reserve_top_up_rounds_once() {
    // round2(10 * 30000.00 * 12 / 365 - 5000.00 * 10 / 10) = 4863.01.
    let per_day = dec("30000.00")
        .checked_mul(&dec("12"))
        .unwrap()
        .checked_div(&dec("365"))
        .unwrap();
    let earned = dec("10").checked_mul(&per_day).unwrap();
    let paid = dec("5000.00")
        .checked_mul(&dec("10"))
        .unwrap()
        .checked_div(&dec("10"))
        .unwrap();
    let top_up = earned.checked_sub(&paid).unwrap();
    assert_eq!(top_up.fraction_parts(), (355000, 73));
    let rounded = top_up
        .round(step("0.01"), RoundMode::HalfAwayFromZero)
        .unwrap();
    assert_eq!(rounded.to_string(), "4863.01");
}

#[test]
fn precision_rust_decimal_would_lose_is_kept_or_reported() {
    // 1e-16 * 1e-16: rust_decimal gives 0; here it is exact (a fraction,
    // since it needs 32 decimals), and multiplying back recovers 1e-16.
    let tiny = dec("0.0000000000000001");
    let square = tiny.checked_mul(&tiny).unwrap();
    assert!(!square.is_zero());
    assert_eq!(square.to_decimal(), None);
    assert_eq!(square.fraction_parts(), (1, 10i128.pow(32)));
    assert_eq!(square.checked_mul(&dec("10000000000000000")).unwrap(), tiny);
    assert_eq!(
        square
            .checked_mul(&dec("10000000000000000"))
            .unwrap()
            .to_string(),
        "0.0000000000000001"
    );
    // 12345678901234.12345678901234 squared needs a 55-digit numerator.
    let wide = dec("12345678901234.12345678901234");
    assert_eq!(wide.checked_mul(&wide), Err(NumberError::Overflow));
    // Decimal::MAX + 1 is a big integer, exact, but not a decimal.
    let max = Number::from_decimal(Decimal::MAX);
    let beyond = max.checked_add(&dec("1")).unwrap();
    assert_eq!(beyond.to_decimal(), None);
    assert_eq!(beyond.to_string(), "79228162514264337593543950336");
    assert_eq!(
        beyond.checked_sub(&dec("1")).unwrap().to_decimal(),
        Some(Decimal::MAX)
    );
    assert_eq!(beyond.to_decimal_at_scale(0), Err(NumberError::Overflow));
    assert_eq!(
        beyond
            .round(step("1"), RoundMode::HalfAwayFromZero)
            .unwrap()
            .to_decimal(),
        None
    );
}

#[test]
fn overflow_and_division_by_zero() {
    let big = dec("100000000000000000000");
    assert_eq!(big.checked_mul(&big), Err(NumberError::Overflow));
    let ten_to_13 = dec("10000000000000");
    assert_eq!(
        ten_to_13.checked_mul(&ten_to_13).unwrap().to_string(),
        "100000000000000000000000000"
    );
    let max = Number::from_decimal(Decimal::MAX);
    let huge = max.checked_mul(&dec("1000000000")).unwrap();
    assert_eq!(huge.checked_mul(&huge), Err(NumberError::Overflow));
    assert_eq!(huge.checked_mul(&dec("10")), Err(NumberError::Overflow));
    assert_eq!(
        dec("1").checked_div(&huge).map(|n| n.fraction_parts().0),
        Ok(1)
    );
    // Adding 28 decimals to a 29-digit integer needs a 57-digit numerator.
    let fine = Number::from_decimal(Decimal::new(1, 28));
    assert_eq!(max.checked_add(&fine), Err(NumberError::Overflow));
    assert_eq!(
        dec("1").checked_div(&dec("0.00")),
        Err(NumberError::DivisionByZero)
    );
    assert_eq!(
        dec("1").checked_div_percent(&dec("0")),
        Err(NumberError::DivisionByZero)
    );
    assert_eq!(
        Number::from_fraction(1, 0),
        Err(NumberError::DivisionByZero)
    );
    assert_eq!(
        Number::from_fraction(i128::MIN, 1),
        Err(NumberError::Overflow)
    );
    let tiny = dec("0.0000000000000000000000000001");
    assert_eq!(
        tiny.checked_mul(&tiny).and_then(|t| t.checked_mul(&tiny)),
        Err(NumberError::Overflow)
    );
}

#[test]
fn order_and_equality_are_exact() {
    assert_eq!(dec("1.50"), dec("1.5"));
    assert!(frac(1, 3) < dec("0.3334"));
    assert!(frac(1, 3) > dec("0.3333"));
    assert!(frac(-1, 3) > dec("-0.3334"));
    assert!(frac(-1, 3) < dec("0"));
    assert_eq!(frac(1, 8), dec("0.125"));
    assert!(Number::from_decimal(Decimal::MAX) > Number::from_decimal(Decimal::MAX - Decimal::ONE));
    assert!(Number::from_decimal(Decimal::MAX) > Number::from_decimal(Decimal::new(1, 28)));
    assert!(Number::from_decimal(Decimal::new(1, 28)) > dec("0"));
}

#[test]
fn never_negative_zero() {
    let show = |n: Number| n.to_string();
    assert_eq!(show(dec("-0.00")), "0.00");
    assert_eq!(show(-dec("0.00")), "0.00");
    assert_eq!(show(dec("0.00").checked_mul(&dec("-1")).unwrap()), "0.00");
    assert_eq!(show(dec("-1.5").checked_add(&dec("1.5")).unwrap()), "0.0");
    for mode in MODES {
        let r = dec("-0.001").round(step("0.01"), mode).unwrap();
        assert!(
            r.to_string() == "0.00" || r.to_string() == "-0.01",
            "{mode:?}"
        );
    }
    assert_eq!(
        show(
            dec("-0.004")
                .round(step("0.01"), RoundMode::HalfAwayFromZero)
                .unwrap()
        ),
        "0.00"
    );
    assert_eq!(
        show(
            frac(-1, 300)
                .round(step("0.01"), RoundMode::Ceiling)
                .unwrap()
        ),
        "0.00"
    );
    assert_eq!(dec("-0.004").to_text_with_min_scale(2), "-0.004");
}

#[test]
fn rounding_ties_in_every_mode() {
    // Value, then the expected result per mode in the order of MODES.
    let cases: &[(Number, &str, [&str; 6])] = &[
        (
            dec("0.005"),
            "0.01",
            ["0.01", "0.00", "0.01", "0.00", "0.00", "0.01"],
        ),
        (
            dec("-0.005"),
            "0.01",
            ["-0.01", "0.00", "-0.01", "0.00", "-0.01", "0.00"],
        ),
        (
            dec("0.015"),
            "0.01",
            ["0.02", "0.02", "0.02", "0.01", "0.01", "0.02"],
        ),
        (
            dec("-0.015"),
            "0.01",
            ["-0.02", "-0.02", "-0.02", "-0.01", "-0.02", "-0.01"],
        ),
        (
            dec("0.125"),
            "0.01",
            ["0.13", "0.12", "0.13", "0.12", "0.12", "0.13"],
        ),
        (
            dec("-0.125"),
            "0.01",
            ["-0.13", "-0.12", "-0.13", "-0.12", "-0.13", "-0.12"],
        ),
        (
            dec("-2.675"),
            "0.01",
            ["-2.68", "-2.68", "-2.68", "-2.67", "-2.68", "-2.67"],
        ),
        (
            dec("0.0049"),
            "0.01",
            ["0.00", "0.00", "0.01", "0.00", "0.00", "0.01"],
        ),
        (
            dec("-0.0051"),
            "0.01",
            ["-0.01", "-0.01", "-0.01", "0.00", "-0.01", "0.00"],
        ),
        (
            dec("0.01"),
            "0.01",
            ["0.01", "0.01", "0.01", "0.01", "0.01", "0.01"],
        ),
        (
            frac(1, 3),
            "0.01",
            ["0.33", "0.33", "0.34", "0.33", "0.33", "0.34"],
        ),
        (
            frac(2, 3),
            "0.01",
            ["0.67", "0.67", "0.67", "0.66", "0.66", "0.67"],
        ),
        (
            frac(-2, 3),
            "0.01",
            ["-0.67", "-0.67", "-0.67", "-0.66", "-0.67", "-0.66"],
        ),
        (
            frac(1, 8),
            "0.25",
            ["0.25", "0.00", "0.25", "0.00", "0.00", "0.25"],
        ),
        (
            frac(-1, 8),
            "0.25",
            ["-0.25", "0.00", "-0.25", "0.00", "-0.25", "0.00"],
        ),
        (
            frac(3, 8),
            "0.25",
            ["0.50", "0.50", "0.50", "0.25", "0.25", "0.50"],
        ),
        (
            dec("1.025"),
            "0.05",
            ["1.05", "1.00", "1.05", "1.00", "1.00", "1.05"],
        ),
        (
            dec("1.075"),
            "0.05",
            ["1.10", "1.10", "1.10", "1.05", "1.05", "1.10"],
        ),
        (dec("15"), "10", ["20", "20", "20", "10", "10", "20"]),
        (dec("25.00"), "10", ["30", "20", "30", "20", "20", "30"]),
        (dec("-25"), "10", ["-30", "-20", "-30", "-20", "-30", "-20"]),
        (
            dec("7.25"),
            "0.5",
            ["7.5", "7.0", "7.5", "7.0", "7.0", "7.5"],
        ),
        (
            dec("7.26"),
            "0.5",
            ["7.5", "7.5", "7.5", "7.0", "7.0", "7.5"],
        ),
        (dec("12.50"), "5", ["15", "10", "15", "10", "10", "15"]),
        (dec("17.50"), "5", ["20", "20", "20", "15", "15", "20"]),
        (
            frac(1, 7),
            "0.0000000000000000000000000001",
            [
                "0.1428571428571428571428571429",
                "0.1428571428571428571428571429",
                "0.1428571428571428571428571429",
                "0.1428571428571428571428571428",
                "0.1428571428571428571428571428",
                "0.1428571428571428571428571429",
            ],
        ),
    ];
    for (value, step_text, expected) in cases {
        for (mode, want) in MODES.iter().zip(expected) {
            let got = value.round(step(step_text), *mode).unwrap().to_string();
            assert_eq!(&got, want, "round({value}, {step_text}, {mode:?})");
        }
    }
    assert_eq!(
        dec("1").round(step("0"), RoundMode::Up),
        Err(NumberError::InvalidStep)
    );
    assert_eq!(
        dec("1").round(step("-0.01"), RoundMode::Up),
        Err(NumberError::InvalidStep)
    );
}

#[test]
fn output_at_a_fixed_scale() {
    assert_eq!(
        dec("1.5").to_decimal_at_scale(2).unwrap().to_string(),
        "1.50"
    );
    assert_eq!(
        dec("1.500").to_decimal_at_scale(2).unwrap().to_string(),
        "1.50"
    );
    assert_eq!(
        dec("1.505").to_decimal_at_scale(2),
        Err(NumberError::NotExact { scale: 2 })
    );
    assert_eq!(
        frac(1, 3).to_decimal_at_scale(2),
        Err(NumberError::NotExact { scale: 2 })
    );
    assert_eq!(
        frac(1, 8).to_decimal_at_scale(3).unwrap().to_string(),
        "0.125"
    );
    assert_eq!(
        dec("-0.000").to_decimal_at_scale(2).unwrap().to_string(),
        "0.00"
    );
    let max = Number::from_decimal(Decimal::MAX);
    assert_eq!(max.to_decimal_at_scale(1), Err(NumberError::Overflow));
    assert_eq!(
        dec("1").to_decimal_at_scale(40),
        Err(NumberError::NotExact { scale: 40 })
    );
}

#[test]
fn integers() {
    assert!(dec("3.00").is_integer());
    assert_eq!(dec("3.00").to_i64(), Some(3));
    assert_eq!(dec("-3").to_i64(), Some(-3));
    assert_eq!(dec("3.5").to_i64(), None);
    assert_eq!(frac(1, 3).to_i64(), None);
    assert_eq!(dec("99999999999999999999").to_i64(), None);
}

/// A decimal with a small mantissa and scale (the everyday case).
fn small_decimal() -> impl Strategy<Value = Decimal> {
    (-10_000_000_000i64..10_000_000_000, 0u32..8).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Any decimal: a full 96-bit mantissa and any scale.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        any::<bool>(),
        0u32..=28,
    )
        .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s))
}

fn nonzero(d: &Decimal) -> bool {
    !d.is_zero()
}

/// `n/d` rounded to hundredths by `mode`, with plain integer arithmetic.
fn reference_round(n: i128, d: i128, mode: RoundMode) -> Decimal {
    let scaled = n * 100;
    let (lower, r) = (scaled.div_euclid(d), scaled.rem_euclid(d));
    let upper = lower + 1;
    let negative = scaled < 0;
    let k = if r == 0 {
        lower
    } else {
        let toward_zero = if negative { upper } else { lower };
        let away = if negative { lower } else { upper };
        match mode {
            RoundMode::Floor => lower,
            RoundMode::Ceiling => upper,
            RoundMode::Down => toward_zero,
            RoundMode::Up => away,
            RoundMode::HalfAwayFromZero | RoundMode::HalfEven => match (2 * r).cmp(&d) {
                std::cmp::Ordering::Less => lower,
                std::cmp::Ordering::Greater => upper,
                std::cmp::Ordering::Equal if mode == RoundMode::HalfAwayFromZero => away,
                std::cmp::Ordering::Equal => {
                    if lower % 2 == 0 {
                        lower
                    } else {
                        upper
                    }
                }
            },
        }
    };
    Decimal::from_i128_with_scale(k, 2)
}

proptest! {
    #[test]
    fn add_then_subtract_is_identity(a in any_decimal(), b in any_decimal()) {
        let (x, y) = (Number::from_decimal(a), Number::from_decimal(b));
        // A sum may overflow (28 decimals plus 29 integer digits do not fit
        // one fraction); when it does not, going back is exact and, by the
        // definition of overflow, cannot overflow.
        if let Ok(sum) = x.checked_add(&y) {
            prop_assert_eq!(sum.checked_sub(&y).unwrap(), x.clone());
        }
        if let Ok(difference) = x.checked_sub(&y) {
            prop_assert_eq!(difference.checked_add(&y).unwrap(), x);
        }
    }

    #[test]
    fn sums_agree_with_rust_decimal_when_it_is_exact(a in small_decimal(), b in small_decimal()) {
        let sum = Number::from_decimal(a).checked_add(&Number::from_decimal(b)).unwrap();
        let expected = a + b;
        prop_assert_eq!(sum.to_decimal(), Some(expected));
        prop_assert_eq!(sum.scale(), Some(a.scale().max(b.scale())));
        let product = Number::from_decimal(a).checked_mul(&Number::from_decimal(b)).unwrap();
        prop_assert_eq!(product.to_decimal(), Some(a * b));
        prop_assert_eq!(product.scale(), Some(a.scale() + b.scale()));
    }

    #[test]
    fn multiply_then_divide_is_identity(a in any_decimal(), b in any_decimal().prop_filter("nonzero", nonzero)) {
        let (x, y) = (Number::from_decimal(a), Number::from_decimal(b));
        // A product may overflow; when it does not, dividing back is exact
        // and, by the definition of overflow, cannot overflow.
        if let Ok(product) = x.checked_mul(&y) {
            prop_assert_eq!(product.checked_div(&y).unwrap(), x.clone());
        }
        if let Ok(quotient) = x.checked_div(&y) {
            prop_assert_eq!(quotient.checked_mul(&y).unwrap(), x);
        }
    }

    #[test]
    fn small_quotients_never_overflow(a in small_decimal(), b in small_decimal().prop_filter("nonzero", nonzero), c in small_decimal().prop_filter("nonzero", nonzero)) {
        let (x, y, z) = (Number::from_decimal(a), Number::from_decimal(b), Number::from_decimal(c));
        let q = x.checked_div(&y).unwrap().checked_div(&z).unwrap();
        prop_assert_eq!(q.checked_mul(&z).unwrap().checked_mul(&y).unwrap(), x);
    }

    #[test]
    fn percent_is_a_hundredth(a in small_decimal(), p in small_decimal().prop_filter("nonzero", nonzero)) {
        let (x, y) = (Number::from_decimal(a), Number::from_decimal(p));
        let share = x.checked_mul_percent(&y).unwrap();
        let hundred = Number::from_i64(100);
        prop_assert_eq!(share.clone(), x.checked_mul(&y).unwrap().checked_div(&hundred).unwrap());
        prop_assert_eq!(share.scale(), Some(a.scale() + p.scale() + 2));
        prop_assert_eq!(share.checked_div_percent(&y).unwrap(), x.clone());
        prop_assert_eq!(x.checked_div_percent(&y).unwrap(), x.checked_mul(&hundred).unwrap().checked_div(&y).unwrap());
    }

    #[test]
    fn rounding_agrees_with_rust_decimal(a in any_decimal(), dp in 0u32..=8, mode_index in 0usize..6) {
        let mode = MODES[mode_index];
        let step = Decimal::new(1, dp);
        let ours = Number::from_decimal(a).round(step, mode);
        let theirs = a.round_dp_with_strategy(dp, strategy(mode));
        match ours {
            Ok(n) => {
                prop_assert_eq!(n.clone(), Number::from_decimal(theirs));
                // The step's scale, unless the mantissa would not fit at it.
                if let Some(d) = n.to_decimal() && d.scale() != dp {
                    prop_assert!(d.scale() < dp);
                    prop_assert_eq!(n.to_decimal_at_scale(dp), Err(NumberError::Overflow));
                }
            }
            // Only a value that rounds beyond the mantissa at this scale
            // has no decimal; it is never an error here (a big integer).
            Err(e) => prop_assert!(false, "round failed: {:?}", e),
        }
    }

    #[test]
    fn rounding_fractions_agrees_with_integers(n in -1_000_000_000i64..1_000_000_000, d in 1i64..100_000, mode_index in 0usize..6) {
        let mode = MODES[mode_index];
        let value = Number::from_fraction(i128::from(n), i128::from(d)).unwrap();
        let rounded = value.round(Decimal::new(1, 2), mode).unwrap();
        let expected = reference_round(i128::from(n), i128::from(d), mode);
        prop_assert_eq!(rounded.to_decimal(), Some(expected));
        prop_assert_eq!(rounded.to_string(), expected.to_string());
    }

    #[test]
    fn order_agrees_with_rust_decimal(a in any_decimal(), b in any_decimal()) {
        prop_assert_eq!(Number::from_decimal(a).cmp(&Number::from_decimal(b)), a.cmp(&b));
    }

    #[test]
    fn no_operation_panics(a in any_decimal(), b in any_decimal(), c in any_decimal()) {
        let (x, y, z) = (Number::from_decimal(a), Number::from_decimal(b), Number::from_decimal(c));
        let chained = x.checked_div(&y).and_then(|q| q.checked_mul(&z)).and_then(|q| q.checked_add(&x));
        if let Ok(v) = chained {
            let _ = v.round(Decimal::new(5, 2), RoundMode::HalfEven);
            let _ = v.to_decimal_at_scale(2);
            let _ = v.to_string();
        }
        let _ = x.checked_mul_percent(&y).and_then(|v| v.checked_div_percent(&z));
    }
}

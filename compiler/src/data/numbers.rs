//! Exact decimal text: [`parse_decimal`] reads `-?[0-9]+(\.[0-9]+)?`
//! without going through `f64`, and a malformed number gets a [`Hint`]
//! saying what it looks like (decimal comma, separators, exponent, unit).
//!
//! It knows nothing of types beyond the number of decimals it may keep;
//! choosing that number, and writing numbers back, happen elsewhere
//! (`cells.rs`, `format.rs`).

use rust_decimal::Decimal;

use super::{Hint, Problem};

/// Parse a plain decimal: `-?[0-9]+(\.[0-9]+)?`, exactly, with at most
/// `max_scale` decimals once trailing zeros are dropped.
pub fn parse_decimal(text: &str, max_scale: Option<u32>) -> Result<Decimal, Problem> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    // Up to 19 digits fit a u64 (the usual case); more go to a u128.
    let mut small: u64 = 0;
    let mut mantissa: u128 = 0;
    let mut scale: u32 = 0;
    let mut seen_point = false;
    let mut int_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut overflow = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                let digit = b - b'0';
                let count = int_digits + frac_digits;
                if count < 19 {
                    small = small * 10 + u64::from(digit);
                } else {
                    if count == 19 {
                        mantissa = u128::from(small);
                    }
                    match mantissa
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u128::from(digit)))
                    {
                        Some(m) => mantissa = m,
                        None => overflow = true,
                    }
                }
                if seen_point {
                    frac_digits += 1;
                    scale = scale.saturating_add(1);
                } else {
                    int_digits += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => return Err(Problem::Malformed(number_hint(text))),
        }
    }
    if int_digits == 0 || (seen_point && frac_digits == 0) {
        return Err(Problem::Malformed(number_hint(text)));
    }
    if int_digits + frac_digits < 20 {
        mantissa = u128::from(small);
    }
    if overflow {
        return Err(Problem::OutOfRange);
    }
    // Drop trailing zeros beyond what the type keeps: `12.00` is the Int 12.
    let limit = max_scale.unwrap_or(Decimal::MAX_SCALE);
    while scale > limit && mantissa.is_multiple_of(10) {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > limit {
        return Err(match max_scale {
            Some(allowed) => Problem::TooManyDecimals { allowed },
            None => Problem::OutOfRange,
        });
    }
    let signed = i128::try_from(mantissa).map_err(|_| Problem::OutOfRange)?;
    let signed = if negative { -signed } else { signed };
    let mut decimal =
        Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| Problem::OutOfRange)?;
    if decimal.is_zero() {
        decimal.set_sign_positive(true);
    }
    Ok(decimal)
}

/// Guess what a malformed number looks like.
fn number_hint(text: &str) -> Hint {
    // A unit after the number: `30000 kr`, `83.46 %`, `26.5h`.
    let number_end = text
        .char_indices()
        .find(|(_, c)| {
            !(c.is_ascii_digit()
                || matches!(
                    c,
                    '-' | '.' | ',' | ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''
                ))
        })
        .map(|(i, _)| i);
    if let Some(end) = number_end {
        let (number, rest) = text.split_at(end);
        let rest = rest.trim();
        let unit_like = rest == "%"
            || rest.eq_ignore_ascii_case("kr")
            || rest.eq_ignore_ascii_case("sek")
            || rest.eq_ignore_ascii_case("h")
            || rest.eq_ignore_ascii_case("kr.");
        if unit_like && !number.trim().is_empty() {
            let number = number.trim();
            let suggestion = parse_decimal(number, None).ok().map(|_| number.to_string());
            return Hint::Unit(suggestion);
        }
        let exponent = text.contains(['e', 'E'])
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'e' | 'E' | '-' | '+' | '.'));
        if exponent {
            return Hint::Exponent;
        }
        return Hint::None;
    }
    if text.starts_with('.') || text.ends_with('.') || text.starts_with("-.") {
        return Hint::BarePoint;
    }
    let commas = text.matches(',').count();
    let points = text.matches('.').count();
    let blanks = text.contains([' ', '\u{a0}', '\u{202f}', '_', '\'']);
    if commas == 1 && points == 0 && !blanks {
        // `12,5`: a decimal comma. (`30,000` is ambiguous; a comma is far
        // more often a decimal separator in Swedish data.)
        let fixed = text.replace(',', ".");
        let suggestion = parse_decimal(&fixed, None).ok().map(|_| fixed);
        return Hint::DecimalComma(suggestion);
    }
    if blanks || commas > 0 {
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''))
            .collect();
        // `30 000,50` (Swedish) or `30,000.50` (English).
        let fixed = if points == 0 && commas == 1 {
            digits.replace(',', ".")
        } else {
            digits.replace(',', "")
        };
        let suggestion = parse_decimal(&fixed, None).ok().map(|_| fixed);
        return Hint::Separators(suggestion);
    }
    Hint::None
}

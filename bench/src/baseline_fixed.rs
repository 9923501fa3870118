//! W1 written by hand in `i64` fixed point with overflow checks and
//! branch-free selects: the practical limit a compiled evaluator is
//! measured against. Scales are chosen per formula, as the JIT spike in
//! CRATES.md §3 did.

use chrono::NaiveDate;

use crate::population::{Employee, Outputs, notice};

/// Divide by `10^k` (given as `unit`), rounding half away from zero.
#[inline]
fn round_div(x: i64, unit: i64) -> i64 {
    let half = unit / 2;
    let bias = std::hint::select_unpredictable(x < 0, -half, half);
    (x + bias) / unit
}

#[inline]
fn round_div_i128(x: i128, divisor: i128) -> i128 {
    let q = x / divisor;
    let r = x % divisor;
    if 2 * r.abs() >= divisor.abs() {
        q + x.signum() * divisor.signum()
    } else {
        q
    }
}

pub fn w1(e: &Employee) -> Option<Outputs> {
    let switch_2027 = NaiveDate::from_ymd_opt(2027, 1, 1)?;
    let flex_switch = NaiveDate::from_ymd_opt(2026, 10, 1)?;
    // G × rate / 100 at scale 6 (öre × hundredths = scale 4, /100 = scale 6).
    let g = std::hint::select_unpredictable(e.period < switch_2027, 170_900i64, 175_900i64);
    let a = g.checked_mul(e.rate_hundredths)?;
    // 0.046 × salary at scale 5, lifted to 6; supplement from 2 to 6.
    let b = e.salary_ore.checked_mul(460)?;
    let c = e.supplement_ore.checked_mul(10_000)?;
    let d = a.checked_sub(b)?.checked_sub(c)?;
    let per_day = round_div(d, 10_000).max(0);
    let vacation = per_day.checked_mul(e.vacation_days)?;
    let late = e.period >= flex_switch;
    let transition = e.division_ii && e.flex_transition;
    let p = match (transition, late) {
        (true, false) => 60,
        (true, true) => 70,
        (false, false) => 160,
        (false, true) => 170,
    };
    // salary (scale 2) × p (hundredths of a percent) / 100 → scale 6.
    let flex = round_div(e.salary_ore.checked_mul(p)?, 10_000);
    let tsn = round_div(e.salary_ore.checked_mul(20)?, 10_000);
    let eligible = if e.reserve_reason_qualifies {
        e.reserve_days.min((25 - e.reserve_days_ytd).max(0))
    } else {
        0
    };
    let topup = if eligible == 0 {
        0
    } else {
        let days = i128::from(e.reserve_days);
        let el = i128::from(eligible);
        let numerator =
            el * i128::from(e.salary_ore) * 12 * days - i128::from(e.reserve_pay_ore) * el * 365;
        i64::try_from(round_div_i128(numerator, 365 * days))
            .ok()?
            .max(0)
    };
    let used = e.mertid_tenths.checked_add(e.overtime_tenths)?;
    let (notice_months, notice_end) = notice(e);
    Some(Outputs {
        vacation_guarantee: vacation,
        flex_premium: flex,
        tsn_fee: tsn,
        reserve_topup: topup,
        overtime_room_hundredths: (2000 - used) * 10,
        overtime_violation: used > 2000,
        notice_months,
        notice_end,
    })
}

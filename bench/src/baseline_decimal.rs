//! W1 written by hand with `rust_decimal`, as a payroll programmer would:
//! the baseline the compiled evaluator must at least match.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::population::{Employee, Outputs, notice};

fn round2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn ore(x: Decimal) -> i64 {
    (x * Decimal::ONE_HUNDRED)
        .trunc()
        .try_into()
        .unwrap_or(i64::MIN)
}

pub fn w1(e: &Employee) -> Outputs {
    let salary = Decimal::new(e.salary_ore, 2);
    let rate = Decimal::new(e.rate_hundredths, 2);
    let supplement = Decimal::new(e.supplement_ore, 2);
    let switch_2027 = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or(NaiveDate::MAX);
    let flex_switch = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or(NaiveDate::MAX);
    let g = if e.period < switch_2027 {
        Decimal::new(1709, 0)
    } else {
        Decimal::new(1759, 0)
    };
    let per_day = Decimal::ZERO.max(round2(
        g * rate / Decimal::ONE_HUNDRED - (Decimal::new(46, 3) * salary + supplement),
    ));
    let vacation = per_day * Decimal::from(e.vacation_days);
    let late = e.period >= flex_switch;
    let p = match (e.division_ii && e.flex_transition, late) {
        (true, false) => Decimal::new(6, 1),
        (true, true) => Decimal::new(7, 1),
        (false, false) => Decimal::new(16, 1),
        (false, true) => Decimal::new(17, 1),
    };
    let flex = round2(salary * p / Decimal::ONE_HUNDRED);
    let tsn = round2(salary * Decimal::new(2, 3));
    let eligible = if e.reserve_reason_qualifies {
        e.reserve_days.min((25 - e.reserve_days_ytd).max(0))
    } else {
        0
    };
    let topup = if eligible == 0 {
        Decimal::ZERO
    } else {
        // One division of the exact numerator, so a half-öre tie stays exact.
        let days = Decimal::from(e.reserve_days);
        let el = Decimal::from(eligible);
        let numerator = el * salary * Decimal::from(12) * days
            - Decimal::new(e.reserve_pay_ore, 2) * el * Decimal::from(365);
        Decimal::ZERO.max(round2(numerator / (Decimal::from(365) * days)))
    };
    let used = e.mertid_tenths + e.overtime_tenths;
    let (notice_months, notice_end) = notice(e);
    Outputs {
        vacation_guarantee: ore(vacation),
        flex_premium: ore(flex),
        tsn_fee: ore(tsn),
        reserve_topup: ore(topup),
        overtime_room_hundredths: (2000 - used) * 10,
        overtime_violation: used > 2000,
        notice_months,
        notice_end,
    }
}

//! W1 records typed for the hand-written baselines: money in öre, percent
//! in hundredths, hours in tenths, as `i64`, plus the same cells as text
//! for engines that parse them themselves.

use chrono::NaiveDate;

/// One W1 input row, decoded once.
#[derive(Debug, Clone)]
pub struct Employee {
    pub period: NaiveDate,
    pub salary_ore: i64,
    pub rate_hundredths: i64,
    pub supplement_ore: i64,
    pub vacation_days: i64,
    pub division_ii: bool,
    pub flex_transition: bool,
    pub reserve_days: i64,
    pub reserve_days_ytd: i64,
    /// `readiness`, `duty` or `plan` (as opposed to `other`).
    pub reserve_reason_qualifies: bool,
    pub reserve_pay_ore: i64,
    pub mertid_tenths: i64,
    pub overtime_tenths: i64,
    pub fullmakt: bool,
    pub service_years: i64,
}

/// The six W1 outputs in fixed point: money in öre, hours in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outputs {
    pub vacation_guarantee: i64,
    pub flex_premium: i64,
    pub tsn_fee: i64,
    pub reserve_topup: i64,
    pub overtime_room_hundredths: i64,
    pub overtime_violation: bool,
    pub notice_months: i64,
    pub notice_end: NaiveDate,
}

/// Parse fixed-point text `12.34` with at most `scale` decimals into an
/// integer at that scale.
pub fn fixed(text: &str, scale: u32) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if fraction.len() > scale as usize {
        return None;
    }
    let negative = whole.starts_with('-');
    let whole: i64 = whole.trim_start_matches('-').parse().ok()?;
    let mut value = whole.checked_mul(10i64.checked_pow(scale)?)?;
    if !fraction.is_empty() {
        let f: i64 = fraction.parse().ok()?;
        let pad = 10i64.checked_pow(scale - fraction.len() as u32)?;
        value = value.checked_add(f.checked_mul(pad)?)?;
    }
    Some(if negative { -value } else { value })
}

/// Read a W1 population CSV (as `gen_population.py` writes it).
pub fn read(
    path: &str,
) -> Result<(Vec<Employee>, Vec<csv::StringRecord>, csv::StringRecord), String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let mut employees = Vec::new();
    let mut rows = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let get = |i: usize| row.get(i).unwrap_or("");
        let bad = |field: &str| format!("row {}: bad {field}", index + 1);
        employees.push(Employee {
            period: NaiveDate::parse_from_str(get(1), "%Y-%m-%d").map_err(|_| bad("period"))?,
            salary_ore: fixed(get(2), 2).ok_or_else(|| bad("salary"))?,
            rate_hundredths: fixed(get(3), 2).ok_or_else(|| bad("rate"))?,
            supplement_ore: fixed(get(4), 2).ok_or_else(|| bad("supplement"))?,
            vacation_days: get(5).parse().map_err(|_| bad("vacation_days"))?,
            division_ii: get(6) == "II",
            flex_transition: get(7) == "true",
            reserve_days: get(8).parse().map_err(|_| bad("reserve_days"))?,
            reserve_days_ytd: get(9).parse().map_err(|_| bad("reserve_days_ytd"))?,
            reserve_reason_qualifies: matches!(get(10), "readiness" | "duty" | "plan"),
            reserve_pay_ore: fixed(get(11), 2).ok_or_else(|| bad("reserve_pay"))?,
            mertid_tenths: fixed(get(12), 1).ok_or_else(|| bad("mertid_ytd"))?,
            overtime_tenths: fixed(get(13), 1).ok_or_else(|| bad("overtime_ytd"))?,
            fullmakt: get(14) == "fullmakt",
            service_years: get(15).parse().map_err(|_| bad("service_years"))?,
        });
        rows.push(row);
    }
    Ok((employees, rows, header))
}

/// LAS 11 § notice in months by completed years of employment.
pub fn las_months(years: i64) -> i64 {
    match years {
        i64::MIN..=1 => 1,
        2..=3 => 2,
        4..=5 => 3,
        6..=7 => 4,
        8..=9 => 5,
        _ => 6,
    }
}

pub fn notice(e: &Employee) -> (i64, NaiveDate) {
    let months = if e.fullmakt {
        6
    } else {
        las_months(e.service_years).max(4)
    };
    let end = e
        .period
        .checked_add_months(chrono::Months::new(months as u32))
        .unwrap_or(e.period);
    (months, end)
}

//! The words a reader sees for types, values, rounding and periods, in
//! Swedish, the language of the agreements.
//!
//! Values keep the notation of the source and of `avtal explain`
//! (`1709.00 SEK`, `4.60 %`), so a reader can find them in both; what the
//! code says with keywords (rounding modes, `at most … per calendar
//! year`) is said in words.

use avtal_compiler::eval::{Value, format_value};
use avtal_compiler::ir::{Const, Program, RoundMode};
use avtal_compiler::types::Type;
use avtal_syntax::syntax::ast::LiteralUnit;

/// The unit written after a number of this type, if any.
pub fn unit(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Money => Some("SEK"),
        Type::Percent => Some("%"),
        Type::Hours => Some("h"),
        Type::Rate => Some("SEK/h"),
        Type::Days => Some("days"),
        Type::Months => Some("months"),
        _ => None,
    }
}

/// A type in words, with its unit: `belopp (SEK)`, `datum`, `Anställd`.
pub fn type_words(program: &Program, ty: &Type) -> String {
    match ty {
        Type::Int => "heltal".into(),
        Type::Decimal => "tal".into(),
        Type::Money => "belopp (SEK)".into(),
        Type::Percent => "procentsats (%)".into(),
        Type::Hours => "timmar (h)".into(),
        Type::Rate => "belopp per timme (SEK/h)".into(),
        Type::Days => "antal dagar".into(),
        Type::Months => "antal månader".into(),
        Type::Date => "datum".into(),
        Type::Time => "klockslag".into(),
        Type::Timestamp => "tidpunkt".into(),
        Type::Bool => "ja/nej".into(),
        Type::Text => "text".into(),
        Type::List(inner) => format!("lista av {}", type_words(program, inner)),
        Type::Eligibility => "behörighet (uppfyllt, skäl som inte är uppfyllda)".into(),
        Type::LimitCheck(inner) => format!("gränsprövning av {}", type_words(program, inner)),
        other => program.type_name(other),
    }
}

/// A value of type `ty` with its unit, as `avtal explain` shows it.
pub fn value(program: &Program, ty: &Type, value: &Value) -> String {
    let text = format_value(program, ty, value);
    match unit(ty) {
        Some(unit) if matches!(value, Value::Number(_)) => format!("{text} {unit}"),
        _ => text,
    }
}

/// A constant (a param's value) of type `ty`, with its unit.
pub fn constant(program: &Program, ty: &Type, constant: &Const) -> String {
    value(program, ty, &Value::from_const(constant))
}

/// A literal unit as the source writes it.
pub fn literal_unit(unit: LiteralUnit) -> &'static str {
    match unit {
        LiteralUnit::Sek => "SEK",
        LiteralUnit::Percent => "%",
        LiteralUnit::Hours => "h",
        LiteralUnit::SekPerHour => "SEK/h",
        LiteralUnit::Days => "dagar",
        LiteralUnit::Weeks => "veckor",
        LiteralUnit::Months => "månader",
        LiteralUnit::Years => "år",
    }
}

/// How a value is rounded, in words: "avrundas till hela ören, avrundning
/// uppåt vid exakt halva". `step` is the step's number as written, `unit`
/// its unit.
pub fn rounding(step: &str, unit: Option<LiteralUnit>, mode: RoundMode) -> String {
    let to = step_words(step, unit);
    match mode {
        RoundMode::HalfAwayFromZero => {
            format!("avrundas till {to}, avrundning uppåt vid exakt halva")
        }
        RoundMode::HalfEven => {
            format!("avrundas till {to}, vid exakt halva till jämnt antal steg (bankavrundning)")
        }
        RoundMode::Up => format!("avrundas alltid uppåt till {to} (bort från noll)"),
        RoundMode::Down => {
            format!("avrundas alltid nedåt till {to} (mot noll, överskjutande del stryks)")
        }
        RoundMode::Floor => format!("avrundas alltid nedåt till {to}, även negativa värden (golv)"),
        RoundMode::Ceiling => {
            format!("avrundas alltid uppåt till {to}, även negativa värden (tak)")
        }
    }
}

/// The step of a rounding in words: `0.01 SEK` is "hela ören".
fn step_words(step: &str, unit: Option<LiteralUnit>) -> String {
    // `0.50` is `0.5`; `10` stays `10`.
    let number = if step.contains('.') {
        step.trim_end_matches('0').trim_end_matches('.')
    } else {
        step
    };
    let named = match (unit, number) {
        (Some(LiteralUnit::Sek), "0.01") => Some("hela ören"),
        (Some(LiteralUnit::Sek), "1") => Some("hela kronor"),
        (Some(LiteralUnit::Sek), "10") => Some("hela tiotal kronor"),
        (Some(LiteralUnit::Sek), "100") => Some("hela hundratal kronor"),
        (Some(LiteralUnit::SekPerHour), "0.01") => Some("hela ören per timme"),
        (Some(LiteralUnit::SekPerHour), "1") => Some("hela kronor per timme"),
        (Some(LiteralUnit::Hours), "1") => Some("hela timmar"),
        (Some(LiteralUnit::Hours), "0.5") => Some("halva timmar"),
        (Some(LiteralUnit::Hours), "0.25") => Some("kvartstimmar"),
        (Some(LiteralUnit::Hours), "0.01") => Some("hundradels timmar"),
        (Some(LiteralUnit::Percent), "1") => Some("hela procent"),
        (Some(LiteralUnit::Percent), "0.1") => Some("tiondels procent"),
        (Some(LiteralUnit::Percent), "0.01") => Some("hundradels procent"),
        (Some(LiteralUnit::Days), "1") => Some("hela dagar"),
        (None, "1") => Some("heltal"),
        (None, "0.1") => Some("en decimal"),
        (None, "0.01") => Some("två decimaler"),
        _ => None,
    };
    match (named, unit) {
        (Some(words), _) => words.to_string(),
        (None, Some(unit)) => format!("jämna {step} {}", literal_unit(unit)),
        (None, None) => format!("jämna multipler av {step}"),
    }
}

/// A limit's period in words: `calendar year` is "kalenderår".
pub fn period(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["calendar", "year"] => "kalenderår".into(),
        ["calendar", "month"] => "kalendermånad".into(),
        ["year"] => "år".into(),
        ["month"] => "månad".into(),
        ["week"] => "vecka".into(),
        ["day"] => "dag".into(),
        ["four", "weeks"] => "fyraveckorsperiod".into(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_names_every_mode() {
        let oren = |mode| rounding("0.01", Some(LiteralUnit::Sek), mode);
        assert_eq!(
            oren(RoundMode::HalfAwayFromZero),
            "avrundas till hela ören, avrundning uppåt vid exakt halva"
        );
        assert_eq!(
            oren(RoundMode::HalfEven),
            "avrundas till hela ören, vid exakt halva till jämnt antal steg (bankavrundning)"
        );
        assert_eq!(
            oren(RoundMode::Up),
            "avrundas alltid uppåt till hela ören (bort från noll)"
        );
        assert_eq!(
            oren(RoundMode::Down),
            "avrundas alltid nedåt till hela ören (mot noll, överskjutande del stryks)"
        );
        assert_eq!(
            oren(RoundMode::Floor),
            "avrundas alltid nedåt till hela ören, även negativa värden (golv)"
        );
        assert_eq!(
            oren(RoundMode::Ceiling),
            "avrundas alltid uppåt till hela ören, även negativa värden (tak)"
        );
        // Every name the language accepts has words.
        for name in RoundMode::NAMES {
            assert!(RoundMode::from_name(name).is_some(), "{name}");
        }
    }

    #[test]
    fn steps_in_words() {
        assert_eq!(step_words("1", Some(LiteralUnit::Sek)), "hela kronor");
        assert_eq!(
            step_words("10", Some(LiteralUnit::Sek)),
            "hela tiotal kronor"
        );
        assert_eq!(step_words("1.00", Some(LiteralUnit::Sek)), "hela kronor");
        assert_eq!(step_words("0.50", Some(LiteralUnit::Hours)), "halva timmar");
        assert_eq!(step_words("5", Some(LiteralUnit::Sek)), "jämna 5 SEK");
        assert_eq!(step_words("0.05", None), "jämna multipler av 0.05");
        assert_eq!(period("calendar year"), "kalenderår");
    }
}

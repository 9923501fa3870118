//! The standard library, embedded in the binary.
//!
//! Each entry is a module path and the text of `stdlib/<path>.avtal`; the
//! CLI adds them to every compilation so `use lag.las` works anywhere.

use crate::source::Sources;

/// (module path, file name, source text)
pub const MODULES: &[(&str, &str, &str)] = &[
    (
        "kalender.sverige",
        "<stdlib>/kalender/sverige.avtal",
        include_str!("../../stdlib/kalender/sverige.avtal"),
    ),
    (
        "lag.las",
        "<stdlib>/lag/las.avtal",
        include_str!("../../stdlib/lag/las.avtal"),
    ),
    (
        "lag.ledighet",
        "<stdlib>/lag/ledighet.avtal",
        include_str!("../../stdlib/lag/ledighet.avtal"),
    ),
    (
        "staten.chefsavtal",
        "<stdlib>/staten/chefsavtal.avtal",
        include_str!("../../stdlib/staten/chefsavtal.avtal"),
    ),
    (
        "staten.enskilda_overenskommelser",
        "<stdlib>/staten/enskilda_overenskommelser.avtal",
        include_str!("../../stdlib/staten/enskilda_overenskommelser.avtal"),
    ),
    (
        "staten.omstallning",
        "<stdlib>/staten/omstallning.avtal",
        include_str!("../../stdlib/staten/omstallning.avtal"),
    ),
    (
        "staten.pa16.premier",
        "<stdlib>/staten/pa16/premier.avtal",
        include_str!("../../stdlib/staten/pa16/premier.avtal"),
    ),
    (
        "staten.psa",
        "<stdlib>/staten/psa.avtal",
        include_str!("../../stdlib/staten/psa.avtal"),
    ),
    (
        "staten.rd_rals.revision",
        "<stdlib>/staten/rd_rals/revision.avtal",
        include_str!("../../stdlib/staten/rd_rals/revision.avtal"),
    ),
    (
        "staten.villkorsavtal.arbetstid",
        "<stdlib>/staten/villkorsavtal/arbetstid.avtal",
        include_str!("../../stdlib/staten/villkorsavtal/arbetstid.avtal"),
    ),
    (
        "staten.villkorsavtal.ledighet",
        "<stdlib>/staten/villkorsavtal/ledighet.avtal",
        include_str!("../../stdlib/staten/villkorsavtal/ledighet.avtal"),
    ),
    (
        "staten.villkorsavtal.semester",
        "<stdlib>/staten/villkorsavtal/semester.avtal",
        include_str!("../../stdlib/staten/villkorsavtal/semester.avtal"),
    ),
    (
        "staten.villkorsavtal.tidsersattning",
        "<stdlib>/staten/villkorsavtal/tidsersattning.avtal",
        include_str!("../../stdlib/staten/villkorsavtal/tidsersattning.avtal"),
    ),
];

/// Add every stdlib module to `sources`.
pub fn add_to(sources: &mut Sources) {
    for (_, name, text) in MODULES {
        sources.add_stdlib(*name, *text);
    }
}

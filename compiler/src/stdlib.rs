//! The standard library, embedded in the binary.
//!
//! Each entry is a module path and the text of `stdlib/<path>.avtal`; the
//! CLI adds them to every compilation so `use lag.las` works anywhere.

use std::collections::HashMap;
use std::sync::OnceLock;

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

/// The stdlib modules that define a top-level item `name`, in path order.
/// The names are read once, from the embedded texts, so that "unknown
/// name" can say which module to `use` even where a tool compiled only the
/// modules a program uses (stubbing the others).
pub fn modules_defining(name: &str) -> &'static [&'static str] {
    static INDEX: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<&'static str>> = HashMap::new();
        let mut sources = Sources::new();
        for (module, file_name, text) in MODULES {
            let file = sources.add_stdlib(*file_name, *text);
            let (parsed, _) = crate::syntax::parse(&sources, file);
            for item in &parsed.items {
                if let Some(ident) = item.name() {
                    let modules = index.entry(ident.name.clone()).or_default();
                    if !modules.contains(module) {
                        modules.push(module);
                    }
                }
            }
        }
        index
    });
    index.get(name).map_or(&[], Vec::as_slice)
}

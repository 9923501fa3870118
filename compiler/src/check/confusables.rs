//! Names that are not what they look like (W0101): a name that mixes
//! scripts (a Cyrillic `а` among Latin letters), a name holding an
//! invisible character, and two different names that look alike (their
//! UTS #39 confusable skeletons are equal, as `pay` and `pаy`).
//!
//! Names are already in NFC (the parser normalises them), so two ways of
//! typing `å` are one name and never reach this check. Only definitions in
//! the user's files are looked at, once each; uses of a look-alike name
//! are "unknown name" errors anyway. The stdlib is trusted.

use std::collections::HashMap;

use unicode_security::MixedScript;
use unicode_security::mixed_script::AugmentedScriptSet;

use crate::diagnostics::Diagnostic;
use crate::diagnostics::messages::check as msg;
use crate::source::{Sources, Span};
use crate::syntax::ast;
use avtal_syntax::identifiers::is_invisible;

/// The warnings for every definition in the non-stdlib files of `modules`.
pub(super) fn check(sources: &Sources, modules: &[ast::Module]) -> Vec<Diagnostic> {
    let mut names: Vec<(&str, Span)> = Vec::new();
    for module in modules {
        if sources.get(module.file).is_some_and(|f| f.is_stdlib) {
            continue;
        }
        for item in &module.items {
            definitions(item, &mut names);
        }
    }
    let mut diagnostics = Vec::new();
    // Skeleton → the first name met with it.
    let mut first_with: HashMap<String, (&str, Span)> = HashMap::new();
    for (name, span) in names {
        if let Some(c) = name.chars().find(|c| is_invisible(*c)) {
            diagnostics.push(msg::invisible_in_name(span, name, c));
        } else if let Some((c, script)) = odd_script(name) {
            diagnostics.push(msg::mixed_script_name(span, name, c, &script));
        }
        let skeleton: String = unicode_security::skeleton(name).collect();
        match first_with.get(&skeleton) {
            Some((first, first_span)) if *first != name => {
                diagnostics.push(msg::confusable_names(span, name, *first_span, first));
            }
            Some(_) => {}
            None => {
                first_with.insert(skeleton, (name, span));
            }
        }
    }
    diagnostics
}

/// For a name that is not single-script, the first character whose
/// script no earlier character shares, and that script's name.
fn odd_script(name: &str) -> Option<(char, String)> {
    if name.is_single_script() {
        return None;
    }
    let mut set = AugmentedScriptSet::default();
    for c in name.chars() {
        let mut next = set;
        next.intersect_with(AugmentedScriptSet::for_char(c));
        if next.is_empty() {
            return Some((c, AugmentedScriptSet::for_char(c).to_string()));
        }
        set = next;
    }
    None
}

/// The names an item defines: its own, and its fields, variants,
/// parameters and classes.
fn definitions<'a>(item: &'a ast::Item, names: &mut Vec<(&'a str, Span)>) {
    let mut push = |ident: &'a ast::Ident| names.push((ident.name.as_str(), ident.span));
    if let Some(name) = item.name() {
        push(name);
    }
    match item {
        ast::Item::Record(record) => record.fields.iter().for_each(|f| push(&f.name)),
        ast::Item::Enum(enum_) => enum_.variants.iter().for_each(|v| push(&v.name)),
        ast::Item::Rule(rule) | ast::Item::Evaluate(rule) => {
            rule.params.iter().for_each(|p| push(&p.name));
        }
        ast::Item::Table(table) => table.params.iter().for_each(|p| push(&p.name)),
        ast::Item::Condition(condition) => condition.params.iter().for_each(|p| push(&p.name)),
        ast::Item::Limit(limit) => limit.params.iter().for_each(|p| push(&p.name)),
        ast::Item::Classes(classes) => classes.classes.iter().for_each(|c| push(&c.name)),
        ast::Item::Param(_) | ast::Item::Example(_) => {}
    }
}

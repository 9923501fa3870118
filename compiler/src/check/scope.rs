//! Looking names up: types, top-level items across used modules, enum
//! variants, and "did you mean" suggestions.

use std::collections::HashMap;

use super::suggest::NameIndex;
use super::{Checker, ItemRef};
use crate::diagnostics::messages::check as msg;
use crate::ir::Expr;
use crate::syntax::ast;
use crate::types::{EnumId, Type};

/// Result of looking up a top-level name.
pub(super) enum Lookup {
    Found(ItemRef),
    NotFound,
    /// Defined in several used modules (paths listed).
    Ambiguous(Vec<String>),
}

/// Names of the built-in types.
pub(super) const BUILTIN_TYPES: &[&str] = &[
    "Int",
    "Decimal",
    "Money",
    "Percent",
    "Hours",
    "Rate",
    "Days",
    "Months",
    "Date",
    "Time",
    "Timestamp",
    "Bool",
    "Text",
];

pub use crate::spelling::closest;
use crate::spelling::closest_with_distance;

impl Checker<'_> {
    /// "Did you mean": the name closest to `name` among the top-level names
    /// visible from `module` and `extra` (builtins, locals), as [`closest`]
    /// would pick it from all of them together.
    pub(super) fn suggest(&mut self, module: usize, name: &str, extra: &[&str]) -> Option<String> {
        let from_items = if self.items_declared {
            if !self.name_indexes.contains_key(&module) {
                let names = self.visible_names(module);
                let index = NameIndex::new(names.iter().map(String::as_str));
                self.name_indexes.insert(module, index);
            }
            let mut rows = 0;
            self.name_indexes
                .get(&module)
                .and_then(|index| index.closest(name, &mut rows))
        } else {
            let names = self.visible_names(module);
            closest_with_distance(name, names.iter().map(String::as_str))
        };
        let from_extra = closest_with_distance(name, extra.iter().copied());
        match (from_items, from_extra) {
            (Some(a), Some(b)) => Some(a.min(b).1),
            (a, b) => a.or(b).map(|(_, c)| c),
        }
    }

    /// The diagnostic for a name found nowhere in scope. A module that is
    /// loaded (or in the stdlib) but not used, and defines the very name,
    /// is the likeliest fix, so it wins over a "did you mean" typo.
    pub(super) fn unknown_name_error(
        &mut self,
        module: usize,
        span: crate::source::Span,
        name: &str,
        extra: &[&str],
    ) -> crate::diagnostics::Diagnostic {
        let defining = self.unused_modules_defining(module, name);
        if !defining.is_empty() {
            return msg::unknown_name_in_unused_module(span, name, &defining, false);
        }
        let suggestion = self.suggest(module, name, extra);
        msg::unknown_name(span, name, suggestion.as_deref())
    }

    /// The modules, loaded or in the stdlib, that define `name` but that
    /// `module` does not use; sorted.
    fn unused_modules_defining(&self, module: usize, name: &str) -> Vec<String> {
        let visible = self.visible.get(module).cloned().unwrap_or_default();
        let mut defining: Vec<String> = self
            .items
            .iter()
            .filter(|(path, names)| names.contains_key(name) && !visible.contains(path))
            .map(|(path, _)| path.clone())
            .collect();
        for path in crate::stdlib::modules_defining(name) {
            if !visible.iter().any(|v| v == path) && !defining.iter().any(|d| d == path) {
                defining.push((*path).to_owned());
            }
        }
        // Anonymous modules (files without a `module` line) cannot be used.
        defining.retain(|path| !path.starts_with('<'));
        defining.sort();
        defining
    }

    /// Look a top-level name up from module `module`: its own items first,
    /// then the items of used modules.
    pub(super) fn lookup_item(&self, module: usize, name: &str) -> Lookup {
        let Some(visible) = self.visible.get(module) else {
            return Lookup::NotFound;
        };
        if let Some(own) = visible.first()
            && let Some((item, _)) = self
                .items
                .get(own)
                .and_then(|names| names.get(name))
                .and_then(|defs| defs.first())
        {
            return Lookup::Found(*item);
        }
        let mut found: Vec<(ItemRef, String)> = Vec::new();
        for path in visible.iter().skip(1) {
            if let Some((item, _)) = self
                .items
                .get(path)
                .and_then(|names| names.get(name))
                .and_then(|defs| defs.first())
            {
                found.push((*item, path.clone()));
            }
        }
        match found.as_slice() {
            [] => Lookup::NotFound,
            [(item, _)] => Lookup::Found(*item),
            many => Lookup::Ambiguous(many.iter().map(|(_, p)| p.clone()).collect()),
        }
    }

    /// Every top-level name visible from `module`.
    pub(super) fn visible_names(&self, module: usize) -> Vec<String> {
        let mut names = Vec::new();
        if let Some(visible) = self.visible.get(module) {
            for path in visible {
                if let Some(items) = self.items.get(path) {
                    names.extend(items.keys().cloned());
                }
            }
        }
        names
    }

    /// Enums visible from `module` that have a variant `name`, sorted.
    pub(super) fn enums_with_variant(&mut self, module: usize, name: &str) -> Vec<(EnumId, u32)> {
        if !self.items_declared {
            return self.enums_with_variant_scan(module, name);
        }
        if !self.variant_indexes.contains_key(&module) {
            let index = self.variant_index_of(module);
            self.variant_indexes.insert(module, index);
        }
        self.variant_indexes
            .get(&module)
            .and_then(|index| index.get(name))
            .cloned()
            .unwrap_or_default()
    }

    /// Variant name → what [`Self::enums_with_variant_scan`] finds for it,
    /// for every variant of every enum visible from `module`.
    fn variant_index_of(&self, module: usize) -> HashMap<String, Vec<(EnumId, u32)>> {
        let mut index: HashMap<String, Vec<(EnumId, u32)>> = HashMap::new();
        for path in self.visible.get(module).into_iter().flatten() {
            let Some(items) = self.items.get(path) else {
                continue;
            };
            for defs in items.values() {
                for (item, _) in defs {
                    let ItemRef::Enum(id) = item else {
                        continue;
                    };
                    let Some(info) = self.program.enum_info(*id) else {
                        continue;
                    };
                    for (position, variant) in info.variants.iter().enumerate() {
                        let found = index.entry(variant.clone()).or_default();
                        // The first variant of that name in the enum, once per
                        // enum, as the scan's `position` and check give.
                        if !found.iter().any(|(e, _)| e == id) {
                            found.push((*id, u32::try_from(position).unwrap_or(u32::MAX)));
                        }
                    }
                }
            }
        }
        for found in index.values_mut() {
            found.sort();
        }
        index
    }

    /// The names of every variant of the enums visible from `module`.
    pub(super) fn visible_variant_names(&mut self, module: usize) -> Vec<String> {
        if !self.variant_indexes.contains_key(&module) {
            let index = self.variant_index_of(module);
            self.variant_indexes.insert(module, index);
        }
        self.variant_indexes
            .get(&module)
            .map(|index| index.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// [`Self::enums_with_variant`] by looking at every visible item.
    fn enums_with_variant_scan(&self, module: usize, name: &str) -> Vec<(EnumId, u32)> {
        let mut found = Vec::new();
        let Some(visible) = self.visible.get(module) else {
            return found;
        };
        for path in visible {
            let Some(items) = self.items.get(path) else {
                continue;
            };
            for defs in items.values() {
                for (item, _) in defs {
                    if let ItemRef::Enum(id) = item
                        && let Some(info) = self.program.enum_info(*id)
                        && let Some(index) = info.variants.iter().position(|v| v == name)
                        && !found.iter().any(|(e, _)| e == id)
                    {
                        found.push((*id, u32::try_from(index).unwrap_or(u32::MAX)));
                    }
                }
            }
        }
        found.sort();
        found
    }

    pub(super) fn variant_index(&self, id: EnumId, name: &str) -> Option<u32> {
        self.program
            .enum_info(id)
            .and_then(|e| e.variants.iter().position(|v| v == name))
            .and_then(|i| u32::try_from(i).ok())
    }

    pub(super) fn variants_of(&self, id: EnumId) -> Vec<String> {
        self.program
            .enum_info(id)
            .map(|e| e.variants.clone())
            .unwrap_or_default()
    }

    /// Resolve a written type in the scope of `module`.
    pub(super) fn resolve_type(&mut self, module: usize, ty: &ast::TypeExpr) -> Type {
        match ty {
            ast::TypeExpr::List(inner, _) => Type::List(Box::new(self.resolve_type(module, inner))),
            ast::TypeExpr::Named(ident) => {
                let builtin = match ident.name.as_str() {
                    "Int" => Some(Type::Int),
                    "Decimal" => Some(Type::Decimal),
                    "Money" => Some(Type::Money),
                    "Percent" => Some(Type::Percent),
                    "Hours" => Some(Type::Hours),
                    "Rate" => Some(Type::Rate),
                    "Time" => Some(Type::Time),
                    "Timestamp" => Some(Type::Timestamp),
                    "Days" => Some(Type::Days),
                    "Months" => Some(Type::Months),
                    "Date" => Some(Type::Date),
                    "Bool" => Some(Type::Bool),
                    "Text" => Some(Type::Text),
                    "Eligibility" => Some(Type::Eligibility),
                    _ => None,
                };
                if let Some(t) = builtin {
                    return t;
                }
                match self.lookup_item(module, &ident.name) {
                    Lookup::Found(ItemRef::Record(id)) => {
                        self.references
                            .push((ident.span, super::RefTarget::Item(ItemRef::Record(id))));
                        Type::Record(id)
                    }
                    Lookup::Found(ItemRef::Enum(id)) => {
                        self.references
                            .push((ident.span, super::RefTarget::Item(ItemRef::Enum(id))));
                        Type::Enum(id)
                    }
                    Lookup::Ambiguous(paths) => {
                        self.diagnostics
                            .push(msg::ambiguous_name(ident.span, &ident.name, &paths));
                        Type::Error
                    }
                    _ => {
                        let defining = self.unused_modules_defining(module, &ident.name);
                        if !defining.is_empty() {
                            self.diagnostics.push(msg::unknown_name_in_unused_module(
                                ident.span,
                                &ident.name,
                                &defining,
                                true,
                            ));
                            return Type::Error;
                        }
                        let suggestion = self.suggest(module, &ident.name, BUILTIN_TYPES);
                        self.diagnostics.push(msg::unknown_type(
                            ident.span,
                            &ident.name,
                            suggestion.as_deref(),
                        ));
                        Type::Error
                    }
                }
            }
        }
    }

    /// Report a mismatch unless `expr` has type `expected` (an `Int` where a
    /// `Decimal` is expected is fine). Returns whether the types agree.
    pub(super) fn expect_type(&mut self, expr: &Expr, expected: &Type) -> bool {
        if expr.ty.is_error() || expected.is_error() || compatible(&expr.ty, expected) {
            return true;
        }
        let help = unit_help(&expr.ty, expected);
        self.diagnostics.push(msg::type_mismatch(
            expr.span,
            &self.program.type_name(expected),
            &self.program.type_name(&expr.ty),
            help,
        ));
        false
    }

    pub(super) fn error(&mut self, diagnostic: crate::diagnostics::Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Whether a value of type `found` can stand where `expected` is wanted.
pub(super) fn compatible(found: &Type, expected: &Type) -> bool {
    match (found, expected) {
        (f, e) if f == e => true,
        (Type::Int, Type::Decimal) => true,
        (Type::List(f), Type::List(e)) => compatible(f, e),
        (Type::Error, _) | (_, Type::Error) => true,
        _ => false,
    }
}

fn unit_help(found: &Type, expected: &Type) -> Option<String> {
    match (found, expected) {
        (Type::Int | Type::Decimal, Type::Money) => {
            Some("write the amount with its unit: `0 SEK`".into())
        }
        (Type::Int | Type::Decimal, Type::Percent) => Some("write a percentage: `4.6 %`".into()),
        (Type::Int | Type::Decimal, Type::Hours) => Some("write hours: `200 h`".into()),
        (Type::Int, Type::Days) => Some("write days: `90 days`, or `days(n)`".into()),
        (Type::Int, Type::Months) => Some("write months: `6 months`, or `months(n)`".into()),
        (Type::Decimal, Type::Int) => {
            Some("round it to a whole number: `round(x, 1, down)`".into())
        }
        (Type::Int | Type::Decimal, Type::Rate) => Some("write a rate: `62 SEK/h`".into()),
        (Type::Rate, Type::Money) => Some(
            "money per hour is a `Rate`; multiply it by `Hours` to get `Money`, or declare \
             the type `Rate`"
                .into(),
        ),
        (Type::Money, Type::Rate) => Some(
            "a rate is money per hour: divide the amount by hours (`lön / 94 h`), or write one: \
             `62 SEK/h`"
                .into(),
        ),
        (Type::Date, Type::Timestamp) => {
            Some("give the time of day too: `timestamp(d, 07:00)` or `2026-06-05T07:00`".into())
        }
        (Type::Timestamp, Type::Date) => Some("take its date: `date_of(t)`".into()),
        _ => None,
    }
}

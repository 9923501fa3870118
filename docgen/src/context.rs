//! What every renderer of a site needs: the compilation, which modules
//! have pages and what they are called, the anchor of every item, and the
//! resolved name uses that become links.
//!
//! A link goes to `page.html#anchor`; an item's anchor is its name (names
//! are identifiers, unique in a module), an example's `ex-N`. Only modules
//! with a page are linked to, so every link of a site resolves.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use avtal_compiler::Compilation;
use avtal_compiler::check::{ItemRef, RefTarget};
use avtal_compiler::ir::Program;
use avtal_compiler::source::{FileId, Span};
use avtal_syntax::syntax::ast;
use chrono::NaiveDate;

/// One place a definition is used: the item that uses it, as a link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Use {
    pub label: String,
    pub href: String,
}

pub struct Context<'a> {
    pub compilation: &'a Compilation,
    pub program: &'a Program,
    /// The AST modules with a page, by index into `compilation.modules`.
    pub documented: Vec<usize>,
    /// The module name of each AST module.
    module_names: Vec<String>,
    /// Page file name by module name.
    pages: HashMap<String, String>,
    /// Definitions by the span of their name.
    definitions: HashMap<Span, ItemRef>,
    /// Resolved name uses by span.
    references: HashMap<Span, RefTarget>,
    /// Who uses each definition: (module, name) → the using items.
    used_by: HashMap<(String, String), BTreeSet<Use>>,
    /// Before every link to an item (`old/` in a diff page).
    prefix: String,
    pub today: NaiveDate,
}

impl<'a> Context<'a> {
    pub fn new(
        compilation: &'a Compilation,
        documented: Vec<usize>,
        prefix: &str,
        today: NaiveDate,
    ) -> Context<'a> {
        let mut module_names = vec![String::new(); compilation.modules.len()];
        for (name, indices) in &compilation.symbols.modules {
            for index in indices {
                if let Some(slot) = module_names.get_mut(*index) {
                    *slot = name.clone();
                }
            }
        }
        let mut pages = HashMap::new();
        let mut taken = BTreeSet::new();
        for index in &documented {
            let name = module_names.get(*index).cloned().unwrap_or_default();
            let mut file = format!("{}.html", file_stem(&name));
            let mut n = 2;
            while !taken.insert(file.clone()) || file == "index.html" || file == "antaganden.html" {
                file = format!("{}-{n}.html", file_stem(&name));
                n += 1;
            }
            pages.insert(name, file);
        }
        let definitions = compilation
            .symbols
            .symbols
            .iter()
            .map(|s| (s.span, s.item))
            .collect();
        let references = compilation.symbols.references.iter().copied().collect();
        let mut context = Context {
            compilation,
            program: &compilation.program,
            documented,
            module_names,
            pages,
            definitions,
            references,
            used_by: HashMap::new(),
            prefix: prefix.to_string(),
            today,
        };
        context.used_by = context.collect_uses();
        context
    }

    pub fn module_name(&self, index: usize) -> &str {
        self.module_names.get(index).map_or("", String::as_str)
    }

    /// The page of a module, if it has one (without the prefix).
    pub fn page(&self, module: &str) -> Option<&str> {
        self.pages.get(module).map(String::as_str)
    }

    pub fn module(&self, index: usize) -> Option<&'a ast::Module> {
        self.compilation.modules.get(index)
    }

    pub fn is_stdlib(&self, file: FileId) -> bool {
        self.program.sources.get(file).is_some_and(|f| f.is_stdlib)
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &'a str {
        self.program.sources.snippet(span)
    }

    /// `file:line` of a span, for "where is this written".
    pub fn place(&self, span: Span) -> String {
        let line = self.program.sources.line_col(span.file, span.start).line;
        format!("{}:{line}", self.program.sources.name(span.file))
    }

    /// The IR item a definition's name span declares.
    pub fn definition(&self, name: &ast::Ident) -> Option<ItemRef> {
        self.definitions.get(&name.span).copied()
    }

    /// The link of a resolved name use at `span`, if it points at an item
    /// of a documented module.
    pub fn href_at(&self, span: Span) -> Option<String> {
        let target = self.references.get(&span)?;
        let (module, anchor) = self.target_place(*target)?;
        self.href(&module, &anchor)
    }

    /// `prefix + page#anchor` for an item of `module`.
    pub fn href(&self, module: &str, anchor: &str) -> Option<String> {
        let page = self.pages.get(module)?;
        Some(format!("{}{page}#{anchor}", self.prefix))
    }

    /// The module and anchor of what a use points at: fields link to
    /// their record, variants to their enum, classes to their item.
    fn target_place(&self, target: RefTarget) -> Option<(String, String)> {
        let item = match target {
            RefTarget::Item(item) => item,
            RefTarget::Field(record, _) => ItemRef::Record(record),
            RefTarget::Variant(enum_id, _) => ItemRef::Enum(enum_id),
            RefTarget::Class(classes, _) => ItemRef::Classes(classes),
        };
        let p = self.program;
        let (meta, name) = match item {
            ItemRef::Param(id) => p.param(id).map(|x| (&x.meta, &x.name))?,
            ItemRef::Record(id) => p.record(id).map(|x| (&x.meta, &x.name))?,
            ItemRef::Enum(id) => p.enum_info(id).map(|x| (&x.meta, &x.name))?,
            ItemRef::Func(id) => p.function(id).map(|x| (&x.meta, &x.name))?,
            ItemRef::Classes(id) => p.classes_info(id).map(|x| (&x.meta, &x.name))?,
        };
        Some((meta.module.clone(), name.clone()))
    }

    /// The items that use the definition `name` of `module`.
    pub fn uses_of(&self, module: &str, name: &str) -> Vec<&Use> {
        self.used_by
            .get(&(module.to_string(), name.to_string()))
            .map(|uses| uses.iter().collect())
            .unwrap_or_default()
    }

    /// For every use in a documented module, the item around it.
    fn collect_uses(&self) -> HashMap<(String, String), BTreeSet<Use>> {
        let mut enclosing: BTreeMap<FileId, Vec<(Span, Use)>> = BTreeMap::new();
        for index in &self.documented {
            let Some(module) = self.module(*index) else {
                continue;
            };
            let name = self.module_name(*index);
            let places = enclosing.entry(module.file).or_default();
            for (item, anchor) in anchors(module) {
                let label = match item.name() {
                    Some(ident) => ident.name.clone(),
                    None => match item {
                        ast::Item::Example(example) => format!("exempel «{}»", example.title),
                        _ => anchor.clone(),
                    },
                };
                if let Some(href) = self.href(name, &anchor) {
                    places.push((item.span(), Use { label, href }));
                }
            }
        }
        let mut used_by: HashMap<(String, String), BTreeSet<Use>> = HashMap::new();
        for (span, target) in &self.compilation.symbols.references {
            let Some(places) = enclosing.get(&span.file) else {
                continue;
            };
            let Some((_, user)) = places
                .iter()
                .find(|(item, _)| item.start <= span.start && span.end <= item.end)
            else {
                continue;
            };
            let Some(place) = self.target_place(*target) else {
                continue;
            };
            // An item naming itself (a record's own fields) is no use.
            if self.href(&place.0, &place.1).as_deref() == Some(user.href.as_str()) {
                continue;
            }
            used_by.entry(place).or_default().insert(user.clone());
        }
        used_by
    }
}

/// Every item of a module with its anchor: its name, or `ex-N` for the
/// N-th example.
pub fn anchors(module: &ast::Module) -> Vec<(&ast::Item, String)> {
    let mut n_examples = 0;
    module
        .items
        .iter()
        .map(|item| match item.name() {
            Some(ident) => (item, ident.name.clone()),
            None => {
                n_examples += 1;
                (item, format!("ex-{n_examples}"))
            }
        })
        .collect()
}

/// A module name as a portable file name: ASCII letters, digits, `.`, `_`
/// and `-`; Swedish letters lose their marks, anything else is `_`.
pub fn file_stem(module: &str) -> String {
    let stem: String = module
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            'é' => 'e',
            c if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' => c,
            _ => '_',
        })
        .collect();
    let stem = stem.trim_matches('.').to_string();
    if stem.is_empty() {
        "modul".to_string()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_stems_are_portable() {
        assert_eq!(
            file_stem("staten.rd_rals.revision"),
            "staten.rd_rals.revision"
        );
        assert_eq!(file_stem("<lokalt_avtal>"), "_lokalt_avtal_");
        assert_eq!(file_stem("lön.ö"), "lon.o");
        assert_eq!(file_stem(""), "modul");
    }
}

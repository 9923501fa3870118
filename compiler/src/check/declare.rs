//! Declaring items: ids for every definition, duplicates, `use` targets,
//! type signatures, and param timelines.

use std::collections::HashMap;

use super::{CheckState, Checker, FuncSource, ItemRef, Symbol, Symbols};
use crate::diagnostics::messages::check as msg;
use crate::ir::{
    Body, ClassInfo, ClassesId, ClassesInfo, Const, EnumInfo, ExprKind, FieldInfo, FuncId,
    Function, FunctionKind, Meta, ParamId, ParamInfo, RecordInfo,
};
use crate::source::{Sources, Span};
use crate::syntax::ast;
use crate::types::{EnumId, RecordId, Type};

fn id32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> Checker<'a> {
    pub(super) fn new(sources: &'a Sources, modules: &'a [ast::Module]) -> Checker<'a> {
        let module_paths = modules
            .iter()
            .map(|m| match &m.name {
                Some(path) => path.dotted(),
                None => anonymous_module_name(sources.name(m.file)),
            })
            .collect();
        Checker {
            sources,
            modules,
            program: Default::default(),
            diagnostics: Vec::new(),
            module_paths,
            items: HashMap::new(),
            visible: Vec::new(),
            func_sources: Vec::new(),
            classes_sources: Vec::new(),
            func_state: Vec::new(),
            func_scale: Vec::new(),
            call_stack: Vec::new(),
            param_sources: Vec::new(),
            ctx: Default::default(),
            references: Vec::new(),
            types: Vec::new(),
            items_declared: false,
            name_indexes: HashMap::new(),
            variant_indexes: HashMap::new(),
        }
    }

    pub(super) fn meta(&self, module: usize, meta: &ast::ItemMeta) -> Meta {
        Meta {
            module: self.module_paths.get(module).cloned().unwrap_or_default(),
            doc: meta.doc.clone(),
            source: meta.source.as_ref().map(|(s, _)| s.clone()),
        }
    }

    /// Give every definition an id and register its name in its module.
    pub(super) fn declare_all(&mut self) {
        let modules = self.modules;
        for (module_index, module) in modules.iter().enumerate() {
            for item in &module.items {
                self.declare_item(module_index, item);
            }
        }
        self.resolve_uses();
    }

    fn declare_item(&mut self, module: usize, item: &'a ast::Item) {
        let Some(name) = item.name() else { return };
        let item_ref = match item {
            ast::Item::Param(p) => {
                let id = ParamId(id32(self.program.params.len()));
                self.program.params.push(ParamInfo {
                    name: p.name.name.clone(),
                    ty: Type::Error,
                    timeline: Vec::new(),
                    meta: self.meta(module, &p.meta),
                    span: p.name.span,
                });
                self.param_sources.push((module, p));
                ItemRef::Param(id)
            }
            ast::Item::Record(r) => {
                let id = RecordId(id32(self.program.records.len()));
                self.program.records.push(RecordInfo {
                    name: r.name.name.clone(),
                    fields: Vec::new(),
                    meta: self.meta(module, &r.meta),
                    span: r.name.span,
                });
                ItemRef::Record(id)
            }
            ast::Item::Enum(e) => {
                let id = EnumId(id32(self.program.enums.len()));
                let mut variants: Vec<String> = Vec::new();
                let mut seen: HashMap<&str, &ast::VariantDef> = HashMap::new();
                for v in &e.variants {
                    if let Some(first) = seen.get(v.name.name.as_str()) {
                        self.diagnostics.push(msg::duplicate_definition(
                            v.name.span,
                            &v.name.name,
                            first.name.span,
                        ));
                        continue;
                    }
                    seen.insert(v.name.name.as_str(), v);
                    variants.push(v.name.name.clone());
                }
                self.program.enums.push(EnumInfo {
                    name: e.name.name.clone(),
                    variants,
                    meta: self.meta(module, &e.meta),
                    span: e.name.span,
                });
                ItemRef::Enum(id)
            }
            ast::Item::Rule(r) | ast::Item::Evaluate(r) => {
                let kind = if matches!(item, ast::Item::Evaluate(_)) {
                    FunctionKind::Evaluate
                } else {
                    FunctionKind::Rule
                };
                self.declare_function(module, kind, &r.meta, &r.name, FuncSource::Rule(r))
            }
            ast::Item::Table(t) => self.declare_function(
                module,
                FunctionKind::Table,
                &t.meta,
                &t.name,
                FuncSource::Table(t),
            ),
            ast::Item::Condition(c) => self.declare_function(
                module,
                FunctionKind::Condition,
                &c.meta,
                &c.name,
                FuncSource::Condition(c),
            ),
            ast::Item::Limit(l) => self.declare_function(
                module,
                FunctionKind::Limit,
                &l.meta,
                &l.name,
                FuncSource::Limit(l),
            ),
            ast::Item::Classes(c) => self.declare_classes(module, c),
            ast::Item::Example(_) => return,
        };
        let path = self.module_paths.get(module).cloned().unwrap_or_default();
        let names = self.items.entry(path).or_default();
        let entry = names.entry(name.name.clone()).or_default();
        if let Some((_, first)) = entry.first() {
            self.diagnostics
                .push(msg::duplicate_definition(name.span, &name.name, *first));
        } else {
            entry.push((item_ref, name.span));
        }
    }

    /// The classes' names are known from here on (`ob.kvalificerad` in a
    /// body needs only them); their spans are checked by `check_classes`.
    fn declare_classes(&mut self, module: usize, classes: &'a ast::Classes) -> ItemRef {
        let id = ClassesId(id32(self.program.classes.len()));
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut infos = Vec::new();
        for class in &classes.classes {
            if let Some(first) = seen.get(class.name.name.as_str()) {
                self.diagnostics.push(msg::duplicate_definition(
                    class.name.span,
                    &class.name.name,
                    *first,
                ));
                continue;
            }
            seen.insert(class.name.name.as_str(), class.name.span);
            infos.push(ClassInfo {
                name: class.name.name.clone(),
                doc: class.doc.clone(),
                spans: Vec::new(),
                span: class.name.span,
            });
        }
        self.program.classes.push(ClassesInfo {
            name: classes.name.name.clone(),
            ranked: classes.ranked,
            classes: infos,
            meta: self.meta(module, &classes.meta),
            span: classes.name.span,
        });
        self.classes_sources.push((module, classes));
        ItemRef::Classes(id)
    }

    fn declare_function(
        &mut self,
        module: usize,
        kind: FunctionKind,
        meta: &ast::ItemMeta,
        name: &ast::Ident,
        source: FuncSource<'a>,
    ) -> ItemRef {
        let id = FuncId(id32(self.program.functions.len()));
        self.program.functions.push(Function {
            name: name.name.clone(),
            kind,
            params: Vec::new(),
            ret: Type::Error,
            n_locals: 0,
            body: Body::Expr(crate::ir::Expr {
                kind: ExprKind::Error,
                ty: Type::Error,
                scale: Some(0),
                span: name.span,
            }),
            meta: self.meta(module, meta),
            span: name.span,
        });
        self.func_sources.push((module, source));
        self.func_state.push(CheckState::Unchecked);
        self.func_scale.push(Some(0));
        ItemRef::Func(id)
    }

    /// Check every `use` names a known module, and record what each module sees.
    fn resolve_uses(&mut self) {
        let modules = self.modules;
        let known: Vec<String> = {
            let mut k: Vec<String> = self.module_paths.clone();
            k.sort();
            k.dedup();
            k
        };
        for (index, module) in modules.iter().enumerate() {
            let own = self.module_paths.get(index).cloned().unwrap_or_default();
            let mut visible = vec![own.clone()];
            for u in &module.uses {
                let path = u.path.dotted();
                if known.contains(&path) {
                    if !visible.contains(&path) {
                        visible.push(path);
                    }
                } else if let Some((file, declared)) = self.file_of_module(&path) {
                    self.diagnostics.push(msg::use_file_declares_other(
                        u.path.span,
                        &path,
                        &file,
                        declared.as_deref(),
                    ));
                } else {
                    // The stdlib's modules count even where a tool loaded
                    // only those a file uses (the language server), so the
                    // advice is the same in the editor and in `avtal check`.
                    let stdlib = crate::stdlib::MODULES.iter().map(|(module, _, _)| *module);
                    let suggestion = super::scope::closest(
                        &path,
                        known.iter().map(String::as_str).chain(stdlib),
                    );
                    self.diagnostics.push(msg::unknown_module(
                        u.path.span,
                        &path,
                        suggestion.as_deref(),
                    ));
                }
            }
            self.visible.push(visible);
        }
    }

    /// A loaded file where `use path` would look for the module
    /// (`a/b/c.avtal` for `a.b.c`), with the module it declares instead
    /// (`None`: no `module` line).
    fn file_of_module(&self, path: &str) -> Option<(String, Option<String>)> {
        let wanted = format!("{}.avtal", path.replace('.', "/"));
        self.modules.iter().find_map(|module| {
            let file = self.sources.name(module.file);
            let normalised = file.replace('\\', "/");
            let matches = normalised == wanted || normalised.ends_with(&format!("/{wanted}"));
            (matches && !self.sources.get(module.file).is_some_and(|f| f.is_stdlib))
                .then(|| (file.to_owned(), module.name.as_ref().map(ast::Path::dotted)))
        })
    }

    /// Resolve the types in record fields and function signatures.
    pub(super) fn resolve_signatures(&mut self) {
        let modules = self.modules;
        let mut record_index = 0usize;
        for (module_index, module) in modules.iter().enumerate() {
            for item in &module.items {
                if let ast::Item::Record(r) = item {
                    let mut fields: Vec<FieldInfo> = Vec::new();
                    // Name → span of its first field: one lookup per field,
                    // not one comparison with every earlier field.
                    let mut seen: HashMap<&str, Span> = HashMap::new();
                    for f in &r.fields {
                        if let Some(first) = seen.get(f.name.name.as_str()) {
                            self.diagnostics.push(msg::duplicate_definition(
                                f.name.span,
                                &f.name.name,
                                *first,
                            ));
                            continue;
                        }
                        seen.insert(&f.name.name, f.name.span);
                        let ty = self.resolve_type(module_index, &f.ty);
                        fields.push(FieldInfo {
                            name: f.name.name.clone(),
                            ty,
                            doc: f.doc.clone(),
                            span: f.name.span,
                        });
                    }
                    if let Some(info) = self.program.records.get_mut(record_index) {
                        info.fields = fields;
                    }
                    record_index += 1;
                }
            }
        }
        for index in 0..self.func_sources.len() {
            let Some((module, source)) = self.func_sources.get(index).copied() else {
                continue;
            };
            let (params, ret) = match source {
                FuncSource::Rule(r) => (&r.params, Some(&r.ret)),
                FuncSource::Table(t) => (&t.params, Some(&t.ret)),
                FuncSource::Condition(c) => (&c.params, None),
                FuncSource::Limit(l) => (&l.params, None),
            };
            let mut resolved = Vec::new();
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for p in params {
                if let Some(first) = seen.get(p.name.name.as_str()) {
                    self.diagnostics.push(msg::duplicate_definition(
                        p.name.span,
                        &p.name.name,
                        *first,
                    ));
                } else {
                    seen.insert(&p.name.name, p.name.span);
                }
                let ty = self.resolve_type(module, &p.ty);
                resolved.push((p.name.name.clone(), ty));
            }
            let ret = match (source, ret) {
                (FuncSource::Condition(_), _) => Type::Eligibility,
                // The limit's measured type is known only after its body is checked.
                (FuncSource::Limit(_), _) => Type::Error,
                (_, Some(t)) => self.resolve_type(module, t),
                (_, None) => Type::Error,
            };
            if let Some(f) = self.program.functions.get_mut(index) {
                f.params = resolved;
                f.ret = ret;
            }
        }
    }

    /// Param types and their timelines of constant values.
    pub(super) fn check_params(&mut self) {
        let sources = self.param_sources.clone();
        for (index, (module, param)) in sources.into_iter().enumerate() {
            let ty = self.resolve_type(module, &param.ty);
            let mut timeline = Vec::new();
            let mut previous: Option<(chrono::NaiveDate, crate::source::Span)> = None;
            self.ctx = super::BodyContext {
                module,
                ..Default::default()
            };
            for step in &param.timeline {
                let Some(date) = self.const_date(&step.from) else {
                    continue;
                };
                if let Some((prev, prev_span)) = previous
                    && date <= prev
                {
                    self.diagnostics.push(msg::param_timeline(
                        step.from.span,
                        &date.to_string(),
                        prev_span,
                    ));
                }
                previous = Some((date, step.from.span));
                if let Some(diagnostic) = super::fractions::fraction_in_param(&step.value, &ty) {
                    self.diagnostics.push(diagnostic);
                    continue;
                }
                let value = self.expr(&step.value, Some(&ty));
                self.expect_type(&value, &ty);
                match const_of(&value) {
                    Some(c) => timeline.push((date, c)),
                    None if value.ty.is_error() => {}
                    None => self
                        .diagnostics
                        .push(msg::param_not_constant(step.value.span)),
                }
            }
            timeline.sort_by_key(|(d, _)| *d);
            timeline.dedup_by_key(|(d, _)| *d);
            if let Some(info) = self.program.params.get_mut(index) {
                info.ty = ty;
                info.timeline = timeline;
            }
        }
    }

    fn const_date(&mut self, expr: &ast::Expr) -> Option<chrono::NaiveDate> {
        let checked = self.expr(expr, Some(&Type::Date));
        match &checked.kind {
            ExprKind::Const(Const::Date(d)) => Some(*d),
            _ if checked.ty.is_error() => None,
            _ => {
                self.diagnostics.push(msg::type_mismatch(
                    expr.span,
                    "Date",
                    &self.program.type_name(&checked.ty),
                    Some("`from` takes a date literal like `2026-01-01`".into()),
                ));
                None
            }
        }
    }

    pub(super) fn symbols(&self) -> Symbols {
        let mut symbols = Symbols::default();
        for (index, path) in self.module_paths.iter().enumerate() {
            symbols.modules.entry(path.clone()).or_default().push(index);
        }
        for (module, names) in &self.items {
            for (name, defs) in names {
                for (item, span) in defs {
                    symbols.symbols.push(Symbol {
                        name: name.clone(),
                        module: module.clone(),
                        item: *item,
                        span: *span,
                    });
                }
            }
        }
        symbols.symbols.sort_by_key(|s| (s.span.file, s.span.start));
        symbols
    }
}

/// A constant from a checked literal (or a negated one).
pub(super) fn const_of(expr: &crate::ir::Expr) -> Option<Const> {
    match &expr.kind {
        ExprKind::Const(c) => Some(c.clone()),
        ExprKind::Unary(crate::ir::UnOp::Neg, inner) => match const_of(inner)? {
            Const::Number(n) => Some(Const::Number(-n)),
            _ => None,
        },
        _ => None,
    }
}

/// Files without a `module` header are modules named after the file.
fn anonymous_module_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.strip_suffix(".avtal").unwrap_or(base);
    format!("<{stem}>")
}

//! One item of a module as an `<article>`: a param with its timeline, a
//! rule with its formula, a decision table, a condition's requirements, a
//! limit in words, classes of time, records and enums. Examples are in
//! `examples.rs`.
//!
//! Types and values come from the typed IR (the param's checked timeline,
//! each input's unit); formulas, cells and names from the AST, as written.

use avtal_compiler::check::ItemRef;
use avtal_compiler::ir::{DaySelector, Function, ParamInfo, Program, WindowSpan};
use avtal_compiler::types::Type;
use avtal_syntax::syntax::ast::{self, Cell, CompareOp, ExprKind, Item, ItemMeta, LimitKind};
use chrono::Days;

use crate::context::Context;
use crate::formula::Formula;
use crate::html::{doc, escape};
use crate::words;

/// The article of any item but an example (`None`); `anchor` is its id,
/// none where a page shows two versions of one item.
pub fn article(
    context: &Context,
    module: &str,
    item: &Item,
    anchor: Option<&str>,
) -> Option<String> {
    let (kind, class, meta, name, body) = match item {
        Item::Param(p) => ("Parameter", "param", &p.meta, &p.name, param(context, p)),
        Item::Rule(r) => ("Regel", "rule", &r.meta, &r.name, rule(context, r)),
        Item::Evaluate(r) => ("Beräkning", "rule", &r.meta, &r.name, rule(context, r)),
        Item::Table(t) => (
            "Beslutstabell",
            "table",
            &t.meta,
            &t.name,
            table(context, t),
        ),
        Item::Condition(c) => (
            "Villkor",
            "condition",
            &c.meta,
            &c.name,
            condition(context, c),
        ),
        Item::Limit(l) => ("Gräns", "limit", &l.meta, &l.name, limit(context, l)),
        Item::Classes(c) => (
            "Tidsklasser",
            "classes",
            &c.meta,
            &c.name,
            classes(context, c),
        ),
        Item::Record(r) => ("Post", "record", &r.meta, &r.name, record(context, r)),
        Item::Enum(e) => ("Alternativ", "enum", &e.meta, &e.name, enumeration(e)),
        Item::Example(_) => return None,
    };
    let mut out = format!(
        "<article class=\"item {class}\"{}><h3><span class=\"kind\">{kind}</span> {}</h3>",
        id_attribute(anchor),
        escape(&name.name)
    );
    out.push_str(&header(context, meta, item.span()));
    out.push_str(&body);
    out.push_str(&used_by(context, module, &name.name));
    out.push_str("</article>");
    Some(out)
}

pub fn id_attribute(anchor: Option<&str>) -> String {
    anchor.map_or_else(String::new, |a| format!(" id=\"{}\"", escape(a)))
}

/// The source reference, where the item is written, and its doc comment.
pub fn header(context: &Context, meta: &ItemMeta, span: avtal_compiler::Span) -> String {
    let mut out = String::from("<p class=\"source\">");
    if let Some((source, _)) = &meta.source {
        out.push_str(&format!("Källa: <cite>{}</cite> · ", escape(source)));
    }
    out.push_str(&format!(
        "<span class=\"place\">{}</span></p>",
        escape(&context.place(span))
    ));
    if let Some(text) = &meta.doc {
        out.push_str(&format!("<div class=\"doc\">{}</div>", doc(text)));
    }
    out
}

fn used_by(context: &Context, module: &str, name: &str) -> String {
    let uses = context.uses_of(module, name);
    if uses.is_empty() {
        return String::new();
    }
    let links: Vec<String> = uses
        .iter()
        .map(|u| format!("<a href=\"{}\">{}</a>", escape(&u.href), escape(&u.label)))
        .collect();
    format!("<p class=\"uses\">Används i: {}</p>", links.join(", "))
}

fn function<'a>(context: &Context<'a>, name: &ast::Ident) -> Option<&'a Function> {
    match context.definition(name)? {
        ItemRef::Func(id) => context.program.function(id),
        _ => None,
    }
}

pub fn param_info<'a>(context: &Context<'a>, name: &ast::Ident) -> Option<&'a ParamInfo> {
    match context.definition(name)? {
        ItemRef::Param(id) => context.program.param(id),
        _ => None,
    }
}

fn param(context: &Context, p: &ast::Param) -> String {
    match param_info(context, &p.name) {
        Some(info) => {
            let unit = words::type_words(context.program, &info.ty);
            format!(
                "<p class=\"type\">Värde: {}</p>{}",
                escape(&unit),
                timeline(context.program, info, context.today)
            )
        }
        None => String::new(),
    }
}

/// A param's timeline: from, to (the day before the next value), value,
/// with the row in force on `today` marked.
pub fn timeline(program: &Program, info: &ParamInfo, today: chrono::NaiveDate) -> String {
    compared_timeline(program, info, today, None)
}

/// [`timeline`], with the rows whose date and value `other` (the other
/// version of the param, with its program) does not have marked with
/// `mark` ("ny", "ändras").
pub fn compared_timeline(
    program: &Program,
    info: &ParamInfo,
    today: chrono::NaiveDate,
    other: Option<(&Program, &ParamInfo, &str)>,
) -> String {
    let in_force = info.timeline.iter().rposition(|(from, _)| *from <= today);
    let mut out = String::from(
        "<table class=\"timeline\"><thead><tr><th>Från och med</th><th>Till och med</th><th>Värde</th><th></th></tr></thead><tbody>",
    );
    for (row_idx, (from, value)) in info.timeline.iter().enumerate() {
        let to = info
            .timeline
            .get(row_idx + 1)
            .and_then(|(next, _)| next.checked_sub_days(Days::new(1)))
            .map_or_else(|| "tills vidare".to_string(), |d| d.to_string());
        let today_mark = in_force == Some(row_idx);
        let value_text = words::constant(program, &info.ty, value);
        // Compared as the reader sees them: the date and the value's text.
        let differs = other.and_then(|(other_program, other_info, mark)| {
            let same = other_info.timeline.iter().any(|(other_from, other_value)| {
                other_from == from
                    && words::constant(other_program, &other_info.ty, other_value) == value_text
            });
            (!same).then_some(mark)
        });
        let mut notes = Vec::new();
        if let Some(mark) = differs {
            notes.push(format!("<em class=\"changed\">{}</em>", escape(mark)));
        }
        if today_mark {
            notes.push(format!("<strong>gäller i dag ({today})</strong>"));
        }
        out.push_str(&format!(
            "<tr{}><td>{from}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if today_mark { " class=\"today\"" } else { "" },
            escape(&to),
            escape(&value_text),
            notes.join(" ")
        ));
    }
    out.push_str("</tbody></table>");
    if in_force.is_none() {
        out.push_str(&format!(
            "<p class=\"note\">Inget värde gäller i dag ({today}): det första gäller från {}.</p>",
            info.timeline
                .first()
                .map_or_else(String::new, |(d, _)| d.to_string())
        ));
    }
    out
}

/// The inputs and the result of a function, with their types in words.
fn signature(context: &Context, func: Option<&Function>) -> String {
    let Some(func) = func else {
        return String::new();
    };
    let mut out = String::from("<table class=\"signature\"><tbody>");
    for (name, ty) in &func.params {
        out.push_str(&format!(
            "<tr><th>Indata</th><td><span class=\"name\">{}</span></td><td>{}</td></tr>",
            escape(name),
            type_link(context, ty)
        ));
    }
    out.push_str(&format!(
        "<tr><th>Resultat</th><td></td><td>{}</td></tr></tbody></table>",
        type_link(context, &func.ret)
    ));
    out
}

/// A type in words, its record or enum linked.
fn type_link(context: &Context, ty: &Type) -> String {
    let program = context.program;
    let target = match ty {
        Type::Record(id) => program.record(*id).map(|r| (&r.meta.module, &r.name)),
        Type::Enum(id) => program.enum_info(*id).map(|e| (&e.meta.module, &e.name)),
        Type::List(inner) => return format!("lista av {}", type_link(context, inner)),
        _ => None,
    };
    let text = escape(&words::type_words(program, ty));
    match target.and_then(|(module, name)| context.href(module, name)) {
        Some(href) => format!("<a href=\"{}\">{text}</a>", escape(&href)),
        None => text,
    }
}

fn rule(context: &Context, r: &ast::Rule) -> String {
    let mut formula = Formula::new(context);
    let (result, lets) = match &r.body.kind {
        ExprKind::Block { stmts, result } => formula.block(stmts, result),
        _ => (formula.expr(&r.body), String::new()),
    };
    let params: Vec<String> = r.params.iter().map(|p| escape(&p.name.name)).collect();
    format!(
        "{}<div class=\"formula\"><span class=\"name\">{}</span>({}) = {result}{lets}</div>{}",
        signature(context, function(context, &r.name)),
        escape(&r.name.name),
        params.join(", "),
        formula.rounding_notes()
    )
}

fn table(context: &Context, t: &ast::Table) -> String {
    let mut formula = Formula::new(context);
    let mut out = signature(context, function(context, &t.name));
    out.push_str("<p class=\"note\">Raderna prövas uppifrån; den första rad där alla villkor stämmer gäller.</p>");
    out.push_str("<table class=\"decision\"><thead><tr><th>Rad</th>");
    for p in &t.params {
        out.push_str(&format!("<th>{}</th>", escape(&p.name.name)));
    }
    out.push_str(&format!(
        "<th>→ {}</th></tr></thead><tbody>",
        escape(&t.name.name)
    ));
    for (row_idx, row) in t.rows.iter().enumerate() {
        out.push_str(&format!("<tr><td class=\"num\">{}</td>", row_idx + 1));
        for cell in &row.cells {
            out.push_str(&format!("<td>{}</td>", self::cell(&mut formula, cell)));
        }
        out.push_str(&format!("<td>{}</td></tr>", formula.expr(&row.result)));
    }
    out.push_str("</tbody></table>");
    out.push_str(&formula.rounding_notes());
    out
}

fn cell(formula: &mut Formula, cell: &Cell) -> String {
    match cell {
        Cell::Any(_) => "<span class=\"any\">alla</span>".to_string(),
        Cell::OneOf(values, _) => values
            .iter()
            .map(|v| formula.expr(v))
            .collect::<Vec<_>>()
            .join(" eller "),
        Cell::Compare(op, value, _) => {
            let op = match op {
                CompareOp::Lt => "&lt;",
                CompareOp::Le => "≤",
                CompareOp::Gt => "&gt;",
                CompareOp::Ge => "≥",
                CompareOp::Ne => "≠",
            };
            format!("{op} {}", formula.expr(value))
        }
        Cell::Range(low, high, _) => {
            format!("{} – {}", formula.expr(low), formula.expr(high))
        }
    }
}

fn condition(context: &Context, c: &ast::Condition) -> String {
    let mut formula = Formula::new(context);
    let mut out = signature(context, function(context, &c.name));
    out.push_str("<p class=\"note\">Villkoret är uppfyllt när alla krav är uppfyllda; för varje krav som inte är det anges skälet.</p>");
    out.push_str(
        "<table class=\"requirements\"><thead><tr><th>Namn</th><th>Krav</th><th>Skäl</th></tr></thead><tbody>",
    );
    for requirement in &c.requirements {
        // The short name is what tests and outputs use (`.failed`).
        let name = requirement
            .name
            .as_ref()
            .map(|n| format!("<code>{}</code>", escape(&n.name)))
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr><td>{name}</td><td>{}</td><td>{}</td></tr>",
            formula.expr(&requirement.test),
            escape(&requirement.reason)
        ));
    }
    out.push_str("</tbody></table>");
    out.push_str(&formula.rounding_notes());
    out
}

fn limit(context: &Context, l: &ast::Limit) -> String {
    let mut formula = Formula::new(context);
    let measured = formula.expr(&l.measured);
    let bound = formula.expr(&l.bound);
    let kind = match l.kind {
        LimitKind::AtMost => "högst",
        LimitKind::AtLeast => "minst",
    };
    let period = l
        .period
        .as_ref()
        .map(|(p, _)| format!(" per {}", escape(&words::period(p))))
        .unwrap_or_default();
    format!(
        "{}<div class=\"formula\">{measured} får vara <strong>{kind}</strong> {bound}{period}.</div>{}",
        signature(context, function(context, &l.name)),
        formula.rounding_notes()
    )
}

fn classes(context: &Context, c: &ast::Classes) -> String {
    let program = context.program;
    let info = match context.definition(&c.name) {
        Some(ItemRef::Classes(id)) => program.classes_info(id),
        _ => None,
    };
    let mut out = String::new();
    if c.ranked {
        out.push_str("<p class=\"note\">Där klassernas tider överlappar gäller den klass som står först.</p>");
    }
    out.push_str("<table class=\"classes\"><thead><tr><th>Klass</th><th>Tider</th><th>Beskrivning</th></tr></thead><tbody>");
    for (class_idx, class) in c.classes.iter().enumerate() {
        let spans: Vec<String> = info
            .and_then(|i| i.classes.get(class_idx))
            .map(|ci| ci.spans.iter().map(|s| window(program, s)).collect())
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr><td><span class=\"name\">{}</span></td><td><ul>{}</ul></td><td>{}</td></tr>",
            escape(&class.name.name),
            spans
                .iter()
                .map(|s| format!("<li>{}</li>", escape(s)))
                .collect::<String>(),
            class.doc.as_deref().map(doc).unwrap_or_default()
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// A span of a class in words: "fredag 19:00 – nästa måndag 07:00".
fn window(program: &Program, span: &WindowSpan) -> String {
    let day = |selector: DaySelector| match selector {
        DaySelector::Every => "varje dag".to_string(),
        DaySelector::Rule(func) => program
            .function(func)
            .map_or_else(|| "?".to_string(), |f| f.name.clone()),
    };
    let time = |minute: u32| format!("{:02}:{:02}", minute / 60, minute % 60);
    if span.from == 0 && span.to == 0 && span.until.is_none() {
        return format!("hela dagen, {}", day(span.on));
    }
    let end = match span.until {
        Some(until) => format!("nästa {} {}", day(until), time(span.to)),
        None if span.to <= span.from => format!("följande dag {}", time(span.to)),
        None => time(span.to),
    };
    format!("{} {} – {end}", day(span.on), time(span.from))
}

fn record(context: &Context, r: &ast::RecordDef) -> String {
    let info = match context.definition(&r.name) {
        Some(ItemRef::Record(id)) => context.program.record(id),
        _ => None,
    };
    let mut out = String::from(
        "<table class=\"fields\"><thead><tr><th>Fält</th><th>Typ</th><th>Beskrivning</th></tr></thead><tbody>",
    );
    for (field_idx, field) in r.fields.iter().enumerate() {
        let ty = info
            .and_then(|i| i.fields.get(field_idx))
            .map(|f| type_link(context, &f.ty))
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr><td><span class=\"name\">{}</span></td><td>{ty}</td><td>{}</td></tr>",
            escape(&field.name.name),
            field.doc.as_deref().map(doc).unwrap_or_default()
        ));
    }
    out.push_str("</tbody></table>");
    out
}

fn enumeration(e: &ast::EnumDef) -> String {
    let mut out = String::from(
        "<table class=\"variants\"><thead><tr><th>Alternativ</th><th>Beskrivning</th></tr></thead><tbody>",
    );
    for variant in &e.variants {
        out.push_str(&format!(
            "<tr><td><span class=\"name\">{}</span></td><td>{}</td></tr>",
            escape(&variant.name.name),
            variant.doc.as_deref().map(doc).unwrap_or_default()
        ));
    }
    out.push_str("</tbody></table>");
    out
}

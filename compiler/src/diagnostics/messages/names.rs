//! Diagnostic wording for names that are defined where the file does not
//! look (a module it does not use, a file that declares another module)
//! and for names that are not what they look like (W0101).

use super::check::quoted_list;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// A name no module in scope defines, but an unused one does.
/// `is_type`: the name stands where a type is written.
pub fn unknown_name_in_unused_module(
    span: Span,
    name: &str,
    modules: &[String],
    is_type: bool,
) -> Diagnostic {
    let (code, what) = if is_type {
        (Code::UnknownType, "type")
    } else {
        (Code::UnknownName, "name")
    };
    let d = Diagnostic::new(code, span, format!("unknown {what} `{name}`"))
        .with_label("defined in a module this file does not use");
    match modules {
        [module] => d.with_help(format!(
            "`{name}` is defined in module `{module}`: add `use {module}` before the first item"
        )),
        _ => d.with_help(format!(
            "`{name}` is defined in the modules {}: add a `use` line for the one you mean",
            quoted_list(modules)
        )),
    }
}

/// `use a.b` where the file `a/b.avtal` is loaded but declares another
/// module (`declared`), or none.
pub fn use_file_declares_other(
    span: Span,
    path: &str,
    file: &str,
    declared: Option<&str>,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UnknownModule,
        span,
        format!("unknown module `{path}`"),
    );
    match declared {
        Some(declared) => d
            .with_label(format!("`{file}` declares module `{declared}`"))
            .with_help(format!(
                "the file `{file}` declares `module {declared}`: change that line to \
                 `module {path}`, or `use {declared}` here and move the file to `{}.avtal`",
                declared.replace('.', "/")
            )),
        None => d
            .with_label(format!("`{file}` has no `module` line"))
            .with_help(format!("add `module {path}` as the first line of `{file}`")),
    }
}

/// A defined name holding a character that cannot be seen.
pub fn invisible_in_name(span: Span, name: &str, c: char) -> Diagnostic {
    Diagnostic::new(
        Code::ConfusableName,
        span,
        format!(
            "the name `{name}` holds the invisible character U+{:04X}",
            u32::from(c)
        ),
    )
    .with_label("invisible character in this name")
    .with_help("delete the character: a use typed without it would be another name")
}

/// A defined name whose letters come from more than one script.
pub fn mixed_script_name(span: Span, name: &str, c: char, script: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ConfusableName,
        span,
        format!(
            "the name `{name}` mixes scripts: `{c}` (U+{:04X}) is {script}",
            u32::from(c)
        ),
    )
    .with_label("mixed scripts")
    .with_help(format!(
        "retype `{c}` with the keyboard's own letter; a look-alike from another script makes \
         a name that the same name typed normally does not match"
    ))
}

/// Two different defined names that look alike.
pub fn confusable_names(span: Span, name: &str, first: Span, first_name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ConfusableName,
        span,
        format!("the name `{name}` looks like `{first_name}` but is a different name"),
    )
    .with_label("looks like another name")
    .with_related(first, format!("`{first_name}` is defined here"))
    .with_help(format!(
        "if they are meant to be one name, retype this one; otherwise rename one of them so \
         they can be told apart (written out: {} and {})",
        code_points(name),
        code_points(first_name)
    ))
}

/// `pаy` → `p U+0430 y`: the letters outside ASCII by code point.
fn code_points(name: &str) -> String {
    let spelled: Vec<String> = name
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("U+{:04X}", u32::from(c))
            }
        })
        .collect();
    format!("`{}`", spelled.join(" "))
}

//! `--set NAME@DATE=VALUE`: a what-if on a param's timeline without
//! editing the source file.
//!
//! The override is applied to the source text in memory, not to the IR:
//! the timeline steps from DATE on are replaced by `from DATE = VALUE`, and
//! the program is compiled again. So VALUE is read by the language's own
//! parser and checked by its own checker against the param's declared type
//! (a `Money` param refuses `2 %` with the usual type-mismatch diagnostic),
//! and every static scale and E0206 check downstream is recomputed for the
//! new value. Patching `ParamInfo::timeline` directly would skip that: a
//! value with more decimals than the old ones would break the static
//! scales both engines rely on.
//!
//! This module only edits text; compiling is the caller's job.

use chrono::NaiveDate;

use avtal_compiler::syntax::ast::{Item, Param};
use avtal_compiler::{Compilation, Sources};

use crate::term::Failure;

/// One parsed `--set` argument.
#[derive(Debug, Clone)]
pub struct ParamOverride {
    /// As written on the command line, for messages and the report.
    pub text: String,
    /// The param's name, or `module.path.name`.
    pub name: String,
    pub date: NaiveDate,
    pub date_text: String,
    /// Avtal source text of the value (`1800 SEK`, `1.8 %`).
    pub value: String,
}

const FORM_HELP: &str = "write `--set 'NAME@DATE=VALUE'`, for example \
                         `--set 'garantibelopp@2027-01-01=1800 SEK'`";

impl ParamOverride {
    pub fn parse(option: &str, text: &str) -> Result<ParamOverride, Failure> {
        let malformed = || {
            Failure::new(format!(
                "`{option} {text}` is not of the form NAME@DATE=VALUE"
            ))
            .with_help(FORM_HELP)
        };
        let (name, rest) = text.split_once('@').ok_or_else(malformed)?;
        let (date_text, value) = rest.split_once('=').ok_or_else(malformed)?;
        let (name, date_text, value) = (name.trim(), date_text.trim(), value.trim());
        if name.is_empty() || value.is_empty() {
            return Err(malformed());
        }
        if value.contains(['\n', '\r']) {
            return Err(Failure::new(format!(
                "the value in `{option}` must be one line, found a line break"
            ))
            .with_help(FORM_HELP));
        }
        // The same date form as a `from` in the source (YYYY-MM-DD).
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
            Failure::new(format!(
                "`{date_text}` in `{option} {text}` is not a date in the calendar"
            ))
            .with_help(
                "write the date from which the value applies as YYYY-MM-DD, like `2027-01-01`",
            )
        })?;
        Ok(ParamOverride {
            text: text.to_string(),
            name: name.to_string(),
            date,
            date_text: date_text.to_string(),
            value: value.to_string(),
        })
    }

    /// Rewrite the param's timeline in `sources`: steps dated DATE or later
    /// are replaced by `from DATE = VALUE`. `compilation` must be of
    /// `sources` as they are now (it gives the spans).
    pub fn apply(
        &self,
        option: &str,
        sources: &mut Sources,
        compilation: &Compilation,
        version: &str,
    ) -> Result<(), Failure> {
        let param = self.find_param(option, sources, compilation, version)?;
        let steps = &param.timeline;
        let kept = steps
            .iter()
            .take_while(|step| {
                step_date(sources, &step.from.span).is_some_and(|date| date < self.date)
            })
            .count();
        let (Some(first), Some(last)) = (steps.first(), steps.last()) else {
            return Err(Failure::new(format!(
                "the param `{}` has no `from` steps to override",
                self.name
            )));
        };
        let file = param.span.file;
        let text = sources.text(file);
        let new_step = format!("from {} = {}", self.date_text, self.value);
        let (start, replacement) = match kept.checked_sub(1).and_then(|i| steps.get(i)) {
            // After the last step that stays, on a line of its own.
            Some(previous) => {
                let indent = indentation(text, first.span.start as usize);
                (previous.span.end as usize, format!("\n{indent}{new_step}"))
            }
            None => (first.span.start as usize, new_step),
        };
        let end = last.span.end as usize;
        let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
            return Err(Failure::new(
                "internal error: a param step outside its file",
            ));
        };
        let edited = format!("{before}{replacement}{after}");
        let name = sources.name(file).to_string();
        sources.replace(file, name, edited);
        Ok(())
    }

    fn find_param<'c>(
        &self,
        option: &str,
        sources: &Sources,
        compilation: &'c Compilation,
        version: &str,
    ) -> Result<&'c Param, Failure> {
        let (module, name) = match self.name.rsplit_once('.') {
            Some((module, name)) => (Some(module), name),
            None => (None, self.name.as_str()),
        };
        let matches: Vec<_> = compilation
            .program
            .params
            .iter()
            .filter(|p| p.name == name && module.is_none_or(|m| p.meta.module == m))
            .collect();
        // An unqualified name means the agreement's own param before a
        // stdlib one of the same name (W1 and the stdlib both have a
        // `garantibelopp`).
        let is_stdlib = |p: &&avtal_compiler::ir::ParamInfo| {
            sources.get(p.span.file).is_some_and(|f| f.is_stdlib)
        };
        let own: Vec<_> = matches.iter().copied().filter(|p| !is_stdlib(p)).collect();
        let matches = if module.is_none() && own.len() == 1 {
            own
        } else {
            matches
        };
        let info = match matches.as_slice() {
            [info] => *info,
            [] => {
                let user_params: Vec<String> = compilation
                    .program
                    .params
                    .iter()
                    .filter(|p| !is_stdlib(p))
                    .map(|p| format!("`{}`", p.name))
                    .collect();
                let help = if user_params.is_empty() {
                    "a stdlib param is named with its module, like `lag.las.NAME`".to_string()
                } else {
                    format!(
                        "the params of the {version} version are {}; a stdlib param is named \
                         with its module, like `lag.las.NAME`",
                        user_params.join(", ")
                    )
                };
                return Err(Failure::new(format!(
                    "`{option} {}`: the {version} version has no param named `{}`",
                    self.text, self.name
                ))
                .with_help(help));
            }
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|p| format!("`{}.{}`", p.meta.module, p.name))
                    .collect();
                return Err(Failure::new(format!(
                    "`{option} {}`: several params are named `{name}`",
                    self.text
                ))
                .with_help(format!("name one with its module: {}", names.join(", "))));
            }
        };
        compilation
            .modules
            .iter()
            .filter(|m| m.file == info.span.file)
            .flat_map(|m| m.items.iter())
            .find_map(|item| match item {
                Item::Param(param) if param.name.name == info.name => Some(param),
                _ => None,
            })
            .ok_or_else(|| Failure::new("internal error: a param without its declaration"))
    }
}

/// The date written in a step's `from`.
fn step_date(sources: &Sources, span: &avtal_compiler::Span) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(sources.snippet(*span).trim(), "%Y-%m-%d").ok()
}

/// The blanks that start the line holding `offset`.
fn indentation(text: &str, offset: usize) -> &str {
    let line_start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(line_start..).unwrap_or("");
    let blanks = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.get(..blanks).unwrap_or("")
}

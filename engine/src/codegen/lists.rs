//! Lists and texts in compiled code: list literals, comprehensions (and
//! so `filter`), the aggregates, a condition's failed reasons, text
//! constants, concatenation and equality.
//!
//! Every list a program can build has a length bounded at compile time:
//! an entry point's input has no list fields (E0210), rules do not
//! recurse, and a list is made by a literal, a comprehension over a
//! list, a condition's `failed`, or a branch between such lists. So a
//! list is a compile-time sequence of its *possible* elements
//! ([`Val::List`]), each always present or present by a run-time `I8`
//! flag (a comprehension's filter, a failed requirement, the arm of an
//! `if` that ran). It never touches memory. A text is the same over
//! compile-time pieces ([`Val::Text`]); the present pieces concatenated
//! are its value.
//!
//! The interpreter's order is kept: a comprehension evaluates its filter
//! and element only for elements that are there (a branch guards them, so
//! their failures are not recorded for absent elements), aggregates fold
//! every element in order.

use std::sync::Arc;

use cranelift_codegen::ir::{InstBuilder, Value, types};

use super::layout::TextPiece;
use super::translate::{Element, FunctionTranslator, Piece, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::ir::{Aggregate, BinOp, Expr, LocalId};
use avtal_compiler::types::Type;

/// A text constant: no piece for the empty text, so that presence of
/// pieces decides emptiness.
pub(super) fn text_const(text: &str) -> Vec<Piece> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Piece {
            present: None,
            text: TextPiece::Const(Arc::from(text)),
        }]
    }
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// `[a, b, …]`: elements at the list's static scale, as the
    /// interpreter's `canonical` puts them.
    pub(super) fn translate_list(&mut self, list: &'a Expr, elements: &'a [Expr]) -> Result<Val> {
        let rescaled = match (&list.ty, list.scale) {
            (Type::List(inner), Some(scale))
                if matches!(**inner, Type::Money | Type::Percent | Type::Hours) =>
            {
                Some(scale)
            }
            _ => None,
        };
        let mut items = Vec::with_capacity(elements.len());
        for element in elements {
            let value = self.translate_expr(element)?;
            let value = match rescaled {
                Some(scale) => self.rescale(value, scale)?,
                None => self.plain(value),
            };
            items.push(Element {
                present: None,
                value,
            });
        }
        Ok(Val::List(items))
    }

    /// `[element for binder in list if filter]`.
    pub(super) fn translate_comprehension(
        &mut self,
        element: &'a Expr,
        binder: LocalId,
        list: &'a Expr,
        filter: Option<&'a Expr>,
    ) -> Result<Val> {
        let source = match self.translate_expr(list)? {
            Val::List(source) => source,
            Val::Seq(seq) => return self.seq_comprehension(seq, element, binder, filter),
            _ => return Err(CodegenError::Internal("a comprehension over a non-list")),
        };
        let mut items = Vec::with_capacity(source.len());
        for item in source {
            self.bind(binder, item.value)?;
            let made = match item.present {
                None => self.filtered_element(element, filter)?,
                Some(present) => {
                    // Only an element that is there is filtered and made.
                    let (yes, no) = self.branch(present);
                    self.builder.switch_to_block(yes);
                    let made = self.filtered_element(element, filter)?;
                    let (keep, value) = self.keep_and_value(made);
                    let first = self.finish_arm(Val::Record(vec![Val::Bool(keep), value]));
                    self.builder.switch_to_block(no);
                    let nothing = self.builder.ins().iconst(types::I8, 0);
                    let zero = self.zero_of(&element.ty)?;
                    let second = self.finish_arm(Val::Record(vec![Val::Bool(nothing), zero]));
                    match self.merge(vec![first, second])? {
                        Val::Record(mut fields) if fields.len() == 2 => {
                            let value = fields.pop().unwrap_or(Val::Absent);
                            match fields.pop() {
                                Some(Val::Bool(keep)) => Element {
                                    present: Some(keep),
                                    value,
                                },
                                _ => return Err(CodegenError::Internal("a lost presence flag")),
                            }
                        }
                        _ => return Err(CodegenError::Internal("a lost comprehension element")),
                    }
                }
            };
            items.push(made);
        }
        Ok(Val::List(items))
    }

    /// The presence flag (an `I8`, made when static) and value of an item.
    fn keep_and_value(&mut self, item: Element) -> (Value, Val) {
        let keep = match item.present {
            Some(p) => p,
            None => self.builder.ins().iconst(types::I8, 1),
        };
        (keep, item.value)
    }

    /// The element for the bound binder, evaluated only when the filter
    /// (if any) holds.
    fn filtered_element(&mut self, element: &'a Expr, filter: Option<&'a Expr>) -> Result<Element> {
        let Some(filter) = filter else {
            let value = self.translate_expr(element)?;
            return Ok(Element {
                present: None,
                value: self.plain(value),
            });
        };
        let keep = self.translate_bool(filter)?;
        let (yes, no) = self.branch(keep);
        self.builder.switch_to_block(yes);
        let value = self.translate_expr(element)?;
        let first = self.finish_arm(value);
        self.builder.switch_to_block(no);
        let zero = self.zero_of(&element.ty)?;
        let second = self.finish_arm(zero);
        let value = self.merge(vec![first, second])?;
        Ok(Element {
            present: Some(keep),
            value,
        })
    }

    /// `sum`, `count`, `all`, `any`, `min`, `max` over a list, folding
    /// every element in order as `eval/builtins.rs` does.
    pub(super) fn translate_aggregate(
        &mut self,
        aggregate: Aggregate,
        list: &'a Expr,
    ) -> Result<Val> {
        let items = match self.translate_expr(list)? {
            Val::List(items) => items,
            Val::Seq(seq) => return self.seq_aggregate(aggregate, seq, &list.ty),
            _ => return Err(CodegenError::Internal("an aggregate over a non-list")),
        };
        match aggregate {
            Aggregate::Count => {
                let mut n = self.builder.ins().iconst(types::I64, 0);
                for item in &items {
                    let one = match item.present {
                        Some(p) => self.builder.ins().uextend(types::I64, p),
                        None => self.builder.ins().iconst(types::I64, 1),
                    };
                    n = self.builder.ins().iadd(n, one);
                }
                Ok(Val::Num { v: n, scale: 0 })
            }
            Aggregate::All | Aggregate::Any => {
                let is_all = aggregate == Aggregate::All;
                let mut acc = self.builder.ins().iconst(types::I8, i64::from(is_all));
                for item in items {
                    let Val::Bool(b) = item.value else {
                        return Err(CodegenError::Internal("`all`/`any` of non-bools"));
                    };
                    // An absent element is neutral: true for `all`, false
                    // for `any`.
                    let b = match item.present {
                        None => b,
                        Some(p) if is_all => {
                            let absent = self.builder.ins().bxor_imm_u(p, 1);
                            self.builder.ins().bor(b, absent)
                        }
                        Some(p) => self.builder.ins().band(b, p),
                    };
                    acc = if is_all {
                        self.builder.ins().band(acc, b)
                    } else {
                        self.builder.ins().bor(acc, b)
                    };
                }
                Ok(Val::Bool(acc))
            }
            Aggregate::Sum => self.translate_sum(items),
            Aggregate::Min | Aggregate::Max => {
                let Type::List(element) = &list.ty else {
                    return Err(CodegenError::Internal("an aggregate over a non-list"));
                };
                self.translate_best(aggregate == Aggregate::Min, items, element)
            }
        }
    }

    /// Every element's number at the elements' largest scale.
    fn common_scale(&mut self, items: Vec<Element>) -> Result<Vec<Element>> {
        let scale = items
            .iter()
            .map(|item| match item.value {
                Val::Num { scale, .. } | Val::Ratio { scale, .. } => scale,
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let value = match item.value {
                num @ (Val::Num { .. } | Val::Ratio { .. }) => self.rescale(num, scale)?,
                other => other,
            };
            out.push(Element {
                present: item.present,
                value,
            });
        }
        Ok(out)
    }

    /// The exact sum; an empty list sums to 0. An overflow of the `i64`
    /// sends the record to the interpreter.
    fn translate_sum(&mut self, items: Vec<Element>) -> Result<Val> {
        let items = self.common_scale(items)?;
        let mut total = Val::Num {
            v: self.builder.ins().iconst(types::I64, 0),
            scale: 0,
        };
        for item in items {
            let Val::Num { v, scale } = item.value else {
                return Err(CodegenError::Internal("`sum` of non-numbers"));
            };
            let v = match item.present {
                None => v,
                Some(p) => {
                    let zero = self.builder.ins().iconst(types::I64, 0);
                    self.builder.ins().select(p, v, zero)
                }
            };
            total = self.translate_arithmetic(BinOp::Add, total, Val::Num { v, scale })?;
        }
        Ok(total)
    }

    /// `min`/`max` of numbers or dates; ties keep the earlier element
    /// (equal in value and, at the common scale, in representation). An
    /// empty list is an error the interpreter reports: the record goes to
    /// it. A list empty at compile time still gives a placeholder of the
    /// element's type (never read: the record has failed), so that a branch
    /// around it has one shape: a date, not a number, for dates.
    fn translate_best(&mut self, is_min: bool, items: Vec<Element>, element: &Type) -> Result<Val> {
        let items = self.common_scale(items)?;
        // `seen`: None while no element can have been met, Some(None) once
        // one surely has, Some(Some(flag)) while that depends on the run.
        let mut best: Option<Val> = None;
        let mut seen: Option<Option<Value>> = None;
        for item in items {
            let value = item.value;
            let Some(current) = best.clone() else {
                best = Some(value);
                seen = Some(item.present);
                continue;
            };
            let better = self.translate_min_max(is_min, vec![current.clone(), value.clone()])?;
            // Before any element was met, this one is the best so far.
            let candidate = match seen {
                Some(Some(flag)) => self.select_val(flag, better, value)?,
                _ => better,
            };
            let (next, next_seen) = match item.present {
                None => (candidate, None),
                Some(p) => {
                    let kept = self.select_val(p, candidate, current)?;
                    let seen_now = match seen {
                        Some(Some(flag)) => Some(self.builder.ins().bor(flag, p)),
                        _ => None,
                    };
                    (kept, seen_now)
                }
            };
            best = Some(next);
            seen = Some(next_seen);
        }
        // No element: the interpreter's error, at the same point.
        match seen {
            None => self.fail_always_because(NativeStatus::EmptyList),
            Some(None) => {}
            Some(Some(flag)) => {
                let empty = self.builder.ins().bxor_imm_u(flag, 1);
                self.fail_if_because(empty, NativeStatus::EmptyList);
            }
        }
        match best {
            Some(value) => Ok(value),
            None => self.zero_of(element),
        }
    }

    /// Text `==`/`!=`: compiled when one side is a known text (no piece
    /// depends on the run); the other side's present pieces must spell it
    /// exactly (`spells`).
    pub(super) fn translate_text_equal(&mut self, negate: bool, a: Val, b: Val) -> Result<Val> {
        let (Val::Text(x), Val::Text(y)) = (a, b) else {
            return Err(CodegenError::Internal("a text compared with a non-text"));
        };
        let known = |pieces: &[Piece]| -> Option<String> {
            let mut text = String::new();
            for piece in pieces {
                match (&piece.present, &piece.text) {
                    (None, TextPiece::Const(t)) => text.push_str(t),
                    _ => return None,
                }
            }
            Some(text)
        };
        let equal = match (known(&x), known(&y)) {
            (Some(a), Some(b)) => self.builder.ins().iconst(types::I8, i64::from(a == b)),
            (Some(text), None) => self.spells(&y, &text)?,
            (None, Some(text)) => self.spells(&x, &text)?,
            (None, None) => {
                return Err(CodegenError::Unsupported(
                    "comparing two texts that both depend on the run",
                ));
            }
        };
        Ok(Val::Bool(if negate {
            self.builder.ins().bxor_imm_u(equal, 1)
        } else {
            equal
        }))
    }

    /// `slots[index] |= value`, where `None` is a known 0.
    fn or_into(&mut self, slots: &mut [Option<Value>], index: usize, value: Value) {
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some(match *slot {
                Some(v) => self.builder.ins().bor(v, value),
                None => value,
            });
        }
    }

    /// An `I8`: 1 when the present `pieces`, concatenated, are exactly
    /// `text`. `reach[k]` says the pieces so far spell `text[..k]`; only
    /// positions some choice of pieces can reach get code.
    fn spells(&mut self, pieces: &[Piece], text: &str) -> Result<Value> {
        let bytes = text.as_bytes();
        let mut reach: Vec<Option<Value>> = vec![None; bytes.len() + 1];
        if let Some(start) = reach.first_mut() {
            *start = Some(self.builder.ins().iconst(types::I8, 1));
        }
        for piece in pieces {
            let TextPiece::Const(t) = &piece.text else {
                return Err(CodegenError::Unsupported(
                    "comparing a text from the input record",
                ));
            };
            let t = t.as_bytes();
            let mut next: Vec<Option<Value>> = vec![None; bytes.len() + 1];
            for (k, here) in reach.iter().enumerate() {
                let Some(here) = *here else { continue };
                // The piece absent: stay at `k`.
                if let Some(p) = piece.present {
                    let absent = self.builder.ins().bxor_imm_u(p, 1);
                    let stay = self.builder.ins().band(here, absent);
                    self.or_into(&mut next, k, stay);
                }
                // The piece present: move past it when it matches.
                let end = k + t.len();
                if bytes.get(k..end) == Some(t) {
                    let go = match piece.present {
                        Some(p) => self.builder.ins().band(here, p),
                        None => here,
                    };
                    self.or_into(&mut next, end, go);
                }
            }
            reach = next;
        }
        Ok(match reach.last().copied().flatten() {
            Some(v) => v,
            None => self.builder.ins().iconst(types::I8, 0),
        })
    }
}

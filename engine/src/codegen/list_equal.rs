//! `==` and `!=` between two lists in compiled code.
//!
//! Both lists are compile-time sequences of possible elements, each present
//! always or by a run-time flag (`lists.rs`), so equality of the present
//! elements is decided by a table over positions: `equal(i, j)` holds when
//! the present elements of `left[i..]` equal those of `right[j..]`. An
//! absent element is skipped; two present elements must be equal and the
//! rest must match. The table is `n × m` selects, built bottom-up, so a
//! condition's `failed == ["a", "b"]` costs a few instructions per pair.
//! Lists known only at run time (`Val::Seq`) and very long lists are left
//! to the interpreter (`Unsupported`), never answered differently.

use cranelift_codegen::ir::{InstBuilder, Value, types};

use super::CodegenError;
use super::translate::{Element, FunctionTranslator, Result, Val};
use avtal_compiler::ir::BinOp;

/// Pairs of possible elements beyond which the table is not built.
const MAX_PAIRS: usize = 4096;

impl FunctionTranslator<'_, '_> {
    /// `a == b` (or `!=` when `negate`) for two lists.
    pub(super) fn translate_list_equal(&mut self, negate: bool, a: Val, b: Val) -> Result<Val> {
        let (Val::List(left), Val::List(right)) = (a, b) else {
            return Err(CodegenError::Unsupported(
                "comparing lists whose length is known only at run time",
            ));
        };
        if left.len().saturating_mul(right.len()) > MAX_PAIRS {
            return Err(CodegenError::Unsupported("comparing two long lists"));
        }
        let equal = self.present_elements_equal(&left, &right)?;
        Ok(Val::Bool(if negate {
            self.builder.ins().bxor_imm_u(equal, 1)
        } else {
            equal
        }))
    }

    /// The `I8` that is 1 when the present elements of both lists are
    /// equal in order.
    fn present_elements_equal(&mut self, left: &[Element], right: &[Element]) -> Result<Value> {
        let (n, m) = (left.len(), right.len());
        let one = self.builder.ins().iconst(types::I8, 1);
        // `next[j]` is `equal(i + 1, j)` while row `i` is built; row `n`
        // (nothing left on the left) holds when every right element from
        // `j` on is absent.
        let mut next = vec![one; m + 1];
        for j in (0..m).rev() {
            let after = next.get(j + 1).copied().unwrap_or(one);
            let value = self.and_absent(right.get(j), after);
            set(&mut next, j, value);
        }
        for i in (0..n).rev() {
            let left_element = left.get(i);
            let mut row = vec![one; m + 1];
            // `equal(i, m)`: every left element from `i` on is absent.
            let value = self.and_absent(left_element, next.get(m).copied().unwrap_or(one));
            set(&mut row, m, value);
            for j in (0..m).rev() {
                let (Some(x), Some(y)) = (left_element, right.get(j)) else {
                    return Err(CodegenError::Internal("a list position out of range"));
                };
                let both_rest = next.get(j + 1).copied().unwrap_or(one);
                let same = self.element_equal(&x.value, &y.value)?;
                let both = self.builder.ins().band(same, both_rest);
                // Right element absent: skip it; left element absent: skip it.
                let skip_right = row.get(j + 1).copied().unwrap_or(one);
                let skip_left = next.get(j).copied().unwrap_or(one);
                let right_here = match y.present {
                    Some(flag) => self.builder.ins().select(flag, both, skip_right),
                    None => both,
                };
                // A left element that is always there cannot be skipped.
                let value = match x.present {
                    Some(flag) => self.builder.ins().select(flag, right_here, skip_left),
                    None => right_here,
                };
                set(&mut row, j, value);
            }
            next = row;
        }
        Ok(next.first().copied().unwrap_or(one))
    }

    /// `rest`, and also that `element` (if any) is absent.
    fn and_absent(&mut self, element: Option<&Element>, rest: Value) -> Value {
        match element.map(|e| e.present) {
            Some(Some(flag)) => {
                let absent = self.builder.ins().bxor_imm_u(flag, 1);
                self.builder.ins().band(absent, rest)
            }
            Some(None) => self.builder.ins().iconst(types::I8, 0),
            None => rest,
        }
    }

    /// Two elements of the same type, compared as `==` compares them.
    fn element_equal(&mut self, x: &Val, y: &Val) -> Result<Value> {
        let equal = match (x, y) {
            (Val::Text(_), Val::Text(_)) => {
                self.translate_text_equal(false, x.clone(), y.clone())?
            }
            (Val::List(_), _) | (Val::Seq(_), _) => {
                self.translate_list_equal(false, x.clone(), y.clone())?
            }
            _ => self.translate_compare(BinOp::Eq, x.clone(), y.clone())?,
        };
        match equal {
            Val::Bool(flag) => Ok(flag),
            _ => Err(CodegenError::Internal("an equality that is not a Bool")),
        }
    }
}

fn set(row: &mut [Value], index: usize, value: Value) {
    if let Some(slot) = row.get_mut(index) {
        *slot = value;
    }
}

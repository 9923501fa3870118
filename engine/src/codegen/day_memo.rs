//! Costly rules of one date, remembered across records.
//!
//! W2's `helgdagar_i_månaden(r.period)` tests the 31 days of a month
//! against every holiday of the year, the Easter computus included: a few
//! thousand instructions per record for a value that depends on the month
//! alone. A call to such a rule — one `Date` parameter, an `Int`, `Bool`
//! or `Date` result, a body with a loop in it (a comprehension or an
//! aggregate, its callees' included) and no class of time — is compiled
//! as a lookup in a table of the module, one word per day of 2000–2099 as
//! for the profiles of `classes.rs`; a day not in it yet calls the rule's
//! own function, which computes the value and stores it.
//!
//! Why this is exact: rules are pure (their arguments and the module's
//! constants are all they read), so the value for a day is the same in
//! every record. A call whose rule fails returns the failure's status and
//! stores nothing, so the record fails where the inlined call would. A word
//! holds `(value << 1) | 1` (0: not computed yet); a value that does not
//! fit in 62 bits, or a negative one, is never stored and sends the record
//! to the interpreter instead, which gives the same result.

use std::collections::BTreeSet;

use cranelift_codegen::ir::{
    FuncRef, GlobalValue, InstBuilder, MemFlagsData, Value, condcodes::IntCC, types,
};

use super::CodegenError;
use super::translate::{FunctionTranslator, Result, Val};
use avtal_compiler::ir::{Body, Builtin, Expr, ExprKind, FuncId, Function, Program};
use avtal_compiler::types::Type;

/// Largest value a table word holds: `(v << 1) | 1` stays positive.
const MAX_STORED: i64 = (1 << 61) - 1;

/// A memoised rule's function and table, as seen from one function.
#[derive(Debug, Clone, Copy)]
pub(super) struct DayMemo {
    pub(super) func: FuncId,
    pub(super) function: FuncRef,
    pub(super) table: GlobalValue,
}

/// What a walk over a rule's body (its callees' included) found.
#[derive(Default)]
struct Found {
    has_loop: bool,
    has_class: bool,
}

/// Whether calls to `func` are memoised: one `Date` parameter, a result
/// of one word, a loop in its body and no class of time.
fn memoisable(program: &Program, func: FuncId) -> bool {
    let Some(function) = program.function(func) else {
        return false;
    };
    let shape = matches!(function.params.as_slice(), [(_, Type::Date)])
        && matches!(function.ret, Type::Int | Type::Bool | Type::Date);
    let Body::Expr(body) = &function.body else {
        return false;
    };
    if !shape {
        return false;
    }
    let mut found = Found::default();
    let mut seen = BTreeSet::new();
    seen.insert(func.0);
    scan(program, body, &mut found, &mut seen);
    found.has_loop && !found.has_class
}

/// Walk `expr` and the bodies of the functions it calls (each once).
fn scan(program: &Program, expr: &Expr, found: &mut Found, seen: &mut BTreeSet<u32>) {
    let mut children: Vec<&Expr> = Vec::new();
    match &expr.kind {
        ExprKind::Call { func, args } => {
            children.extend(args);
            if seen.insert(func.0)
                && let Some(callee) = program.function(*func)
            {
                match &callee.body {
                    Body::Expr(body) => children.push(body),
                    // Tables, conditions and limits: their expressions are
                    // not walked; a class of time there is assumed.
                    _ => found.has_class = true,
                }
            }
        }
        ExprKind::Builtin { builtin, args } => {
            if matches!(
                builtin,
                Builtin::HoursIn | Builtin::HoursOn | Builtin::InClass
            ) {
                found.has_class = true;
            }
            children.extend(args);
        }
        ExprKind::Param { at, .. } => children.push(at),
        ExprKind::Unary(_, a) | ExprKind::Field(a, _) => children.push(a),
        ExprKind::Binary(_, a, b) => children.extend([a.as_ref(), b.as_ref()]),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => children.extend([cond.as_ref(), then.as_ref(), otherwise.as_ref()]),
        ExprKind::Match {
            scrutinee,
            arms,
            default,
        } => {
            children.push(scrutinee);
            children.extend(arms.iter().map(|(_, e)| e));
            children.extend(default.as_deref());
        }
        ExprKind::Let { value, body, .. } => children.extend([value.as_ref(), body.as_ref()]),
        ExprKind::Record { fields, .. } | ExprKind::List(fields) => children.extend(fields),
        ExprKind::Comprehension {
            element,
            list,
            filter,
            ..
        } => {
            found.has_loop = true;
            children.extend([element.as_ref(), list.as_ref()]);
            children.extend(filter.as_deref());
        }
        ExprKind::Aggregate(_, list) => {
            found.has_loop = true;
            children.push(list);
        }
        ExprKind::Round { value, .. } => children.push(value),
        ExprKind::Const(_) | ExprKind::Local(_) | ExprKind::Error => {}
        // A refusal carries its message and place, which a table word
        // cannot: such a rule is not memoised. Every construct is listed,
        // so that a new one must say whether it may be.
        ExprKind::Refuse { .. } | ExprKind::ExpectRefused { .. } => found.has_class = true,
    }
    for child in children {
        scan(program, child, found, seen);
    }
}

/// The memoisable rules that `entry`'s code calls (not looking inside
/// them: their own functions inline what they call), in a fixed order.
pub(super) fn memoised_calls(program: &Program, entry: &Function) -> Vec<FuncId> {
    let mut out = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut stack: Vec<Option<FuncId>> = vec![None];
    while let Some(next) = stack.pop() {
        let function = match next {
            None => entry,
            Some(func) => {
                if !visited.insert(func.0) {
                    continue;
                }
                let Some(function) = program.function(func) else {
                    continue;
                };
                function
            }
        };
        let mut exprs: Vec<&Expr> = Vec::new();
        match &function.body {
            Body::Expr(body) => exprs.push(body),
            Body::Table(rows) => exprs.extend(rows.iter().map(|r| &r.result)),
            Body::Condition(requirements) => exprs.extend(requirements.iter().map(|r| &r.test)),
            Body::Limit(limit) => exprs.extend([&limit.measured, &limit.bound]),
        }
        while let Some(expr) = exprs.pop() {
            if let ExprKind::Call { func: callee, .. } = &expr.kind {
                if memoisable(program, *callee) {
                    out.insert(callee.0);
                } else {
                    stack.push(Some(*callee));
                }
            }
            push_children(expr, &mut exprs);
        }
    }
    out.into_iter().map(FuncId).collect()
}

pub(super) fn push_children<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &expr.kind {
        ExprKind::Call { args, .. } | ExprKind::Builtin { args, .. } => out.extend(args),
        ExprKind::Param { at, .. } => out.push(at),
        ExprKind::Unary(_, a) | ExprKind::Field(a, _) => out.push(a),
        ExprKind::Binary(_, a, b) => out.extend([a.as_ref(), b.as_ref()]),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => out.extend([cond.as_ref(), then.as_ref(), otherwise.as_ref()]),
        ExprKind::Match {
            scrutinee,
            arms,
            default,
        } => {
            out.push(scrutinee);
            out.extend(arms.iter().map(|(_, e)| e));
            out.extend(default.as_deref());
        }
        ExprKind::Let { value, body, .. } => out.extend([value.as_ref(), body.as_ref()]),
        ExprKind::Record { fields, .. } | ExprKind::List(fields) => out.extend(fields),
        ExprKind::Comprehension {
            element,
            list,
            filter,
            ..
        } => {
            out.extend([element.as_ref(), list.as_ref()]);
            out.extend(filter.as_deref());
        }
        ExprKind::Aggregate(_, list) => out.push(list),
        ExprKind::Round { value, .. } | ExprKind::ExpectRefused { value, .. } => out.push(value),
        ExprKind::Refuse { test, body, .. } => out.extend([test.as_ref(), body.as_ref()]),
        // Every construct is listed, so that a new one with calls below it
        // cannot hide them from the memo (it did: the rest of a block after
        // a `refuse` went unseen).
        ExprKind::Const(_) | ExprKind::Local(_) | ExprKind::Error => {}
    }
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// A call: from the rule's table when it is memoised here, else
    /// inlined.
    pub(super) fn translate_call_or_memo(&mut self, func: FuncId, args: &'a [Expr]) -> Result<Val> {
        let Some(memo) = self.day_memos.iter().find(|m| m.func == func).copied() else {
            return self.translate_call(func, args);
        };
        let [arg] = args else {
            return Err(CodegenError::Internal("a memoised rule of other arguments"));
        };
        let Val::Date(day) = self.translate_expr(arg)? else {
            return Err(CodegenError::Internal("a memoised rule of a non-date"));
        };
        let word = self.memo_word(memo, day)?;
        let value = self.builder.ins().sshr_imm_s(word, 1);
        self.word_value(func, value)
    }

    /// The table word of `day`: read, or on a miss from the rule's
    /// function (a negative result is its failure's status).
    fn memo_word(&mut self, memo: DayMemo, day: Value) -> Result<Value> {
        let (_, done) = self.read_day_word(memo.table, day);
        let inst = self.builder.ins().call(memo.function, &[day]);
        let result = self
            .builder
            .inst_results(inst)
            .first()
            .copied()
            .ok_or(CodegenError::Internal("a memo call without its result"))?;
        self.fail_with_negative_status(result);
        self.builder.ins().jump(done, &[result.into()]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        match self.builder.block_params(done) {
            [w] => Ok(*w),
            _ => Err(CodegenError::Internal("a memo without its word")),
        }
    }

    /// A decoded word as the rule's result.
    fn word_value(&mut self, func: FuncId, value: Value) -> Result<Val> {
        let function = self.program.function(func).ok_or(CodegenError::Internal(
            "a memoised rule that does not exist",
        ))?;
        Ok(match function.ret {
            Type::Int => Val::Num { v: value, scale: 0 },
            Type::Bool => Val::Bool(self.builder.ins().ireduce(types::I8, value)),
            Type::Date => Val::Date(value),
            _ => return Err(CodegenError::Internal("a memoised rule of another type")),
        })
    }

    /// The body of a memo function: `func(day)` inlined, its word stored
    /// in `table` when `day` is in it, and returned; a value the word
    /// cannot hold leaves the fixed point.
    pub(super) fn memo_body(
        &mut self,
        func: FuncId,
        table: GlobalValue,
        day: Value,
    ) -> Result<Value> {
        let function = self.program.function(func).ok_or(CodegenError::Internal(
            "a memoised rule that does not exist",
        ))?;
        let mut frame = vec![None; (function.n_locals as usize).max(1)];
        if let Some(slot) = frame.first_mut() {
            *slot = Some(Val::Date(day));
        }
        let value = match self.enter(function, frame)? {
            Val::Num { v, scale: 0 } | Val::Date(v) => v,
            Val::Bool(b) => self.builder.ins().uextend(types::I64, b),
            _ => return Err(CodegenError::Unsupported("a memoised rule's result")),
        };
        let negative = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, value, 0);
        let large = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, value, MAX_STORED);
        let unfit = self.builder.ins().bor(negative, large);
        self.fail_if(unfit);
        let shifted = self.builder.ins().ishl_imm_u(value, 1);
        let word = self.builder.ins().bor_imm_u(shifted, 1);
        let slot = self.day_slot(table, day);
        let store = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder
            .ins()
            .brif(slot.in_table, store, &[], done, &[]);
        self.builder.seal_block(store);
        self.builder.switch_to_block(store);
        self.builder
            .ins()
            .atomic_store(MemFlagsData::trusted(), word, slot.address);
        self.builder.ins().jump(done, &[]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        Ok(word)
    }
}

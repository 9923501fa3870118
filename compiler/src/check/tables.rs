//! Decision tables: cells against column types, and the coverage analysis
//! that finds rows that can never be chosen and inputs that no row covers.
//!
//! Coverage works on representatives: every constant in a column splits
//! its ordered domain into points and open intervals, and a cell's answer
//! is the same everywhere inside one piece. So testing one value per piece
//! (the constants, their neighbours, values between and beyond them) over
//! the product of the columns decides coverage exactly. Text columns get
//! their constants plus one value equal to none of them.

use chrono::Datelike;
use rust_decimal::Decimal;

use super::Checker;
use super::declare::const_of;
use super::scale::max_scale;
use crate::diagnostics::messages::check as msg;
use crate::ir::{Cell, CompareOp, Const, TableRow};
use crate::syntax::ast;
use crate::types::{Scale, Type};

/// Give up on coverage (silently) above this many input combinations.
const MAX_COMBINATIONS: usize = 200_000;

/// A column value in a form cells can be tested on.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Number(Decimal),
    Variant(u32),
    Bool(bool),
    /// `None`: a text equal to no constant in the table.
    Text(Option<String>),
}

fn key_of(c: &Const) -> Key {
    match c {
        Const::Number(n) => Key::Number(*n),
        Const::Date(d) => Key::Number(Decimal::from(d.num_days_from_ce())),
        Const::Time(t) => Key::Number(Decimal::from(crate::clock::minute_of_day(*t))),
        Const::Timestamp(t) => Key::Number(Decimal::from(crate::clock::timestamp_minutes(*t))),
        Const::Class { classes, class } => Key::Text(Some(format!("{}.{class}", classes.0))),
        Const::Bool(b) => Key::Bool(*b),
        Const::Text(t) => Key::Text(Some(t.clone())),
        Const::Variant(v) => Key::Variant(*v),
    }
}

fn cell_matches(cell: &Cell, key: &Key) -> bool {
    match cell {
        Cell::Any => true,
        Cell::OneOf(values) => values.iter().any(|v| key_of(v) == *key),
        Cell::Compare(op, c) => match (key, key_of(c)) {
            (Key::Number(x), Key::Number(y)) => match op {
                CompareOp::Eq => *x == y,
                CompareOp::Ne => *x != y,
                CompareOp::Lt => *x < y,
                CompareOp::Le => *x <= y,
                CompareOp::Gt => *x > y,
                CompareOp::Ge => *x >= y,
            },
            (k, other) => match op {
                CompareOp::Ne => *k != other,
                CompareOp::Eq => *k == other,
                _ => false,
            },
        },
        Cell::Range(lo, hi) => match (key, key_of(lo), key_of(hi)) {
            (Key::Number(x), Key::Number(a), Key::Number(b)) => a <= *x && *x <= b,
            _ => false,
        },
    }
}

fn is_ordered(ty: &Type) -> bool {
    ty.is_numeric() || *ty == Type::Date
}

impl Checker<'_> {
    pub(super) fn table_rows(
        &mut self,
        table: &ast::Table,
        params: &[(String, Type)],
        ret: &Type,
    ) -> (Vec<TableRow>, Scale) {
        let mut rows = Vec::new();
        let mut scale = Some(0);
        let mut all_valid = true;
        for row in &table.rows {
            if row.cells.len() != params.len() {
                self.error(msg::cell_count(row.span, params.len(), row.cells.len()));
                all_valid = false;
            }
            let mut cells = Vec::new();
            for (cell, (_, ty)) in row.cells.iter().zip(params) {
                match self.cell(cell, ty) {
                    Some(c) => cells.push(c),
                    None => all_valid = false,
                }
            }
            let result = self.expr(&row.result, Some(ret));
            self.expect_type(&result, ret);
            scale = max_scale(scale, result.scale);
            rows.push(TableRow {
                cells,
                result,
                span: row.span,
            });
        }
        if all_valid && !params.iter().any(|(_, t)| t.is_error()) {
            self.coverage(table, params, &rows);
        }
        (rows, scale)
    }

    fn cell_const(&mut self, e: &ast::Expr, ty: &Type) -> Option<Const> {
        let checked = self.expr(e, Some(ty));
        if checked.ty.is_error() {
            return None;
        }
        if !self.expect_type(&checked, ty) {
            return None;
        }
        match const_of(&checked) {
            Some(c) => Some(c),
            None => {
                let column = self.program.type_name(ty);
                self.error(msg::invalid_cell(
                    e.span,
                    &column,
                    "a cell holds literals, variant names or comparisons with a literal",
                ));
                None
            }
        }
    }

    fn cell(&mut self, cell: &ast::Cell, ty: &Type) -> Option<Cell> {
        let column = self.program.type_name(ty);
        match cell {
            ast::Cell::Any(_) => Some(Cell::Any),
            ast::Cell::OneOf(values, _) => {
                let mut consts = Vec::new();
                for v in values {
                    consts.push(self.cell_const(v, ty)?);
                }
                Some(Cell::OneOf(consts))
            }
            ast::Cell::Compare(op, value, span) => {
                if !is_ordered(ty) && !matches!(op, ast::CompareOp::Ne) {
                    self.error(msg::invalid_cell(
                        *span,
                        &column,
                        "its values have no order",
                    ));
                    return None;
                }
                let c = self.cell_const(value, ty)?;
                let op = match op {
                    ast::CompareOp::Lt => CompareOp::Lt,
                    ast::CompareOp::Le => CompareOp::Le,
                    ast::CompareOp::Gt => CompareOp::Gt,
                    ast::CompareOp::Ge => CompareOp::Ge,
                    ast::CompareOp::Ne => CompareOp::Ne,
                };
                Some(Cell::Compare(op, c))
            }
            ast::Cell::Range(lo, hi, span) => {
                if !is_ordered(ty) {
                    self.error(msg::invalid_cell(
                        *span,
                        &column,
                        "its values have no order",
                    ));
                    return None;
                }
                let lo = self.cell_const(lo, ty)?;
                let hi = self.cell_const(hi, ty)?;
                if let (Key::Number(a), Key::Number(b)) = (key_of(&lo), key_of(&hi))
                    && a > b
                {
                    self.error(msg::invalid_cell(
                        *span,
                        &column,
                        "the range is empty: its start is above its end",
                    ));
                    return None;
                }
                Some(Cell::Range(lo, hi))
            }
        }
    }

    /// One representative value per piece of the column's domain.
    fn representatives(&self, column: usize, ty: &Type, rows: &[TableRow]) -> Vec<Key> {
        match ty {
            Type::Bool => vec![Key::Bool(false), Key::Bool(true)],
            Type::Enum(id) => {
                let n = self
                    .program
                    .enum_info(*id)
                    .map(|e| e.variants.len())
                    .unwrap_or(0);
                (0..n)
                    .map(|i| Key::Variant(u32::try_from(i).unwrap_or(u32::MAX)))
                    .collect()
            }
            Type::Text => {
                let mut keys: Vec<Key> = Vec::new();
                for row in rows {
                    if let Some(cell) = row.cells.get(column) {
                        for c in cell_constants(cell) {
                            let k = key_of(c);
                            if !keys.contains(&k) {
                                keys.push(k);
                            }
                        }
                    }
                }
                keys.push(Key::Text(None));
                keys
            }
            _ => {
                let mut points: Vec<Decimal> = Vec::new();
                for row in rows {
                    if let Some(cell) = row.cells.get(column) {
                        for c in cell_constants(cell) {
                            if let Key::Number(n) = key_of(c) {
                                points.push(n);
                            }
                        }
                    }
                }
                points.sort();
                points.dedup();
                // Table inputs are stored values, so a column of a type with
                // a storage scale moves in steps of that scale: between
                // 25000 SEK and 25000.01 SEK there is nothing.
                let granularity: Option<Decimal> = if *ty == Type::Date {
                    Some(Decimal::ONE)
                } else {
                    match super::scale::storage_scale(ty) {
                        Some(s) if s < super::scale::MAX_DECIMAL_SCALE => Some(Decimal::new(1, s)),
                        _ => None,
                    }
                };
                let mut keys: Vec<Decimal> = Vec::new();
                let (Some(first), Some(last)) = (points.first(), points.last()) else {
                    return vec![Key::Number(Decimal::ZERO)];
                };
                keys.push(first - Decimal::ONE);
                keys.push(last + Decimal::ONE);
                for pair in points.windows(2) {
                    if let [a, b] = pair {
                        match granularity {
                            Some(step) => {
                                // Only values strictly between the two points.
                                if a + step < *b {
                                    keys.push(a + step);
                                    keys.push(b - step);
                                }
                            }
                            None => keys.push((a + b) / Decimal::TWO),
                        }
                    }
                }
                keys.extend(points.iter().copied());
                keys.sort();
                keys.dedup();
                keys.into_iter().map(Key::Number).collect()
            }
        }
    }

    fn coverage(&mut self, table: &ast::Table, params: &[(String, Type)], rows: &[TableRow]) {
        let columns: Vec<Vec<Key>> = params
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| self.representatives(i, ty, rows))
            .collect();
        let total = columns
            .iter()
            .try_fold(1usize, |acc, c| acc.checked_mul(c.len().max(1)));
        match total {
            Some(n) if n <= MAX_COMBINATIONS => {}
            _ => return,
        }
        let mut reachable = vec![false; rows.len()];
        let mut uncovered: Vec<Vec<Key>> = Vec::new();
        let mut n_uncovered = 0usize;
        let mut index = vec![0usize; columns.len()];
        loop {
            let combination: Vec<&Key> = index
                .iter()
                .zip(&columns)
                .filter_map(|(i, c)| c.get(*i))
                .collect();
            let hit = rows.iter().position(|row| {
                row.cells
                    .iter()
                    .zip(&combination)
                    .all(|(cell, key)| cell_matches(cell, key))
            });
            match hit {
                Some(r) => {
                    if let Some(flag) = reachable.get_mut(r) {
                        *flag = true;
                    }
                }
                None => {
                    n_uncovered += 1;
                    if uncovered.len() < 3 {
                        uncovered.push(combination.into_iter().cloned().collect());
                    }
                }
            }
            // Next combination, odometer style.
            let mut position = 0;
            while let Some(i) = index.get_mut(position) {
                let len = columns.get(position).map(Vec::len).unwrap_or(1);
                *i += 1;
                if *i < len {
                    break;
                }
                *i = 0;
                position += 1;
            }
            if position >= index.len() {
                break;
            }
        }
        for (number, (row, reached)) in rows.iter().zip(&reachable).enumerate() {
            if !reached {
                self.error(msg::unreachable_row(row.span, number + 1));
            }
        }
        if n_uncovered > 0 {
            let examples: Vec<String> = uncovered
                .iter()
                .map(|keys| {
                    params
                        .iter()
                        .zip(keys)
                        .map(|((name, ty), key)| format!("`{name} = {}`", self.describe(ty, key)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            self.error(msg::table_not_covered(table.name.span, &examples));
        }
    }

    fn describe(&self, ty: &Type, key: &Key) -> String {
        match key {
            Key::Bool(b) => b.to_string(),
            Key::Variant(v) => match ty {
                Type::Enum(id) => self
                    .program
                    .enum_info(*id)
                    .and_then(|e| e.variants.get(*v as usize).cloned())
                    .unwrap_or_default(),
                _ => v.to_string(),
            },
            Key::Text(Some(t)) => format!("\"{t}\""),
            Key::Text(None) => "any other text".into(),
            Key::Number(n) => match ty {
                Type::Date => i32::try_from(n.trunc().mantissa())
                    .ok()
                    .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| n.to_string()),
                Type::Money => format!("{} SEK", n.normalize()),
                Type::Percent => format!("{} %", n.normalize()),
                Type::Hours => format!("{} h", n.normalize()),
                Type::Days => format!("{} days", n.normalize()),
                Type::Months => format!("{} months", n.normalize()),
                _ => n.normalize().to_string(),
            },
        }
    }
}

fn cell_constants(cell: &Cell) -> Vec<&Const> {
    match cell {
        Cell::Any => Vec::new(),
        Cell::OneOf(values) => values.iter().collect(),
        Cell::Compare(_, c) => vec![c],
        Cell::Range(a, b) => vec![a, b],
    }
}

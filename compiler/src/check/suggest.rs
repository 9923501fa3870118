//! "Did you mean" over many names without comparing with each one: the
//! names visible from a module, sorted once, searched as an implicit trie.
//!
//! [`super::scope::closest`] compares a name with every candidate, which is
//! right for a handful of candidates (builtins, locals) but made a file with
//! N unknown names cost N × N comparisons. [`NameIndex::closest`] gives the
//! same answer (the smallest edit distance within the typo limit, ties to
//! the smallest name) by walking the sorted names as a trie, one row of the
//! edit-distance table per trie node, and leaving every subtree whose
//! prefix is already too far. It searches at distance 1 first, then 2, and
//! so on up to the limit, so that a typo (the usual case) only walks the
//! few prefixes near the name. The number of rows per search is capped at
//! [`ROW_BUDGET`], which bounds the cost of one search in any input; no
//! realistic set of names comes near it. This module does not know where
//! the names come from or report anything.

/// Most table rows one search computes before it gives up and suggests
/// nothing: a bound on the cost of one unknown name whatever the names are.
pub(super) const ROW_BUDGET: usize = 200_000;

/// Names, sorted and without duplicates, as char vectors.
#[derive(Debug, Default)]
pub(super) struct NameIndex {
    names: Vec<Vec<char>>,
}

/// One search: the name sought and what the walk has found so far.
struct Search<'n> {
    query: Vec<char>,
    /// The largest distance accepted in this pass.
    threshold: usize,
    found: Option<&'n [char]>,
    rows_left: usize,
    /// The rows of the current path, one per depth, `query.len() + 1`
    /// apart: reused instead of allocating a row per trie node.
    rows: Vec<usize>,
}

impl NameIndex {
    pub(super) fn new<'a>(names: impl Iterator<Item = &'a str>) -> NameIndex {
        let mut names: Vec<Vec<char>> = names.map(|n| n.chars().collect()).collect();
        // Char order is the order of `str` (UTF-8 keeps code-point order), so
        // the first match of a walk in this order is the smallest name.
        names.sort();
        names.dedup();
        NameIndex { names }
    }

    /// The name closest to `name` (not `name` itself) within the typo limit
    /// of [`super::scope::closest`], with its distance; ties go to the
    /// smallest name. `rows` counts the table rows computed (for tests).
    pub(super) fn closest(&self, name: &str, rows: &mut usize) -> Option<(usize, String)> {
        let query: Vec<char> = name.chars().collect();
        let limit = (query.len() / 3).max(1);
        let mut search = Search {
            rows: (0..=query.len()).collect(),
            query,
            threshold: 0,
            found: None,
            rows_left: ROW_BUDGET,
        };
        for threshold in 1..=limit {
            search.threshold = threshold;
            self.walk(&self.names, 0, &mut search);
            if let Some(found) = search.found {
                *rows = rows.saturating_add(ROW_BUDGET - search.rows_left);
                return Some((threshold, found.iter().collect()));
            }
        }
        *rows = rows.saturating_add(ROW_BUDGET - search.rows_left);
        None
    }

    /// Walk the names of `group`, which share their first `depth` chars;
    /// row `depth` of `search.rows` is the edit-distance row of that prefix
    /// against the query. Returns false when the walk must stop (found, or
    /// out of budget).
    fn walk<'n>(&self, group: &'n [Vec<char>], depth: usize, search: &mut Search<'n>) -> bool {
        let width = search.query.len() + 1;
        let here = depth * width;
        if search.rows.len() < here + 2 * width {
            search.rows.resize(here + 2 * width, 0);
        }
        let mut rest = group;
        // The prefix itself, if it is a name, sorts first in its group.
        if let Some((first, others)) = rest.split_first()
            && first.len() == depth
        {
            let distance = search
                .rows
                .get(here + width - 1)
                .copied()
                .unwrap_or(usize::MAX);
            if distance > 0 && distance <= search.threshold {
                search.found = Some(first);
                return false;
            }
            rest = others;
        }
        while let Some(ch) = rest.first().and_then(|name| name.get(depth)).copied() {
            let end = rest.partition_point(|name| name.get(depth).is_some_and(|c| *c <= ch));
            let (children, after) = rest.split_at(end);
            rest = after;
            let Some(rows_left) = search.rows_left.checked_sub(1) else {
                return false;
            };
            search.rows_left = rows_left;
            let (before, after) = search.rows.split_at_mut(here + width);
            let row = before.get(here..).unwrap_or_default();
            let next = after.get_mut(..width).unwrap_or_default();
            let smallest = next_row(row, ch, &search.query, next);
            if smallest <= search.threshold && !self.walk(children, depth + 1, search) {
                return false;
            }
        }
        true
    }
}

/// Write into `next` the edit-distance row of `prefix + ch` from `row`, the
/// row of `prefix`; return its smallest value.
fn next_row(row: &[usize], ch: char, query: &[char], next: &mut [usize]) -> usize {
    let mut left = row.first().copied().unwrap_or(0).saturating_add(1);
    let mut smallest = left;
    if let Some(first) = next.first_mut() {
        *first = left;
    }
    for (j, q) in query.iter().enumerate() {
        let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
        let diagonal = row.get(j).copied().unwrap_or(usize::MAX);
        let value = above
            .saturating_add(1)
            .min(left.saturating_add(1))
            .min(diagonal.saturating_add(usize::from(*q != ch)));
        if let Some(cell) = next.get_mut(j + 1) {
            *cell = value;
        }
        smallest = smallest.min(value);
        left = value;
    }
    smallest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::scope::closest;

    fn names(n: usize) -> Vec<String> {
        let mut out: Vec<String> = (0..n).map(|i| format!("regel_{i}")).collect();
        out.extend(
            [
                "lön",
                "lönen",
                "löner",
                "grad",
                "garantibelopp",
                "a",
                "ab",
                "b",
                "x",
                "Money",
                "semesterdagar",
                "semesterlön",
                "sjuklön",
                "ålder",
                "år",
                "ar",
            ]
            .map(String::from),
        );
        out
    }

    #[test]
    fn same_answer_as_comparing_with_every_name() {
        let candidates = names(300);
        let index = NameIndex::new(candidates.iter().map(String::as_str));
        let queries = [
            "regl_12",
            "regel_1",
            "regel_299",
            "regel_3000",
            "rgel_",
            "lon",
            "löne",
            "lönn",
            "grd",
            "garantbelopp",
            "xx",
            "a",
            "c",
            "",
            "semesterlon",
            "sjuklon",
            "alder",
            "åår",
            "Mony",
            "okänd",
            "saknas_7",
            "r",
            "regel_",
            "regel",
            "egel_10",
        ];
        for query in queries {
            let mut rows = 0;
            let fast = index.closest(query, &mut rows).map(|(_, name)| name);
            let slow = closest(query, candidates.iter().map(String::as_str));
            assert_eq!(fast, slow, "query {query:?}");
        }
    }

    /// The checker's suggestions through each path that uses the index
    /// (a bare name, a call, a type, a record literal, `at` on a param),
    /// mixed with the short lists it adds (locals, builtins, built-in
    /// types), and a variant found through the variant index.
    #[test]
    fn the_checker_still_suggests_through_every_path() {
        let text = r#"module test.förslag

enum Steg { låg, hög }

record Anställd {
  lön: Money
}

param garantibelopp: Money {
  from 2020-01-01 = 1709 SEK
}

rule lönen(a: Anställd) -> Money = a.lön

rule bare(semesterdagar: Int) -> Int = semesterdagr + 1
rule item() -> Money = lönn
rule call(a: Anställd) -> Money = lönen_(a)
rule builtin() -> Int = rond(1)
rule type_(a: Anstäld) -> Int = 1
rule builtin_type() -> Mony = 1 SEK
rule literal() -> Money = lönen(Anställdd { lön: 1 SEK })
rule at_param() -> Money = garantibelop at 2026-01-01
rule far() -> Int = saknas_helt
rule variant() -> Steg = hög
"#;
        let mut sources = crate::Sources::new();
        sources.add("förslag.avtal", text);
        let compilation = crate::compile(&sources);
        let helps: Vec<(String, String)> = compilation
            .diagnostics
            .iter()
            .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
            .collect();
        let expected = [
            (
                "unknown name `semesterdagr`",
                "did you mean `semesterdagar`?",
            ),
            ("unknown name `lönn`", "did you mean `lönen`?"),
            ("unknown name `lönen_`", "did you mean `lönen`?"),
            ("unknown name `rond`", "did you mean `round`?"),
            ("unknown type `Anstäld`", "did you mean `Anställd`?"),
            ("unknown type `Mony`", "did you mean `Money`?"),
            ("unknown type `Anställdd`", "did you mean `Anställd`?"),
            (
                "unknown name `garantibelop`",
                "did you mean `garantibelopp`?",
            ),
            (
                "unknown name `saknas_helt`",
                "define it, or `use` the module that defines it",
            ),
        ];
        for (message, help) in expected {
            assert!(
                helps.iter().any(|(m, h)| m == message && h == help),
                "{message} / {help} not in {helps:#?}"
            );
        }
        assert_eq!(helps.len(), expected.len(), "{helps:#?}");
    }

    #[test]
    fn a_typo_reads_a_few_rows_not_every_name() {
        let candidates = names(100_000);
        let index = NameIndex::new(candidates.iter().map(String::as_str));
        let mut rows = 0;
        assert_eq!(
            index.closest("regl_54321", &mut rows).map(|(_, n)| n),
            Some("regel_54321".to_string())
        );
        // The names share the prefix `regel_` and then branch ten ways per
        // digit; a search at distance 1 follows the typo down, not 100,000
        // names.
        assert!(rows < 2_000, "{rows} rows");
        let mut rows = 0;
        assert_eq!(index.closest("saknas_4711", &mut rows), None);
        assert!(rows < 2_000, "{rows} rows");
    }
}

//! Unit tests of long-form grouping: which rows make one record, and the
//! problems each group carries.

use super::*;
use avtal_compiler::diagnostics::Code;

/// Per group: its place, its rows, and its errors (row, field, code).
type Grouped = Vec<(u64, Vec<u64>, Vec<(u64, String, Code)>)>;

/// Rows `id,salary,shift` as text; `!` makes a row that cannot be read,
/// with the cells after it read before it broke (`!7` knows its key).
fn group(rows: &[&str]) -> Grouped {
    let header = ["id", "salary", "shift"].map(String::from).to_vec();
    let mut grouper = Grouper::new(header, vec![0, 1]);
    let mut out = Vec::new();
    let mut drain = |grouper: &mut Grouper| {
        while let Some(group) = grouper.pop() {
            out.push((
                group.place.number,
                group.rows.iter().map(|(_, p)| p.number).collect(),
                group
                    .errors
                    .iter()
                    .map(|e| {
                        (
                            e.row.map_or(group.place.number, |r| r.number),
                            e.field.clone(),
                            e.message.code,
                        )
                    })
                    .collect(),
            ));
            grouper.recycle(group);
        }
    };
    for (index, row) in rows.iter().enumerate() {
        let place = RowPlace {
            number: index as u64 + 1,
            line: index as u64 + 2,
        };
        if let Some(cells) = row.strip_prefix('!') {
            // A broken row, with the cells read before it broke.
            let cells = csv::ByteRecord::from(
                cells
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>(),
            );
            grouper.push_unreadable(&cells, place, FieldError::new("", msg::not_utf8()));
        } else {
            let mut cells = csv::ByteRecord::from(row.split(',').collect::<Vec<_>>());
            grouper.push_row(&mut cells, place);
        }
        drain(&mut grouper);
    }
    grouper.finish();
    drain(&mut grouper);
    out
}

#[test]
fn consecutive_rows_with_one_key_are_one_record() {
    let groups = group(&["1,100,a", "1,100,b", "2,200,", "3,300,c", "3,300,d"]);
    assert_eq!(
        groups,
        vec![
            (1, vec![1, 2], vec![]),
            (3, vec![3], vec![]),
            (4, vec![4, 5], vec![]),
        ]
    );
}

#[test]
fn a_record_column_that_changes_is_an_error_at_its_row() {
    let groups = group(&["1,100,a", "1,100,b", "1,101,c", "2,200,x"]);
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].1, vec![1, 2, 3]);
    assert_eq!(
        groups[0].2,
        vec![(3, "salary".to_string(), Code::GroupDisagrees)]
    );
    assert!(groups[1].2.is_empty());
}

#[test]
fn a_key_that_comes_back_after_other_rows_is_a_split_group() {
    let groups = group(&["1,100,a", "2,200,b", "1,100,c", "1,100,d", "3,300,e"]);
    assert_eq!(groups.len(), 4);
    assert!(groups[0].2.is_empty());
    assert_eq!(groups[2].1, vec![3, 4]);
    assert_eq!(groups[2].2, vec![(3, "id".to_string(), Code::GroupSplit)]);
    assert!(groups[3].2.is_empty());
}

#[test]
fn text_keys_and_unordered_numbers_are_remembered_exactly() {
    // 10 and 12 are seen, 11 is not: runs must not cover the gap.
    let groups = group(&[
        "10,1,a", "12,1,a", "11,1,a", "E7,1,a", "e7,1,a", "E7,1,b", "007,1,a", "7,1,a", "-1,1,a",
        "0,1,a", "-1,1,b", "11,1,c",
    ]);
    let split: Vec<u64> = groups
        .iter()
        .filter(|(_, _, errors)| errors.iter().any(|e| e.2 == Code::GroupSplit))
        .map(|(place, _, _)| *place)
        .collect();
    assert_eq!(split, vec![6, 11, 12]);
}

#[test]
fn a_broken_row_inside_a_record_fails_that_record() {
    let groups = group(&["1,100,a", "!", "1,100,b", "2,200,c"]);
    assert_eq!(
        groups,
        vec![
            (1, vec![1, 3], vec![(2, String::new(), Code::MalformedRow)]),
            (4, vec![4], vec![]),
        ]
    );
}

#[test]
fn a_broken_row_between_records_stands_alone() {
    let groups = group(&["!", "1,100,a", "!", "!", "2,200,b", "!"]);
    let places: Vec<(u64, usize, usize)> = groups
        .iter()
        .map(|(place, rows, errors)| (*place, rows.len(), errors.len()))
        .collect();
    assert_eq!(
        places,
        vec![
            (1, 0, 1),
            (2, 1, 0),
            (3, 0, 1),
            (4, 0, 1),
            (5, 1, 0),
            (6, 0, 1)
        ]
    );
}

#[test]
fn a_broken_row_that_knows_its_key_joins_that_record() {
    let groups = group(&["1,100,a", "!1", "2,200,b", "!3", "!2,200", "4,400,c"]);
    assert_eq!(
        groups,
        vec![
            (1, vec![1], vec![(2, String::new(), Code::MalformedRow)]),
            (3, vec![3], vec![]),
            (4, vec![], vec![(4, String::new(), Code::MalformedRow)]),
            (
                5,
                vec![],
                vec![
                    (5, "id".to_string(), Code::GroupSplit),
                    (5, String::new(), Code::MalformedRow)
                ]
            ),
            (6, vec![6], vec![]),
        ]
    );
}

#[test]
fn runs_of_numbers_merge_from_both_sides() {
    let mut seen = SeenKeys::default();
    for key in ["1", "3", "2", "5", "4", "-2", "-1", "0"] {
        assert!(!seen.contains(key.as_bytes()), "{key}");
        seen.insert(key.as_bytes());
    }
    assert_eq!(seen.runs.len(), 1);
    assert_eq!(seen.runs.get(&-2), Some(&5));
    assert!(seen.contains(b"5") && !seen.contains(b"6") && !seen.contains(b"-3"));
    seen.insert(i64::MAX.to_string().as_bytes());
    seen.insert(i64::MIN.to_string().as_bytes());
    assert!(seen.contains(i64::MAX.to_string().as_bytes()));
    assert!(!seen.contains(b"9223372036854775808"));
    assert!(seen.texts.is_empty());
}

//! Edit distance and "did you mean": the one rule for what counts as a
//! likely typo, shared by the checker (names, fields, modules) and the
//! wording of data errors (a column or key that is no field), so neither
//! depends on the other for it.

/// Levenshtein distance over chars, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b_chars.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = usize::from(ca != *cb);
            let value = (above.saturating_add(1))
                .min(left.saturating_add(1))
                .min(previous_diagonal.saturating_add(cost));
            previous_diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// The candidate closest to `name`, if close enough to be a likely typo.
/// Compares with every candidate: for a few names. The checker's many
/// top-level names go through `check::suggest::NameIndex`.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<String> {
    closest_with_distance(name, candidates).map(|(_, c)| c)
}

/// [`closest`] with its edit distance.
pub(crate) fn closest_with_distance<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<(usize, String)> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.cmp(b))
        .map(|(d, c)| (d, c.to_string()))
}

/// [`closest`] for names whose case is a usual slip (enum variants: `Helg`
/// for `helg`): a candidate equal but for case wins over any typo.
pub fn closest_ignoring_case<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str> + Clone,
) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .clone()
        .find(|c| *c != name && c.to_lowercase() == lower)
        .map(str::to_owned)
        .or_else(|| closest(name, candidates))
}

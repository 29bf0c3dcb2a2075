//! "Did you mean:" suggestions for an UndefinedFunctionError, as Elixir 1.14's
//! `UndefinedFunctionError` blame computes them: the same name with other arities
//! when there is one, otherwise every export whose name is at least 0.77 similar
//! (Jaro distance) to the missing one; the five closest, listed by name.

use crate::term::Atom;

/// Similarity threshold of Elixir's suggestions.
const FUNCTION_THRESHOLD: f64 = 0.77;
/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 5;

/// The Jaro distance between two strings (1.0 identical, 0.0 nothing in common), over
/// characters, as `String.jaro_distance/2`.
pub fn jaro_distance(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = vec![false; b.len()];
    let mut a_matches = Vec::new();
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == *ca {
                b_used[j] = true;
                a_matches.push(*ca);
                break;
            }
        }
    }
    let m = a_matches.len();
    if m == 0 {
        return 0.0;
    }
    let b_matches: Vec<char> = b.iter().zip(&b_used).filter(|(_, used)| **used).map(|(c, _)| *c).collect();
    let transpositions = a_matches.iter().zip(&b_matches).filter(|(x, y)| x != y).count() / 2;
    let m = m as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0
}

/// The text Elixir appends to the banner of `module.name/arity` being undefined, given
/// the module's exports: `". Did you mean:\n\n      * map/2\n"`, or empty.
pub fn did_you_mean(name: Atom, exports: &[(Atom, u32)]) -> String {
    let mut found: Vec<(f64, &str, u32)> = exports.iter().filter(|(n, _)| *n == name).map(|(n, a)| (1.0, n.as_str(), *a)).collect();
    if found.is_empty() {
        found = exports
            .iter()
            .map(|(n, a)| (jaro_distance(name.as_str(), n.as_str()), n.as_str(), *a))
            .filter(|(d, _, _)| *d >= FUNCTION_THRESHOLD)
            .collect();
    }
    if found.is_empty() {
        return String::new();
    }
    found.sort_by(|x, y| y.0.total_cmp(&x.0));
    found.truncate(MAX_SUGGESTIONS);
    found.sort_by(|x, y| x.1.cmp(y.1).then(x.2.cmp(&y.2)));
    let lines: Vec<String> = found.iter().map(|(_, n, a)| format!("      * {n}/{a}")).collect();
    format!(". Did you mean:\n\n{}\n", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_matches_the_classic_examples() {
        assert!((jaro_distance("martha", "marhta") - 0.9444).abs() < 1e-3);
        assert!((jaro_distance("dixon", "dicksonx") - 0.7667).abs() < 1e-3);
        assert_eq!(jaro_distance("abc", ""), 0.0);
    }

    #[test]
    fn same_name_other_arities_come_first_then_close_names() {
        let a = Atom::new;
        let exports = vec![(a("hello"), 1), (a("hello"), 2), (a("help"), 2), (a("zzz"), 0)];
        assert_eq!(did_you_mean(a("helo"), &exports), ". Did you mean:\n\n      * hello/1\n      * hello/2\n      * help/2\n");
        assert_eq!(did_you_mean(a("hello"), &exports[..1]), ". Did you mean:\n\n      * hello/1\n");
        assert_eq!(did_you_mean(a("other"), &exports), "");
    }
}

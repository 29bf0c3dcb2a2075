//! [`Pattern`]: the head of a match specification (or a `match/2` pattern), compiled.
//!
//! In a pattern `:_` matches anything, `:"$N"` binds variable N on its first
//! occurrence and must equal (exactly, `=:=`) the bound value on later ones, and
//! everything else matches itself exactly. Maps match when they hold at least the
//! pattern's keys. Ground sub-terms compile to one constant compare.

use crate::term::{Term, TermMap};

/// A compiled pattern. Variables are dense slots (see [`Variables`]).
#[derive(Debug, Clone)]
pub enum Pattern {
    /// `:_`.
    Any,
    /// The first occurrence of a variable: binds the slot.
    Bind(usize),
    /// A later occurrence: must equal the slot's value exactly.
    Same(usize),
    /// A ground term: must equal it exactly.
    Const(Term),
    /// A tuple of the same size whose elements match.
    Tuple(Vec<Pattern>),
    /// A list cell.
    Cons(Box<Pattern>, Box<Pattern>),
    /// A map holding at least these (constant) keys with matching values.
    Map(Vec<(Term, Pattern)>),
}

/// The variables of one pattern: slot `i` is `:"$N"` with `N = numbers[i]`, slots in
/// order of first occurrence (the order matching meets them).
#[derive(Debug, Clone, Default)]
pub struct Variables {
    numbers: Vec<u32>,
}

impl Variables {
    /// The slot of variable `n`, if the pattern binds it.
    pub fn slot_of(&self, n: u32) -> Option<usize> {
        self.numbers.iter().position(|&m| m == n)
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// True when the pattern binds no variable.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// Slots sorted by variable number: the order of `:"$$"` and of `match/2` results.
    pub fn in_number_order(&self) -> Vec<usize> {
        let mut slots: Vec<usize> = (0..self.numbers.len()).collect();
        slots.sort_by_key(|&s| self.numbers[s]);
        slots
    }
}

/// The pattern compiled from a bad term (a variable as a map key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

/// `Some(N)` if `t` is the atom `:"$N"`.
pub fn variable_number(t: &Term) -> Option<u32> {
    let name = t.as_atom()?.as_str();
    let digits = name.strip_prefix('$')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl Pattern {
    /// Compiles `t`, recording its variables in `vars`.
    pub fn compile(t: &Term, vars: &mut Variables) -> Result<Pattern, BadPattern> {
        let p = match t {
            Term::Atom(a) if a.as_str() == "_" => Pattern::Any,
            Term::Atom(_) => match variable_number(t) {
                Some(n) => match vars.slot_of(n) {
                    Some(slot) => Pattern::Same(slot),
                    None => {
                        vars.numbers.push(n);
                        Pattern::Bind(vars.numbers.len() - 1)
                    }
                },
                None => Pattern::Const(t.clone()),
            },
            Term::Tuple(items) => {
                let parts = items
                    .iter()
                    .map(|i| Pattern::compile(i, vars))
                    .collect::<Result<Vec<_>, _>>()?;
                if parts.iter().all(|p| matches!(p, Pattern::Const(_))) {
                    Pattern::Const(t.clone())
                } else {
                    Pattern::Tuple(parts)
                }
            }
            Term::Cons(cell) => {
                let head = Pattern::compile(&cell.head, vars)?;
                let tail = Pattern::compile(&cell.tail, vars)?;
                match (&head, &tail) {
                    (Pattern::Const(_), Pattern::Const(_)) => Pattern::Const(t.clone()),
                    _ => Pattern::Cons(Box::new(head), Box::new(tail)),
                }
            }
            Term::Map(m) => {
                let mut entries = Vec::with_capacity(m.len());
                for (k, v) in m.iter() {
                    if contains_variable(k) {
                        return Err(BadPattern);
                    }
                    entries.push((k.clone(), Pattern::compile(v, vars)?));
                }
                Pattern::Map(entries)
            }
            _ => Pattern::Const(t.clone()),
        };
        Ok(p)
    }

    /// Matches `t`, binding slots in `bindings` (which has one entry per slot).
    /// Bindings borrow from `t`: matching a row copies nothing.
    pub fn matches<'t>(&self, t: &'t Term, bindings: &mut [Option<&'t Term>]) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Bind(slot) => {
                bindings[*slot] = Some(t);
                true
            }
            Pattern::Same(slot) => bindings[*slot].is_some_and(|b| b == t),
            Pattern::Const(c) => c == t,
            Pattern::Tuple(parts) => match t {
                Term::Tuple(items) if items.len() == parts.len() => {
                    parts.iter().zip(items.iter()).all(|(p, i)| p.matches(i, bindings))
                }
                _ => false,
            },
            Pattern::Cons(head, tail) => match t {
                Term::Cons(cell) => {
                    head.matches(&cell.head, bindings) && tail.matches(&cell.tail, bindings)
                }
                _ => false,
            },
            Pattern::Map(entries) => match t {
                Term::Map(m) => entries.iter().all(|(k, p)| map_value(m, k).is_some_and(|v| p.matches(v, bindings))),
                _ => false,
            },
        }
    }

    /// The pattern for the key at 1-based `keypos` when this is a tuple pattern.
    pub fn key_pattern(&self, keypos: usize) -> Option<KeyPattern<'_>> {
        match self {
            Pattern::Const(Term::Tuple(items)) => items.get(keypos - 1).map(KeyPattern::Bound),
            Pattern::Tuple(parts) => parts.get(keypos - 1).map(|p| match p {
                Pattern::Const(c) => KeyPattern::Bound(c),
                Pattern::Tuple(elems) => {
                    let prefix: Vec<Term> = elems
                        .iter()
                        .map_while(|e| match e {
                            Pattern::Const(c) => Some(c.clone()),
                            _ => None,
                        })
                        .collect();
                    if prefix.is_empty() {
                        KeyPattern::Unbound
                    } else {
                        KeyPattern::TuplePrefix { size: elems.len(), prefix }
                    }
                }
                _ => KeyPattern::Unbound,
            }),
            _ => None,
        }
    }
}

/// What a pattern says about the key, used to avoid a full scan.
#[derive(Debug, Clone)]
pub enum KeyPattern<'a> {
    /// The key is this ground term: one key lookup.
    Bound(&'a Term),
    /// The key is a tuple of `size` elements starting with `prefix`: a range of an ordered_set.
    TuplePrefix {
        /// The key tuple's size.
        size: usize,
        /// Its constant leading elements (at least one).
        prefix: Vec<Term>,
    },
    /// Anything.
    Unbound,
}

fn map_value<'m>(m: &'m TermMap, k: &Term) -> Option<&'m Term> {
    m.get(k)
}

fn contains_variable(t: &Term) -> bool {
    match t {
        Term::Atom(a) => a.as_str() == "_" || variable_number(t).is_some(),
        Term::Tuple(items) => items.iter().any(contains_variable),
        Term::Cons(_) => t.list_iter().any(contains_variable),
        Term::Map(m) => m.iter().any(|(k, v)| contains_variable(k) || contains_variable(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(t: &Term) -> (Pattern, Variables) {
        let mut vars = Variables::default();
        let p = Pattern::compile(t, &mut vars).expect("pattern compiles");
        (p, vars)
    }

    #[test]
    fn variables_bind_and_repeat_exactly() {
        let (p, vars) = compile(&Term::tuple(vec![Term::atom("_"), Term::atom("$1"), Term::atom("$1")]));
        let mut b = vec![None; vars.len()];
        let eve = Term::tuple(vec![Term::atom("eve"), Term::Int(25), Term::Int(25)]);
        assert!(p.matches(&eve, &mut b));
        assert_eq!(b[0], Some(&Term::Int(25)));
        let mixed = Term::tuple(vec![Term::atom("x"), Term::Int(25), Term::Float(25.0)]);
        assert!(!p.matches(&mixed, &mut b));
    }

    #[test]
    fn arity_must_agree_and_ground_tuples_collapse() {
        let (p, _) = compile(&Term::tuple(vec![Term::atom("bob"), Term::Int(1)]));
        assert!(matches!(p, Pattern::Const(_)));
        let (p, _) = compile(&Term::tuple(vec![Term::atom("$1"), Term::atom("_")]));
        assert!(!p.matches(&Term::tuple(vec![Term::Int(1)]), &mut [None]));
    }

    #[test]
    fn map_patterns_match_subsets_and_reject_variable_keys() {
        let pat = Term::map([(Term::atom("type"), Term::atom("compute"))]);
        let (p, _) = compile(&pat);
        let row = Term::map([(Term::atom("type"), Term::atom("compute")), (Term::atom("id"), Term::Int(1))]);
        assert!(p.matches(&row, &mut []));
        let bad = Term::map([(Term::atom("$1"), Term::Int(1))]);
        assert_eq!(Pattern::compile(&bad, &mut Variables::default()).err(), Some(BadPattern));
    }

    #[test]
    fn number_order_differs_from_occurrence_order() {
        let (_, vars) = compile(&Term::tuple(vec![Term::atom("$2"), Term::atom("$1")]));
        assert_eq!(vars.in_number_order(), vec![1, 0]);
    }

    #[test]
    fn key_prefix_is_found() {
        let key = Term::tuple(vec![Term::Int(5), Term::atom("_")]);
        let (p, _) = compile(&Term::tuple(vec![key, Term::atom("$1")]));
        match p.key_pattern(1) {
            Some(KeyPattern::TuplePrefix { size, prefix }) => {
                assert_eq!(size, 2);
                assert_eq!(prefix, vec![Term::Int(5)]);
            }
            other => panic!("expected a prefix, got {other:?}"),
        }
    }
}

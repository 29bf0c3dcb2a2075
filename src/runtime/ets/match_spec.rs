//! [`MatchSpec`]: a match specification `[{head, guards, body}]`, compiled once per call.
//!
//! `match/2`, `match_object/2` and `match_delete/2` are select calls whose body is
//! `[:"$$"]`, `[:"$_"]` and `[true]` ([`MatchSpec::from_pattern`]).

use super::expr::{Expr, Scope};
use super::pattern::{KeyPattern, Pattern, Variables};
use crate::term::{ATOMS, Pid, Term};

/// One clause `{head, guards, body}`.
#[derive(Debug, Clone)]
struct Clause {
    head: Pattern,
    vars: Variables,
    number_order: Vec<usize>,
    guards: Vec<Expr>,
    body: Vec<Expr>,
}

/// A compiled match specification.
#[derive(Debug, Clone)]
pub struct MatchSpec {
    clauses: Vec<Clause>,
}

/// The term is not a valid match specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSpec;

/// The body `match/2` family functions use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternBody {
    /// `match/2`: the bindings, `[:"$$"]`.
    Bindings,
    /// `match_object/2`: the object, `[:"$_"]`.
    Object,
    /// `match_delete/2`: `[true]`.
    True,
}

impl PatternBody {
    /// The body expression as a term.
    pub fn term(self) -> Term {
        match self {
            PatternBody::Bindings => Term::atom("$$"),
            PatternBody::Object => Term::atom("$_"),
            PatternBody::True => Term::bool(true),
        }
    }
}

impl MatchSpec {
    /// Compiles a specification term (a proper list of 3-tuples).
    pub fn compile(spec: &Term) -> Result<MatchSpec, BadSpec> {
        let items = spec.list_to_vec().ok_or(BadSpec)?;
        let clauses = items.iter().map(compile_clause).collect::<Result<Vec<_>, _>>()?;
        Ok(MatchSpec { clauses })
    }

    /// The specification `[{pattern, [], [body]}]`.
    pub fn from_pattern(pattern: &Term, body: PatternBody) -> Result<MatchSpec, BadSpec> {
        MatchSpec::compile(&MatchSpec::pattern_spec_term(pattern, body.term()))
    }

    /// The specification term for a pattern and a one-expression body.
    pub fn pattern_spec_term(pattern: &Term, body: Term) -> Term {
        Term::list(vec![Term::tuple(vec![pattern.clone(), Term::Nil, Term::list(vec![body])])])
    }

    /// Runs the spec on `object`: the first clause whose head matches and whose guards
    /// all give `true` produces its last body expression's value (`:EXIT` if that
    /// fails). `None` when no clause applies.
    pub fn run(&self, object: &Term, caller: Pid) -> Option<Term> {
        self.run_with(object, caller, |body, scope| {
            let mut value = None;
            for expr in body {
                match expr.eval(scope) {
                    Ok(v) => value = Some(v),
                    Err(_) => return Some(Term::Atom(ATOMS.exit_)),
                }
            }
            value
        })
    }

    /// True when `run` gives exactly `true` (what select_count/select_delete count).
    pub fn selects_true(&self, object: &Term, caller: Pid) -> bool {
        self.run_with(object, caller, |body, scope| {
            let (last, before) = body.split_last()?;
            // Every body expression runs (an earlier failure makes the result `:EXIT`).
            if before.iter().any(|e| e.eval(scope).is_err()) {
                return Some(false);
            }
            Some(last.is_true(scope))
        }) == Some(true)
    }

    /// Finds the first clause that applies to `object` and hands its body and scope to
    /// `body`. Bindings borrow from `object` and live on the stack for the usual few
    /// variables, so testing a row allocates nothing.
    fn run_with<R>(&self, object: &Term, caller: Pid, body: impl Fn(&[Expr], &Scope<'_>) -> Option<R>) -> Option<R> {
        const INLINE: usize = 16;
        for clause in &self.clauses {
            let n = clause.vars.len();
            let mut inline = [None; INLINE];
            let mut spilled;
            let bindings: &mut [Option<&Term>] = if n <= INLINE {
                &mut inline[..n]
            } else {
                spilled = vec![None; n];
                &mut spilled
            };
            if !clause.head.matches(object, bindings) {
                continue;
            }
            let scope = Scope { object, bindings, number_order: &clause.number_order, caller };
            if !clause.guards.iter().all(|g| g.is_true(&scope)) {
                continue;
            }
            return body(&clause.body, &scope);
        }
        None
    }

    /// What a one-clause spec says about the key at `keypos`, so the table can look
    /// up or range-scan instead of scanning everything. Several clauses scan.
    pub fn key_pattern(&self, keypos: usize) -> KeyPattern<'_> {
        match self.clauses.as_slice() {
            [only] => only.head.key_pattern(keypos).unwrap_or(KeyPattern::Unbound),
            _ => KeyPattern::Unbound,
        }
    }

    /// The number of clauses.
    pub fn len(&self) -> usize {
        self.clauses.len()
    }

    /// True for `[]` (which matches nothing).
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

fn compile_clause(t: &Term) -> Result<Clause, BadSpec> {
    let Term::Tuple(parts) = t else { return Err(BadSpec) };
    let [head, guards, body] = &parts[..] else { return Err(BadSpec) };
    let mut vars = Variables::default();
    let head = Pattern::compile(head, &mut vars).map_err(|_| BadSpec)?;
    let compile_list = |l: &Term| -> Result<Vec<Expr>, BadSpec> {
        l.list_to_vec()
            .ok_or(BadSpec)?
            .iter()
            .map(|e| Expr::compile(e, &vars).map_err(|_| BadSpec))
            .collect()
    };
    let guards = compile_list(guards)?;
    let body = compile_list(body)?;
    if body.is_empty() {
        return Err(BadSpec);
    }
    let number_order = vars.in_number_order();
    Ok(Clause { head, vars, number_order, guards, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuple(items: Vec<Term>) -> Term {
        Term::tuple(items)
    }

    fn player(id: i64, name: &str, score: i64) -> Term {
        tuple(vec![Term::Int(id), Term::string(name), Term::Int(score)])
    }

    fn spec(head: Term, guards: Vec<Term>, body: Vec<Term>) -> MatchSpec {
        let t = Term::list(vec![tuple(vec![head, Term::list(guards), Term::list(body)])]);
        MatchSpec::compile(&t).expect("valid spec")
    }

    fn vars3() -> Term {
        tuple(vec![Term::atom("$1"), Term::atom("$2"), Term::atom("$3")])
    }

    #[test]
    fn guard_selects_and_bodies_build_results() {
        let gt = tuple(vec![Term::atom(">"), Term::atom("$3"), Term::Int(9000)]);
        let s = spec(vars3(), vec![gt.clone()], vec![Term::atom("$$")]);
        assert_eq!(
            s.run(&player(1, "ann", 9100), Pid(1)),
            Some(Term::list(vec![Term::Int(1), Term::string("ann"), Term::Int(9100)]))
        );
        assert_eq!(s.run(&player(2, "bob", 4200), Pid(1)), None);
        let s = spec(vars3(), vec![gt], vec![Term::atom("$_")]);
        assert_eq!(s.run(&player(1, "ann", 9100), Pid(1)), Some(player(1, "ann", 9100)));
    }

    #[test]
    fn guard_errors_are_false_body_errors_are_exit() {
        let bad = tuple(vec![Term::atom(">"), tuple(vec![Term::atom("+"), Term::atom("$2"), Term::Int(1)]), Term::Int(0)]);
        let s = spec(vars3(), vec![bad], vec![Term::atom("$1")]);
        assert_eq!(s.run(&player(1, "ann", 1), Pid(1)), None);
        let s = spec(vars3(), vec![], vec![tuple(vec![Term::atom("+"), Term::atom("$2"), Term::Int(1)])]);
        assert_eq!(s.run(&player(1, "ann", 1), Pid(1)), Some(Term::atom("EXIT")));
    }

    #[test]
    fn first_matching_clause_wins() {
        let t = Term::list(vec![
            tuple(vec![tuple(vec![Term::atom("$1"), Term::string("dee"), Term::atom("_")]), Term::Nil, Term::list(vec![Term::atom("$1")])]),
            tuple(vec![vars3(), Term::Nil, Term::list(vec![Term::atom("other")])]),
        ]);
        let s = MatchSpec::compile(&t).expect("valid");
        assert_eq!(s.run(&player(4, "dee", 150), Pid(1)), Some(Term::Int(4)));
        assert_eq!(s.run(&player(1, "ann", 150), Pid(1)), Some(Term::atom("other")));
    }

    #[test]
    fn bad_specs_are_rejected() {
        for bad in [
            Term::atom("bad"),
            Term::list(vec![Term::atom("bad")]),
            Term::list(vec![tuple(vec![vars3(), Term::Nil, Term::list(vec![Term::atom("$4")])])]),
            Term::list(vec![tuple(vec![vars3(), Term::list(vec![tuple(vec![Term::atom("foo"), Term::atom("$1")])]), Term::list(vec![Term::bool(true)])])]),
            Term::list(vec![tuple(vec![vars3(), Term::Nil, Term::Nil])]),
        ] {
            assert_eq!(MatchSpec::compile(&bad).err(), Some(BadSpec), "{bad:?}");
        }
    }

    #[test]
    fn match_delete_spec_selects_true() {
        let s = MatchSpec::from_pattern(&tuple(vec![Term::atom("_"), Term::string("Shopping")]), PatternBody::True)
            .expect("valid");
        assert!(s.selects_true(&tuple(vec![Term::Int(1), Term::string("Shopping")]), Pid(1)));
        assert!(!s.selects_true(&tuple(vec![Term::Int(1), Term::string("Climbing")]), Pid(1)));
    }
}

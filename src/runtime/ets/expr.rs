//! [`Expr`]: guard and body expressions of a match specification, compiled and evaluated.
//!
//! Terms in guards and bodies read as: `:"$N"` a bound variable, `:"$_"` the whole
//! object, `:"$$"` all bindings, `{{a, b}}` a tuple built from expressions,
//! `{:const, x}` the literal `x`, `{:fun, args...}` a guard function call, a list or
//! map of expressions, and anything else itself. Evaluation fails (`Err(Fail)`) where
//! Erlang's would raise: a failing guard is false, a failing body yields `:EXIT`.

use super::pattern::{Variables, variable_number};
use crate::term::order::compare;
use crate::term::value::{TupleArc, TupleItems};
use crate::term::{ATOMS, Pid, Term};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::borrow::Cow;
use std::cmp::Ordering;

/// A guard function a match specification may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Cmp(CmpOp),
    Add,
    Sub,
    Mul,
    FDiv,
    Div,
    Rem,
    Neg,
    Abs,
    And,
    Or,
    Xor,
    Not,
    Type(TypeTest),
    Element,
    Hd,
    Tl,
    Size,
    TupleSize,
    ByteSize,
    Length,
    MapGet,
    IsMapKey,
    MapSize,
    SelfPid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    ExactEq,
    ExactNe,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeTest {
    Atom,
    Integer,
    Float,
    Number,
    Binary,
    List,
    Tuple,
    Map,
    Pid,
    Reference,
    Function,
    Boolean,
}

fn lookup_func(name: &str, arity: usize) -> Option<Func> {
    use Func::*;
    let f = match (name, arity) {
        ("==", 2) => Cmp(CmpOp::Eq),
        ("/=", 2) => Cmp(CmpOp::Ne),
        ("=:=", 2) => Cmp(CmpOp::ExactEq),
        ("=/=", 2) => Cmp(CmpOp::ExactNe),
        ("<", 2) => Cmp(CmpOp::Lt),
        (">", 2) => Cmp(CmpOp::Gt),
        ("=<", 2) => Cmp(CmpOp::Le),
        (">=", 2) => Cmp(CmpOp::Ge),
        ("+", 2) => Add,
        ("-", 2) => Sub,
        ("*", 2) => Mul,
        ("/", 2) => FDiv,
        ("div", 2) => Div,
        ("rem", 2) => Rem,
        ("-", 1) => Neg,
        ("abs", 1) => Abs,
        ("and", 2) => And,
        ("or", 2) => Or,
        ("xor", 2) => Xor,
        ("not", 1) => Not,
        ("is_atom", 1) => Type(TypeTest::Atom),
        ("is_integer", 1) => Type(TypeTest::Integer),
        ("is_float", 1) => Type(TypeTest::Float),
        ("is_number", 1) => Type(TypeTest::Number),
        ("is_binary", 1) => Type(TypeTest::Binary),
        ("is_list", 1) => Type(TypeTest::List),
        ("is_tuple", 1) => Type(TypeTest::Tuple),
        ("is_map", 1) => Type(TypeTest::Map),
        ("is_pid", 1) => Type(TypeTest::Pid),
        ("is_reference", 1) => Type(TypeTest::Reference),
        ("is_function", 1) => Type(TypeTest::Function),
        ("is_boolean", 1) => Type(TypeTest::Boolean),
        ("element", 2) => Element,
        ("hd", 1) => Hd,
        ("tl", 1) => Tl,
        ("size", 1) => Size,
        ("tuple_size", 1) => TupleSize,
        ("byte_size", 1) => ByteSize,
        ("length", 1) => Length,
        ("map_get", 2) => MapGet,
        ("is_map_key", 2) => IsMapKey,
        ("map_size", 1) => MapSize,
        ("self", 0) => SelfPid,
        _ => return None,
    };
    Some(f)
}

/// A compiled guard or body expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A bound variable's slot.
    Var(usize),
    /// `:"$_"`: the matched object.
    Object,
    /// `:"$$"`: the bindings in variable-number order.
    Bindings,
    /// A literal.
    Const(Term),
    /// `{{...}}`: a tuple of evaluated elements.
    Tuple(Vec<Expr>),
    /// A list of evaluated elements with an evaluated tail.
    List(Vec<Expr>, Box<Expr>),
    /// A map with evaluated keys and values.
    Map(Vec<(Expr, Expr)>),
    /// `{:andalso, a, b, ...}`: short-circuit.
    AndAlso(Vec<Expr>),
    /// `{:orelse, a, b, ...}`: short-circuit.
    OrElse(Vec<Expr>),
    /// A guard function call.
    Call(FuncCall),
}

/// A call of a guard function (kept opaque: the function set is this module's business).
#[derive(Debug, Clone)]
pub struct FuncCall {
    func: Func,
    args: Vec<Expr>,
}

/// The expression term does not compile (unknown function, unbound variable...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadExpr;

/// Evaluation failed where Erlang would raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fail;

/// What an expression can see while evaluated.
pub struct Scope<'a> {
    /// The matched object.
    pub object: &'a Term,
    /// Slot values, borrowed from the object (all bound after a successful match).
    pub bindings: &'a [Option<&'a Term>],
    /// Slots in variable-number order, for `:"$$"`.
    pub number_order: &'a [usize],
    /// The calling process, for `self()`.
    pub caller: Pid,
}

impl Expr {
    /// Compiles `t`; variables must be bound by the head (`vars`).
    pub fn compile(t: &Term, vars: &Variables) -> Result<Expr, BadExpr> {
        Ok(match t {
            Term::Atom(a) => match a.as_str() {
                "$_" => Expr::Object,
                "$$" => Expr::Bindings,
                _ => match variable_number(t) {
                    Some(n) => Expr::Var(vars.slot_of(n).ok_or(BadExpr)?),
                    None => Expr::Const(t.clone()),
                },
            },
            Term::Tuple(items) => compile_tuple(items, vars)?,
            Term::Cons(_) => {
                let mut elems = Vec::new();
                let mut iter = t.list_iter();
                for item in iter.by_ref() {
                    elems.push(Expr::compile(item, vars)?);
                }
                let tail = Expr::compile(iter.rest(), vars)?;
                Expr::List(elems, Box::new(tail))
            }
            Term::Map(m) => Expr::Map(
                m.iter()
                    .map(|(k, v)| Ok((Expr::compile(k, vars)?, Expr::compile(v, vars)?)))
                    .collect::<Result<_, BadExpr>>()?,
            ),
            _ => Expr::Const(t.clone()),
        })
    }

    /// Evaluates the expression.
    pub fn eval(&self, s: &Scope<'_>) -> Result<Term, Fail> {
        self.value(s).map(Cow::into_owned)
    }

    /// True when the expression evaluates to `true` (a guard that fails is false).
    pub fn is_true(&self, s: &Scope<'_>) -> bool {
        matches!(self.value(s).as_deref(), Ok(Term::Atom(a)) if *a == ATOMS.true_)
    }

    /// Evaluates the expression, borrowing variables, the object and constants instead
    /// of copying them: a guard like `{:>, :"$2", 10}` then allocates and counts nothing.
    fn value<'s>(&'s self, s: &Scope<'s>) -> Result<Cow<'s, Term>, Fail> {
        Ok(match self {
            Expr::Var(slot) => Cow::Borrowed(s.bindings.get(*slot).copied().flatten().ok_or(Fail)?),
            Expr::Object => Cow::Borrowed(s.object),
            Expr::Const(t) => Cow::Borrowed(t),
            Expr::Bindings => Cow::Owned(Term::list(
                s.number_order.iter().filter_map(|&i| s.bindings.get(i).copied().flatten().cloned()).collect(),
            )),
            Expr::Tuple(items) => {
                // Collected straight into the tuple's items (a `Vec` first was an
                // allocation and a free per row a select returns).
                let items = items.iter().map(|e| e.eval(s)).collect::<Result<_, _>>()?;
                Cow::Owned(Term::Tuple(TupleArc::new(TupleItems(items))))
            }
            Expr::List(items, tail) => {
                let elems = items.iter().map(|e| e.eval(s)).collect::<Result<_, _>>()?;
                Cow::Owned(Term::list_with_tail(elems, tail.eval(s)?))
            }
            Expr::Map(entries) => Cow::Owned(Term::map(
                entries.iter().map(|(k, v)| Ok((k.eval(s)?, v.eval(s)?))).collect::<Result<Vec<_>, Fail>>()?,
            )),
            Expr::AndAlso(items) => {
                for e in items {
                    if !boolean(&*e.value(s)?)? {
                        return Ok(Cow::Owned(Term::bool(false)));
                    }
                }
                Cow::Owned(Term::bool(true))
            }
            Expr::OrElse(items) => {
                for e in items {
                    if boolean(&*e.value(s)?)? {
                        return Ok(Cow::Owned(Term::bool(true)));
                    }
                }
                Cow::Owned(Term::bool(false))
            }
            // Guard functions take at most two arguments (see `lookup_func`), so the
            // arguments live on the stack.
            Expr::Call(call) => Cow::Owned(match call.args.as_slice() {
                [] => apply(call.func, &[], s.caller)?,
                [a] => apply(call.func, &[&*a.value(s)?], s.caller)?,
                [a, b] => {
                    let a = a.value(s)?;
                    apply(call.func, &[&*a, &*b.value(s)?], s.caller)?
                }
                _ => return Err(Fail),
            }),
        })
    }
}

fn compile_tuple(items: &[Term], vars: &Variables) -> Result<Expr, BadExpr> {
    let compile_all = |ts: &[Term]| ts.iter().map(|i| Expr::compile(i, vars)).collect::<Result<Vec<_>, _>>();
    match items {
        [Term::Tuple(inner)] => Ok(Expr::Tuple(compile_all(inner)?)),
        [head, rest @ ..] => {
            let name = head.as_atom().ok_or(BadExpr)?.as_str();
            match (name, rest) {
                ("const", [x]) => Ok(Expr::Const(x.clone())),
                ("andalso", args) if !args.is_empty() => Ok(Expr::AndAlso(compile_all(args)?)),
                ("orelse", args) if !args.is_empty() => Ok(Expr::OrElse(compile_all(args)?)),
                _ => {
                    let func = lookup_func(name, rest.len()).ok_or(BadExpr)?;
                    Ok(Expr::Call(FuncCall { func, args: compile_all(rest)? }))
                }
            }
        }
        [] => Err(BadExpr),
    }
}

fn boolean(t: &Term) -> Result<bool, Fail> {
    match t {
        Term::Atom(a) if *a == ATOMS.true_ => Ok(true),
        Term::Atom(a) if *a == ATOMS.false_ => Ok(false),
        _ => Err(Fail),
    }
}

fn apply(func: Func, args: &[&Term], caller: Pid) -> Result<Term, Fail> {
    use Func::*;
    if let [Term::Int(x), Term::Int(y)] = args
        && let Some(t) = small_int_apply(func, *x, *y)
    {
        return Ok(t);
    }
    let arg = |i: usize| args.get(i).copied().ok_or(Fail);
    match func {
        Cmp(op) => {
            let (a, b) = (arg(0)?, arg(1)?);
            let r = match op {
                CmpOp::Eq => a.loose_eq(b),
                CmpOp::Ne => !a.loose_eq(b),
                CmpOp::ExactEq => a == b,
                CmpOp::ExactNe => a != b,
                CmpOp::Lt => compare(a, b, false) == Ordering::Less,
                CmpOp::Gt => compare(a, b, false) == Ordering::Greater,
                CmpOp::Le => compare(a, b, false) != Ordering::Greater,
                CmpOp::Ge => compare(a, b, false) != Ordering::Less,
            };
            Ok(Term::bool(r))
        }
        Add | Sub | Mul | FDiv | Div | Rem => arith(func, arg(0)?, arg(1)?),
        Neg => arith(Sub, &Term::Int(0), arg(0)?),
        Abs => match arg(0)? {
            Term::Int(i) => Ok(i.checked_abs().map(Term::Int).unwrap_or_else(|| Term::from_bigint(BigInt::from(*i).abs()))),
            Term::BigInt(b) => Ok(Term::from_bigint(b.abs())),
            Term::Float(f) => Ok(Term::Float(f.abs())),
            _ => Err(Fail),
        },
        And => Ok(Term::bool(boolean(arg(0)?)? & boolean(arg(1)?)?)),
        Or => Ok(Term::bool(boolean(arg(0)?)? | boolean(arg(1)?)?)),
        Xor => Ok(Term::bool(boolean(arg(0)?)? ^ boolean(arg(1)?)?)),
        Not => Ok(Term::bool(!boolean(arg(0)?)?)),
        Type(test) => Ok(Term::bool(type_test(test, arg(0)?))),
        Element => match (arg(0)?, arg(1)?) {
            (Term::Int(n), Term::Tuple(items)) if *n >= 1 => items.get(*n as usize - 1).cloned().ok_or(Fail),
            _ => Err(Fail),
        },
        Hd => match arg(0)? {
            Term::Cons(c) => Ok(c.head.clone()),
            _ => Err(Fail),
        },
        Tl => match arg(0)? {
            Term::Cons(c) => Ok(c.tail.clone()),
            _ => Err(Fail),
        },
        Size => match arg(0)? {
            Term::Tuple(items) => Ok(Term::Int(items.len() as i64)),
            Term::Binary(b) => Ok(Term::Int(b.len() as i64)),
            _ => Err(Fail),
        },
        TupleSize => match arg(0)? {
            Term::Tuple(items) => Ok(Term::Int(items.len() as i64)),
            _ => Err(Fail),
        },
        ByteSize => match arg(0)? {
            Term::Binary(b) => Ok(Term::Int(b.len() as i64)),
            _ => Err(Fail),
        },
        Length => arg(0)?.list_to_vec().map(|v| Term::Int(v.len() as i64)).ok_or(Fail),
        MapGet => match arg(1)? {
            Term::Map(m) => m.get(arg(0)?).cloned().ok_or(Fail),
            _ => Err(Fail),
        },
        IsMapKey => match arg(1)? {
            Term::Map(m) => Ok(Term::bool(m.contains_key(arg(0)?))),
            _ => Err(Fail),
        },
        MapSize => match arg(0)? {
            Term::Map(m) => Ok(Term::Int(m.len() as i64)),
            _ => Err(Fail),
        },
        SelfPid => Ok(Term::Pid(caller)),
    }
}

/// `func` on two small integers when the answer is a small integer or a boolean
/// (the usual guard, `{:==, {:rem, :"$2", 3}, 0}`), without the general number
/// tower; `None` (overflow, division by zero, another function) leaves it to `apply`.
/// Erlang's `div` and `rem` truncate toward zero, as Rust's `/` and `%` do.
#[inline]
fn small_int_apply(func: Func, x: i64, y: i64) -> Option<Term> {
    Some(match func {
        Func::Cmp(op) => Term::bool(match op {
            CmpOp::Eq | CmpOp::ExactEq => x == y,
            CmpOp::Ne | CmpOp::ExactNe => x != y,
            CmpOp::Lt => x < y,
            CmpOp::Gt => x > y,
            CmpOp::Le => x <= y,
            CmpOp::Ge => x >= y,
        }),
        Func::Add => Term::Int(x.checked_add(y)?),
        Func::Sub => Term::Int(x.checked_sub(y)?),
        Func::Mul => Term::Int(x.checked_mul(y)?),
        Func::Div => Term::Int(x.checked_div(y)?),
        Func::Rem => Term::Int(x.checked_rem(y)?),
        _ => return None,
    })
}

fn type_test(test: TypeTest, t: &Term) -> bool {
    match test {
        TypeTest::Atom => matches!(t, Term::Atom(_)),
        TypeTest::Integer => t.is_integer(),
        TypeTest::Float => matches!(t, Term::Float(_)),
        TypeTest::Number => t.is_number(),
        TypeTest::Binary => matches!(t, Term::Binary(_)),
        TypeTest::List => t.is_list(),
        TypeTest::Tuple => matches!(t, Term::Tuple(_)),
        TypeTest::Map => matches!(t, Term::Map(_)),
        TypeTest::Pid => matches!(t, Term::Pid(_)),
        TypeTest::Reference => matches!(t, Term::Ref(_)),
        TypeTest::Function => matches!(t, Term::Fun(_)),
        TypeTest::Boolean => t.is_boolean(),
    }
}

fn to_big(t: &Term) -> Option<BigInt> {
    match t {
        Term::Int(i) => Some(BigInt::from(*i)),
        Term::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

fn to_float(t: &Term) -> Option<f64> {
    match t {
        Term::Int(i) => Some(*i as f64),
        Term::BigInt(b) => b.to_f64(),
        Term::Float(f) => Some(*f),
        _ => None,
    }
}

/// Integer and float arithmetic with Erlang's rules: integers never overflow
/// (bignum promotion), `/` always gives a float, `div`/`rem` take integers only,
/// and a non-finite float result is an error.
fn arith(func: Func, a: &Term, b: &Term) -> Result<Term, Fail> {
    if !a.is_number() || !b.is_number() {
        return Err(Fail);
    }
    let both_int = a.is_integer() && b.is_integer();
    if both_int && func != Func::FDiv {
        if let (Term::Int(x), Term::Int(y)) = (a, b) {
            let fast = match func {
                Func::Add => x.checked_add(*y),
                Func::Sub => x.checked_sub(*y),
                Func::Mul => x.checked_mul(*y),
                Func::Div if *y != 0 => x.checked_div(*y),
                Func::Rem if *y != 0 => x.checked_rem(*y),
                _ => None,
            };
            if let Some(r) = fast {
                return Ok(Term::Int(r));
            }
        }
        let (x, y) = (to_big(a).ok_or(Fail)?, to_big(b).ok_or(Fail)?);
        let r = match func {
            Func::Add => x + y,
            Func::Sub => x - y,
            Func::Mul => x * y,
            Func::Div | Func::Rem if y.is_zero() => return Err(Fail),
            // Erlang's div and rem truncate toward zero.
            Func::Div => {
                let (q, _) = x.div_rem(&y);
                q
            }
            Func::Rem => {
                let (_, r) = x.div_rem(&y);
                r
            }
            _ => return Err(Fail),
        };
        return Ok(Term::from_bigint(r));
    }
    if matches!(func, Func::Div | Func::Rem) {
        return Err(Fail);
    }
    let (x, y) = (to_float(a).ok_or(Fail)?, to_float(b).ok_or(Fail)?);
    let r = match func {
        Func::Add => x + y,
        Func::Sub => x - y,
        Func::Mul => x * y,
        Func::FDiv if y == 0.0 => return Err(Fail),
        Func::FDiv => x / y,
        _ => return Err(Fail),
    };
    if r.is_finite() { Ok(Term::Float(r)) } else { Err(Fail) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &Term, object: &Term, bindings: &[Option<&Term>], vars: &Variables) -> Result<Term, Fail> {
        let e = Expr::compile(expr, vars).expect("compiles");
        let order = vars.in_number_order();
        e.eval(&Scope { object, bindings, number_order: &order, caller: Pid(1) })
    }

    #[test]
    fn the_small_integer_path_agrees_with_the_general_one() {
        let ints = [0, 1, -1, 3, -7, i64::MAX, i64::MIN];
        let funcs = ["==", "/=", "=:=", "=/=", "<", ">", "=<", ">=", "+", "-", "*", "div", "rem"];
        for name in funcs {
            let func = lookup_func(name, 2).expect("a guard function");
            for x in ints {
                for y in ints {
                    let (a, b) = (Term::Int(x), Term::Int(y));
                    let general = match func {
                        Func::Cmp(op) => Some(Term::bool(match op {
                            CmpOp::Eq => a.loose_eq(&b),
                            CmpOp::Ne => !a.loose_eq(&b),
                            CmpOp::ExactEq => a == b,
                            CmpOp::ExactNe => a != b,
                            CmpOp::Lt => compare(&a, &b, false) == Ordering::Less,
                            CmpOp::Gt => compare(&a, &b, false) == Ordering::Greater,
                            CmpOp::Le => compare(&a, &b, false) != Ordering::Greater,
                            CmpOp::Ge => compare(&a, &b, false) != Ordering::Less,
                        })),
                        _ => arith(func, &a, &b).ok(),
                    };
                    let fast = apply(func, &[&Term::Int(x), &Term::Int(y)], Pid(1)).ok();
                    // Overflow and division by zero leave the fast path for the general one.
                    if let Some(general) = general {
                        assert_eq!(fast, Some(general), "{name}({x}, {y})");
                    }
                }
            }
        }
    }

    fn call(name: &str, args: Vec<Term>) -> Term {
        let mut items = vec![Term::atom(name)];
        items.extend(args);
        Term::tuple(items)
    }

    #[test]
    fn arithmetic_promotes_and_divides_like_erlang() {
        let v = Variables::default();
        let o = Term::Nil;
        assert_eq!(eval(&call("+", vec![Term::Int(i64::MAX), Term::Int(1)]), &o, &[], &v).map(|t| t.is_integer()), Ok(true));
        assert_eq!(eval(&call("div", vec![Term::Int(-7), Term::Int(2)]), &o, &[], &v), Ok(Term::Int(-3)));
        assert_eq!(eval(&call("rem", vec![Term::Int(-7), Term::Int(2)]), &o, &[], &v), Ok(Term::Int(-1)));
        assert_eq!(eval(&call("/", vec![Term::Int(1), Term::Int(0)]), &o, &[], &v), Err(Fail));
        assert_eq!(eval(&call("+", vec![Term::atom("x"), Term::Int(1)]), &o, &[], &v), Err(Fail));
        assert_eq!(eval(&call("*", vec![Term::Float(1.5), Term::Int(2)]), &o, &[], &v), Ok(Term::Float(3.0)));
    }

    #[test]
    fn comparisons_use_loose_and_exact_equality() {
        let v = Variables::default();
        let o = Term::Nil;
        let one_f = Term::Float(1.0);
        assert_eq!(eval(&call("==", vec![Term::Int(1), one_f.clone()]), &o, &[], &v), Ok(Term::bool(true)));
        assert_eq!(eval(&call("=:=", vec![Term::Int(1), one_f]), &o, &[], &v), Ok(Term::bool(false)));
        assert_eq!(eval(&call("=<", vec![Term::Int(2), Term::atom("a")]), &o, &[], &v), Ok(Term::bool(true)));
    }

    #[test]
    fn short_circuit_skips_the_failing_operand() {
        let v = Variables::default();
        let o = Term::Nil;
        let failing = call("+", vec![Term::atom("x"), Term::Int(1)]);
        let e = call("orelse", vec![Term::bool(true), failing.clone()]);
        assert_eq!(eval(&e, &o, &[], &v), Ok(Term::bool(true)));
        let e = call("or", vec![Term::bool(true), failing]);
        assert_eq!(eval(&e, &o, &[], &v), Err(Fail));
    }

    #[test]
    fn builds_tuples_lists_and_constants() {
        let mut vars = Variables::default();
        let head = Term::tuple(vec![Term::atom("$1")]);
        crate::runtime::ets::pattern::Pattern::compile(&head, &mut vars).expect("head");
        let seven = Term::Int(7);
        let b = [Some(&seven)];
        let obj = Term::tuple(vec![Term::Int(7)]);
        let body = Term::tuple(vec![Term::tuple(vec![Term::atom("$1"), Term::atom("$_")])]);
        assert_eq!(eval(&body, &obj, &b, &vars), Ok(Term::pair(Term::Int(7), obj.clone())));
        let konst = call("const", vec![Term::tuple(vec![Term::atom("$1")])]);
        assert_eq!(eval(&konst, &obj, &b, &vars), Ok(Term::tuple(vec![Term::atom("$1")])));
        let list = Term::list(vec![Term::atom("$1"), Term::atom("x")]);
        assert_eq!(eval(&list, &obj, &b, &vars), Ok(Term::list(vec![Term::Int(7), Term::atom("x")])));
        assert_eq!(Expr::compile(&Term::atom("$2"), &vars).err(), Some(BadExpr));
        assert_eq!(Expr::compile(&call("foo", vec![Term::Int(1)]), &vars).err(), Some(BadExpr));
    }
}

//! Tests of the `:ets` natives. Expected values are what Elixir 1.14 printed for the
//! same calls (conformance cases 055-079 and probe scripts), transcribed as terms.

use super::*;
use crate::runtime::{Discard, ProcessContext, Runtime};
use crate::term::Ref;
use std::sync::Arc;

struct Harness {
    natives: NativeRegistry,
    runtime: Runtime,
    /// One live context per calling pid: dropping a context ends that process, and
    /// a process's end deletes the tables it owns.
    contexts: std::cell::RefCell<std::collections::HashMap<Pid, ProcessContext>>,
}

impl Harness {
    fn new() -> Harness {
        let mut natives = NativeRegistry::new();
        register(&mut natives);
        Harness { natives, runtime: Runtime::new(Arc::new(Discard)), contexts: Default::default() }
    }

    fn call(&self, pid: Pid, name: &str, args: Vec<Term>) -> NativeResult {
        let f = self
            .natives
            .get(Atom::new("ets"), Atom::new(name), args.len() as u32)
            .unwrap_or_else(|| panic!(":ets.{name}/{} is not registered", args.len()));
        let mut contexts = self.contexts.borrow_mut();
        let process = contexts.entry(pid).or_insert_with(|| ProcessContext::new(pid, self.runtime.clone()));
        let mut cx = NativeCtx { process, modules: crate::vm::modules::empty_for_tests(), group_leader: &mut None };
        f(&mut cx, &args)
    }

    /// Calls as the main process and expects a value.
    fn ok(&self, name: &str, args: Vec<Term>) -> Term {
        self.ok_as(MAIN, name, args)
    }

    fn ok_as(&self, pid: Pid, name: &str, args: Vec<Term>) -> Term {
        match self.call(pid, name, args) {
            Ok(t) => t,
            Err(c) => panic!(":ets.{name} failed: {c:?}"),
        }
    }

    /// Calls and expects an ArgumentError; returns its message.
    fn err_as(&self, pid: Pid, name: &str, args: Vec<Term>) -> String {
        match self.call(pid, name, args) {
            Err(Control::Raise(r)) => match r.reason.map_get_atom("message").and_then(Term::as_str) {
                Some(m) => m.to_string(),
                None if r.reason.is_atom_named("badarg") => "argument error".into(),
                None => panic!("unexpected raise {r:?}"),
            },
            other => panic!(":ets.{name} did not raise: {other:?}"),
        }
    }

    fn err(&self, name: &str, args: Vec<Term>) -> String {
        self.err_as(MAIN, name, args)
    }
}

const MAIN: Pid = Pid(100);
const OTHER: Pid = Pid(200);

fn a(s: &str) -> Term {
    Term::atom(s)
}
fn i(n: i64) -> Term {
    Term::Int(n)
}
fn s(x: &str) -> Term {
    Term::string(x)
}
fn t(items: Vec<Term>) -> Term {
    Term::tuple(items)
}
fn l(items: Vec<Term>) -> Term {
    Term::list(items)
}
fn spec(head: Term, guards: Vec<Term>, body: Vec<Term>) -> Term {
    l(vec![t(vec![head, l(guards), l(body)])])
}

fn arg_error(n: &str, text: &str) -> String {
    format!("errors were found at the given arguments:\n\n  * {n} argument: {text}\n")
}

#[test]
fn drill_my_cache_055() {
    let h = Harness::new();
    assert_eq!(h.ok("new", vec![a("my_cache"), l(vec![a("named_table"), a("public")])]), a("my_cache"));
    assert_eq!(h.ok("insert", vec![a("my_cache"), t(vec![a("user_1"), s("Alice")])]), Term::bool(true));
    assert_eq!(h.ok("lookup", vec![a("my_cache"), a("user_1")]), l(vec![t(vec![a("user_1"), s("Alice")])]));
    assert_eq!(h.ok("lookup", vec![a("my_cache"), a("user_2")]), Term::Nil);
    h.ok("insert", vec![a("my_cache"), t(vec![a("user_1"), s("Alicia")])]);
    h.ok_as(OTHER, "insert", vec![a("my_cache"), t(vec![a("user_2"), s("Bob")])]);
    assert_eq!(h.ok_as(OTHER, "lookup", vec![a("my_cache"), a("user_1")]), l(vec![t(vec![a("user_1"), s("Alicia")])]));
    assert_eq!(h.ok("info", vec![a("my_cache"), a("size")]), i(2));
}

#[test]
fn ordered_set_traversal_and_term_order_057() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("scores"), l(vec![a("ordered_set")])]);
    for (k, v) in [(30, "c"), (10, "a"), (20, "b"), (5, "z")] {
        h.ok("insert", vec![tab.clone(), t(vec![i(k), a(v)])]);
    }
    let rows = l(vec![t(vec![i(5), a("z")]), t(vec![i(10), a("a")]), t(vec![i(20), a("b")]), t(vec![i(30), a("c")])]);
    assert_eq!(h.ok("tab2list", vec![tab.clone()]), rows);
    assert_eq!(h.ok("first", vec![tab.clone()]), i(5));
    assert_eq!(h.ok("next", vec![tab.clone(), i(10)]), i(20));
    assert_eq!(h.ok("next", vec![tab.clone(), i(30)]), a("$end_of_table"));
    assert_eq!(h.ok("last", vec![tab.clone()]), i(30));
    assert_eq!(h.ok("prev", vec![tab.clone(), i(20)]), i(10));
    assert_eq!(h.ok("prev", vec![tab.clone(), i(5)]), a("$end_of_table"));
    assert_eq!(h.ok("next", vec![tab.clone(), i(11)]), i(20));
    assert_eq!(h.ok("prev", vec![tab.clone(), i(100)]), i(30));

    let mixed = h.ok("new", vec![a("mixed"), l(vec![a("ordered_set")])]);
    let keys = [s("str"), a("atom"), t(vec![i(1), i(2)]), i(42), l(vec![i(1)]), Term::Float(3.5)];
    let rows: Vec<Term> = keys.iter().enumerate().map(|(n, k)| t(vec![k.clone(), i(n as i64)])).collect();
    h.ok("insert", vec![mixed.clone(), l(rows)]);
    let order: Vec<Term> = h.ok("tab2list", vec![mixed]).list_iter().map(|r| match r {
        Term::Tuple(items) => items[0].clone(),
        _ => Term::Nil,
    }).collect();
    assert_eq!(order, vec![Term::Float(3.5), i(42), a("atom"), t(vec![i(1), i(2)]), l(vec![i(1)]), s("str")]);

    h.ok("insert", vec![tab.clone(), t(vec![Term::Float(10.0), a("float_key")])]);
    assert_eq!(h.ok("lookup", vec![tab.clone(), i(10)]), l(vec![t(vec![Term::Float(10.0), a("float_key")])]));
    assert_eq!(h.ok("info", vec![tab.clone(), a("size")]), i(4));

    let set = h.ok("new", vec![a("s"), l(vec![a("set")])]);
    h.ok("insert", vec![set.clone(), t(vec![i(10), a("int")])]);
    h.ok("insert", vec![set.clone(), t(vec![Term::Float(10.0), a("float")])]);
    assert_eq!(h.ok("info", vec![set.clone(), a("size")]), i(2));
    assert_eq!(h.ok("lookup", vec![set.clone(), i(10)]), l(vec![t(vec![i(10), a("int")])]));
    assert_eq!(h.err("next", vec![set, a("zz")]), arg_error("2nd", "not a key that exists in the table"));

    let q = h.ok("new", vec![a("queue"), l(vec![a("ordered_set")])]);
    h.ok("insert", vec![q.clone(), l(vec![
        t(vec![t(vec![i(5), i(1)]), a("normal_second")]),
        t(vec![t(vec![i(1), i(2)]), a("critical")]),
        t(vec![t(vec![i(5), i(0)]), a("normal_first")]),
        t(vec![t(vec![i(9), i(3)]), a("background")]),
    ])]);
    // A bound key prefix narrows the scan to the {5, _} range.
    let fives = h.ok("select", vec![q, spec(t(vec![t(vec![i(5), a("_")]), a("$1")]), vec![], vec![a("$1")])]);
    assert_eq!(fives, l(vec![a("normal_first"), a("normal_second")]));
}

#[test]
fn bag_and_duplicate_bag_058_059() {
    let h = Harness::new();
    let b = h.ok("new", vec![a("bag"), l(vec![a("bag")])]);
    for v in ["walk", "with", "me", "with"] {
        h.ok("insert", vec![b.clone(), t(vec![a("fire"), a(v)])]);
    }
    let fire = |v: &str| t(vec![a("fire"), a(v)]);
    assert_eq!(h.ok("lookup", vec![b.clone(), a("fire")]), l(vec![fire("walk"), fire("with"), fire("me")]));
    assert_eq!(h.ok("insert_new", vec![b.clone(), fire("again")]), Term::bool(false));
    h.ok("delete_object", vec![b.clone(), fire("with")]);
    assert_eq!(h.ok("lookup", vec![b.clone(), a("fire")]), l(vec![fire("walk"), fire("me")]));
    assert_eq!(h.ok("lookup_element", vec![b.clone(), a("fire"), i(2)]), l(vec![a("walk"), a("me")]));
    assert_eq!(
        h.err("update_counter", vec![b, a("fire"), i(1)]),
        arg_error("1st", "the table identifier refers to an ETS table of a type not supported by this operation")
    );

    let d = h.ok("new", vec![a("events"), l(vec![a("duplicate_bag")])]);
    let click = |v: &str| t(vec![a("click"), s(v)]);
    h.ok("insert", vec![d.clone(), l(vec![click("home"), click("home"), click("about")])]);
    h.ok("insert", vec![d.clone(), t(vec![a("view"), s("home")])]);
    assert_eq!(h.ok("info", vec![d.clone(), a("size")]), i(4));
    h.ok("delete_object", vec![d.clone(), click("home")]);
    assert_eq!(h.ok("lookup", vec![d.clone(), a("click")]), l(vec![click("about")]));
    h.ok("insert", vec![d.clone(), l(vec![click("x"), click("x"), click("x")])]);
    let clicks = spec(t(vec![a("click"), a("_")]), vec![], vec![Term::bool(true)]);
    assert_eq!(h.ok("select_count", vec![d, clicks]), i(4));
}

#[test]
fn insert_new_update_element_and_counters_061_062_064() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("t"), l(vec![a("public")])]);
    h.ok("insert", vec![tab.clone(), t(vec![s("worker_1"), a("pid_a")])]);
    let list = l(vec![t(vec![s("worker_2"), a("x")]), t(vec![s("worker_1"), a("y")])]);
    assert_eq!(h.ok("insert_new", vec![tab.clone(), list]), Term::bool(false));
    assert_eq!(h.ok("lookup", vec![tab.clone(), s("worker_2")]), Term::Nil);

    h.ok("insert", vec![tab.clone(), t(vec![a("garmon"), a("bozia"), i(1)])]);
    assert_eq!(h.ok("update_element", vec![tab.clone(), a("garmon"), l(vec![t(vec![i(2), a("blue")]), t(vec![i(3), i(99)])])]), Term::bool(true));
    assert_eq!(h.ok("update_element", vec![tab.clone(), a("missing"), t(vec![i(2), a("x")])]), Term::bool(false));
    let ue = |pos: i64| h.err("update_element", vec![tab.clone(), a("garmon"), t(vec![i(pos), a("x")])]);
    assert_eq!(ue(0), arg_error("3rd", "is not a valid element specification"));
    assert_eq!(ue(1), arg_error("3rd", "the position is the same as the key position"));
    assert_eq!(ue(9), arg_error("3rd", "out of range"));
    assert_eq!(h.ok("lookup", vec![tab.clone(), a("garmon")]), l(vec![t(vec![a("garmon"), a("blue"), i(99)])]));

    h.ok("insert", vec![tab.clone(), t(vec![a("hits"), i(0), i(100)])]);
    let uc = |ops: Term| h.ok("update_counter", vec![tab.clone(), a("hits"), ops]);
    assert_eq!(uc(i(1)), i(1));
    assert_eq!(uc(i(5)), i(6));
    assert_eq!(uc(t(vec![i(2), i(-2)])), i(4));
    assert_eq!(uc(t(vec![i(3), i(10)])), i(110));
    assert_eq!(uc(l(vec![t(vec![i(2), i(1)]), t(vec![i(3), i(-1)])])), l(vec![i(5), i(109)]));
    assert_eq!(uc(t(vec![i(2), i(10), i(12), i(0)])), i(0));
    assert_eq!(uc(t(vec![i(2), i(-5), i(0), i(0)])), i(0));
    let job = |_: ()| h.ok("update_counter", vec![tab.clone(), s("job_1"), t(vec![i(2), i(1)]), t(vec![s("job_1"), i(0)])]);
    assert_eq!((job(()), job(()), job(())), (i(1), i(2), i(3)));
    // The default row's key is replaced by the key argument.
    assert_eq!(h.ok("update_counter", vec![tab.clone(), a("new"), i(1), t(vec![a("other"), i(7)])]), i(8));
    assert_eq!(h.ok("lookup", vec![tab.clone(), a("new")]), l(vec![t(vec![a("new"), i(8)])]));
    assert_eq!(h.err("update_counter", vec![tab.clone(), a("zz"), i(1)]), arg_error("2nd", "not a key that exists in the table"));
    assert_eq!(
        h.err("update_counter", vec![tab.clone(), a("garmon"), t(vec![i(2), i(1)])]),
        arg_error("3rd", "the value in the given position, in the object, is not an integer")
    );
    assert_eq!(h.err("update_counter", vec![tab.clone(), a("hits"), t(vec![i(9), i(1)])]), arg_error("3rd", "the position in the update operation is out of range"));
    assert_eq!(h.err("update_counter", vec![tab.clone(), a("hits"), Term::Float(1.5)]), arg_error("3rd", "not a valid update operation"));
    assert_eq!(h.err("update_counter", vec![tab, a("zz"), i(1), a("x")]), arg_error("4th", "not a tuple"));
}

#[test]
fn lookup_element_and_keypos_065_074() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("users"), l(vec![a("set")])]);
    h.ok("insert", vec![tab.clone(), t(vec![a("alice"), i(30), s("engineer")])]);
    assert_eq!(h.ok("lookup_element", vec![tab.clone(), a("alice"), i(3)]), s("engineer"));
    assert_eq!(h.err("lookup_element", vec![tab.clone(), a("bob"), i(2)]), arg_error("2nd", "not a key that exists in the table"));
    assert_eq!(h.err("lookup_element", vec![tab.clone(), a("alice"), i(9)]), arg_error("3rd", "position is greater than the size of the object"));
    assert_eq!(h.err("lookup_element", vec![tab, a("alice"), i(0)]), arg_error("3rd", "out of range"));

    let k = h.ok("new", vec![a("users"), l(vec![a("set"), t(vec![a("keypos"), i(2)])])]);
    h.ok("insert", vec![k.clone(), t(vec![a("user"), i(1), s("Ann")])]);
    h.ok("insert", vec![k.clone(), t(vec![a("admin"), i(1), s("Root")])]);
    assert_eq!(h.ok("lookup", vec![k.clone(), i(1)]), l(vec![t(vec![a("admin"), i(1), s("Root")])]));
    assert_eq!(h.err("insert", vec![k.clone(), t(vec![a("too_short")])]), "argument error");
    assert_eq!(h.ok("update_element", vec![k.clone(), i(1), t(vec![i(1), a("user")])]), Term::bool(true));
    assert_eq!(h.err("update_element", vec![k, i(1), t(vec![i(2), i(9)])]), arg_error("3rd", "the position is the same as the key position"));
}

#[test]
fn match_and_match_object_066_067() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("people"), l(vec![a("set")])]);
    h.ok("insert", vec![tab.clone(), l(vec![
        t(vec![a("alice"), i(30), s("engineer")]),
        t(vec![a("bob"), i(25), s("designer")]),
        t(vec![a("carol"), i(35), s("engineer")]),
        t(vec![a("dave"), i(40)]),
        t(vec![a("eve"), i(25), i(25)]),
    ])]);
    let m = |p: Term| h.ok("match", vec![tab.clone(), p]);
    assert_eq!(m(t(vec![a("$2"), a("$1"), s("engineer")])), l(vec![l(vec![i(30), a("alice")]), l(vec![i(35), a("carol")])]));
    assert_eq!(m(t(vec![a("$1"), a("_")])), l(vec![l(vec![a("dave")])]));
    assert_eq!(m(t(vec![a("_"), a("$1"), a("$1")])), l(vec![l(vec![i(25)])]));
    assert_eq!(m(t(vec![a("bob"), a("$1"), a("_")])), l(vec![l(vec![i(25)])]));
    assert_eq!(m(t(vec![a("_"), a("_"), a("_")])), l(vec![Term::Nil, Term::Nil, Term::Nil, Term::Nil]));
    assert_eq!(
        h.ok("match_object", vec![tab.clone(), t(vec![a("_"), i(25), a("_")])]),
        l(vec![t(vec![a("bob"), i(25), s("designer")]), t(vec![a("eve"), i(25), i(25)])])
    );
    assert_eq!(h.ok("match_delete", vec![tab.clone(), t(vec![a("_"), a("_"), s("engineer")])]), Term::bool(true));
    assert_eq!(h.ok("info", vec![tab.clone(), a("size")]), i(3));

    // match/3 and match/1 continuations (Elixir: {[[1], [2]], cont} then {[[3]], :"$end_of_table"}).
    let o = h.ok("new", vec![a("o"), l(vec![a("ordered_set")])]);
    h.ok("insert", vec![o.clone(), l(vec![t(vec![i(1), a("a")]), t(vec![i(2), a("b")]), t(vec![i(3), a("c")])])]);
    let first = h.ok("match", vec![o, t(vec![a("$1"), a("_")]), i(2)]);
    let Term::Tuple(parts) = &first else { panic!("expected {{rows, cont}}, got {first:?}") };
    assert_eq!(parts[0], l(vec![l(vec![i(1)]), l(vec![i(2)])]));
    assert_eq!(h.ok("match", vec![parts[1].clone()]), t(vec![l(vec![l(vec![i(3)])]), a("$end_of_table")]));
    assert_eq!(h.err("match", vec![a("bad")]), arg_error("1st", "invalid continuation"));
}

#[test]
fn select_specs_and_pages_068_069() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("players"), l(vec![a("ordered_set")])]);
    let player = |id: i64, name: &str, score: i64| t(vec![i(id), s(name), i(score)]);
    h.ok("insert", vec![tab.clone(), l(vec![player(1, "ann", 9100), player(2, "bob", 4200), player(3, "cyd", 9900), player(4, "dee", 150), player(5, "eli", 9000)])]);
    let vars = t(vec![a("$1"), a("$2"), a("$3")]);
    let gt = t(vec![a(">"), a("$3"), i(9000)]);
    let sel = |sp: Term| h.ok("select", vec![tab.clone(), sp]);
    assert_eq!(sel(spec(vars.clone(), vec![gt.clone()], vec![a("$_")])), l(vec![player(1, "ann", 9100), player(3, "cyd", 9900)]));
    assert_eq!(sel(spec(vars.clone(), vec![gt], vec![a("$$")])), l(vec![l(vec![i(1), s("ann"), i(9100)]), l(vec![i(3), s("cyd"), i(9900)])]));
    let between = t(vec![a("andalso"), t(vec![a(">="), a("$2"), i(4000)]), t(vec![a("=<"), a("$2"), i(9100)])]);
    assert_eq!(sel(spec(t(vec![a("_"), a("$1"), a("$2")]), vec![between], vec![a("$1")])), l(vec![s("ann"), s("bob"), s("eli")]));
    let either = t(vec![a("orelse"), t(vec![a("=="), a("$2"), s("bob")]), t(vec![a("<"), a("$3"), i(200)])]);
    let body = t(vec![t(vec![a("$2"), t(vec![a("+"), a("$3"), i(1)])])]);
    assert_eq!(sel(spec(vars.clone(), vec![either], vec![body])), l(vec![t(vec![s("bob"), i(4201)]), t(vec![s("dee"), i(151)])]));
    let two = l(vec![
        t(vec![t(vec![a("$1"), s("dee"), a("_")]), Term::Nil, l(vec![a("$1")])]),
        t(vec![t(vec![a("$1"), s("ann"), a("_")]), Term::Nil, l(vec![t(vec![t(vec![a("$1"), a("found_ann")])])])]),
    ]);
    assert_eq!(sel(two), l(vec![t(vec![i(1), a("found_ann")]), i(4)]));

    // select/3 pages of 2: [[1, 2], [3, 4], [5]].
    let keys = spec(t(vec![a("$1"), a("_"), a("_")]), vec![], vec![a("$1")]);
    let mut pages = Vec::new();
    let mut r = h.ok("select", vec![tab.clone(), keys.clone(), i(2)]);
    while let Term::Tuple(parts) = &r {
        pages.push(parts[0].clone());
        r = h.ok("select", vec![parts[1].clone()]);
    }
    assert_eq!(pages, vec![l(vec![i(1), i(2)]), l(vec![i(3), i(4)]), l(vec![i(5)])]);
    assert_eq!(r, a("$end_of_table"));
    assert_eq!(h.err("select", vec![tab.clone(), keys, i(0)]), arg_error("3rd", "out of range"));
    assert_eq!(h.err("select", vec![tab.clone(), a("bad")]), arg_error("2nd", "not a valid match specification"));
    let unbound = spec(vars.clone(), vec![], vec![a("$4")]);
    assert_eq!(h.err("select", vec![tab.clone(), unbound]), arg_error("2nd", "not a valid match specification"));

    // select_delete counts only rows whose body is `true`; select_replace keeps keys.
    let stale = spec(t(vec![a("_"), a("_"), a("$1")]), vec![t(vec![a("<"), a("$1"), i(4300)])], vec![Term::bool(true)]);
    assert_eq!(h.ok("select_count", vec![tab.clone(), stale.clone()]), i(2));
    assert_eq!(h.ok("select_delete", vec![tab.clone(), stale.clone()]), i(2));
    assert_eq!(h.ok("select_delete", vec![tab.clone(), stale]), i(0));
    let bump = spec(vars.clone(), vec![], vec![t(vec![t(vec![a("$1"), a("$2"), t(vec![a("+"), a("$3"), i(1)])])])]);
    assert_eq!(h.ok("select_replace", vec![tab.clone(), bump]), i(3));
    assert_eq!(h.ok("lookup", vec![tab.clone(), i(5)]), l(vec![player(5, "eli", 9001)]));
    let rekey = spec(vars, vec![], vec![t(vec![t(vec![a("changed"), a("$2"), a("$3")])])]);
    assert_eq!(h.err("select_replace", vec![tab.clone(), rekey]), arg_error("2nd", "not a valid match specification"));
    assert_eq!(h.ok("delete_all_objects", vec![tab.clone()]), Term::bool(true));
    assert_eq!(h.ok("info", vec![tab, a("size")]), i(0));
}

/// Expected values: Elixir 1.14 on the same calls.
#[test]
fn select_reverse_goes_down_an_ordered_set_and_is_select_elsewhere() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("squares"), l(vec![a("ordered_set")])]);
    h.ok("insert", vec![tab.clone(), l((1..=10).map(|k| t(vec![i(k), i(k * k)])).collect())]);
    let keys = |guards: Vec<Term>| spec(t(vec![a("$1"), a("_")]), guards, vec![a("$1")]);
    let over3 = keys(vec![t(vec![a(">"), a("$1"), i(3)])]);
    assert_eq!(h.ok("select_reverse", vec![tab.clone(), over3]), l((4..=10).rev().map(i).collect()));

    // Pages of 4 going down: [10..7], [6..3], then the last page with :"$end_of_table".
    let mut pages = Vec::new();
    let mut r = h.ok("select_reverse", vec![tab.clone(), keys(vec![]), i(4)]);
    while let Term::Tuple(parts) = &r {
        pages.push(parts[0].clone());
        r = if parts[1] == a("$end_of_table") { parts[1].clone() } else { h.ok("select_reverse", vec![parts[1].clone()]) };
    }
    let down = |ks: &[i64]| l(ks.iter().map(|&k| i(k)).collect());
    assert_eq!(pages, vec![down(&[10, 9, 8, 7]), down(&[6, 5, 4, 3]), down(&[2, 1])]);
    assert_eq!(h.ok("select_reverse", vec![a("$end_of_table")]), a("$end_of_table"));
    assert_eq!(h.err("select_reverse", vec![a("foo")]), arg_error("1st", "invalid continuation"));
    assert_eq!(h.err("select_reverse", vec![tab.clone(), a("bad")]), arg_error("2nd", "not a valid match specification"));

    // A tuple-key prefix narrows the range in either direction.
    let pairs = h.ok("new", vec![a("pairs"), l(vec![a("ordered_set")])]);
    for x in 1..=3 {
        for y in 1..=3 {
            h.ok("insert", vec![pairs.clone(), t(vec![t(vec![i(x), i(y)]), i(x * 10 + y)])]);
        }
    }
    let row2 = spec(t(vec![t(vec![i(2), a("_")]), a("$1")]), vec![], vec![a("$1")]);
    assert_eq!(h.ok("select_reverse", vec![pairs.clone(), row2.clone()]), l(vec![i(23), i(22), i(21)]));
    assert_eq!(h.ok("select", vec![pairs, row2]), l(vec![i(21), i(22), i(23)]));

    let set = h.ok("new", vec![a("plain"), l(vec![a("set")])]);
    h.ok("insert", vec![set.clone(), l((1..=5).map(|k| t(vec![i(k), i(k)])).collect())]);
    assert_eq!(h.ok("select_reverse", vec![set.clone(), keys(vec![])]), h.ok("select", vec![set, keys(vec![])]));
}

/// update_counter changes the stored row in place, but a row a process already
/// looked up is its own copy and never changes under it.
#[test]
fn update_counter_never_changes_a_row_already_read() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("hits"), l(vec![a("set")])]);
    assert_eq!(h.ok("update_counter", vec![tab.clone(), a("home"), t(vec![i(2), i(1)]), t(vec![a("home"), i(0)])]), i(1));
    let seen = h.ok("lookup", vec![tab.clone(), a("home")]);
    assert_eq!(h.ok("update_counter", vec![tab.clone(), a("home"), i(5)]), i(6));
    assert_eq!(seen, l(vec![t(vec![a("home"), i(1)])]));
    assert_eq!(h.ok("lookup", vec![tab.clone(), a("home")]), l(vec![t(vec![a("home"), i(6)])]));
    // A failing operation in a list leaves the row as it was.
    let ops = l(vec![t(vec![i(2), i(1)]), t(vec![i(3), i(1)])]);
    assert_eq!(h.err("update_counter", vec![tab.clone(), a("home"), ops]), arg_error("3rd", "the position in the update operation is out of range"));
    assert_eq!(h.ok("lookup", vec![tab, a("home")]), l(vec![t(vec![a("home"), i(6)])]));
}

#[test]
fn access_modes_070_071() {
    let h = Harness::new();
    let access = arg_error("1st", "the table identifier refers to an ETS table with insufficient access rights");
    for (mode, read_ok, write_ok) in [("public", true, true), ("protected", true, false), ("private", false, false)] {
        let tab = h.ok("new", vec![a(mode), l(vec![a(mode)])]);
        h.ok("insert", vec![tab.clone(), t(vec![a("k"), a("from_owner")])]);
        let read = h.call(OTHER, "lookup", vec![tab.clone(), a("k")]);
        let write = h.call(OTHER, "insert", vec![tab.clone(), t(vec![a("k"), a("from_other")])]);
        assert_eq!(read.is_ok(), read_ok, "{mode} read");
        assert_eq!(write.is_ok(), write_ok, "{mode} write");
        if !write_ok {
            assert_eq!(h.err_as(OTHER, "insert", vec![tab.clone(), t(vec![a("k")])]), access);
        }
        assert_eq!(h.ok("info", vec![tab, a("protection")]), a(mode));
    }
    let default = h.ok("new", vec![a("d"), Term::Nil]);
    assert_eq!(h.ok("info", vec![default, a("protection")]), a("protected"));
}

#[test]
fn named_tables_errors_and_deletion_072_073_079() {
    let h = Harness::new();
    assert_eq!(h.ok("new", vec![a("config"), l(vec![a("named_table"), a("public")])]), a("config"));
    let tid = h.ok("whereis", vec![a("config")]);
    assert!(matches!(tid, Term::Ref(_)));
    assert_eq!(h.ok("info", vec![tid.clone(), a("name")]), a("config"));
    assert_eq!(h.err("new", vec![a("config"), l(vec![a("named_table")])]), arg_error("1st", "table name already exists"));
    assert_eq!(h.ok("rename", vec![a("config"), a("settings")]), a("settings"));
    assert_eq!(h.ok("whereis", vec![a("config")]), a("undefined"));
    let no_table = arg_error("1st", "the table identifier does not refer to an existing ETS table");
    assert_eq!(h.err("lookup", vec![a("config"), a("mode")]), no_table);
    assert_eq!(h.ok("delete", vec![a("settings")]), Term::bool(true));
    assert_eq!(h.ok("info", vec![tid.clone()]), a("undefined"));
    assert_eq!(h.err("lookup", vec![tid, a("mode")]), no_table);
    assert_eq!(h.err("lookup", vec![i(42), a("x")]), arg_error("1st", "not an atom or a table identifier"));
    assert_eq!(h.err("new", vec![s("x"), Term::Nil]), arg_error("1st", "not an atom"));
    assert_eq!(h.err("new", vec![a("x"), l(vec![a("bogus")])]), arg_error("2nd", "invalid options"));
    assert_eq!(h.err("new", vec![a("x"), a("set")]), arg_error("2nd", "not a list"));
    let tab = h.ok("new", vec![a("x"), Term::Nil]);
    assert_eq!(h.err("insert", vec![tab.clone(), a("x")]), arg_error("2nd", "not a tuple"));
    assert_eq!(h.err("insert", vec![tab.clone(), t(vec![])]), arg_error("2nd", "is an empty tuple"));
    assert_eq!(h.err("insert", vec![tab.clone(), l(vec![a("x")])]), arg_error("2nd", "not a non-empty tuple or a list of non-empty tuples"));
    assert_eq!(h.err("info", vec![tab.clone(), a("bogus")]), arg_error("2nd", "not a valid info item"));
    assert_eq!(h.err("whereis", vec![i(42)]), arg_error("1st", "invalid table name (must be an atom)"));
    assert_eq!(h.err("rename", vec![tab, s("x")]), arg_error("2nd", "invalid table name (must be an atom)"));
}

#[test]
fn info_lists_items_in_erlang_order_060() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("my_table"), l(vec![a("public"), t(vec![a("read_concurrency"), Term::bool(true)])])]);
    let keys: Vec<Term> = h.ok("info", vec![tab.clone()]).list_iter().map(|kv| match kv {
        Term::Tuple(p) => p[0].clone(),
        _ => Term::Nil,
    }).collect();
    let expected = ["id", "decentralized_counters", "read_concurrency", "write_concurrency", "compressed", "memory", "owner", "heir", "name", "size", "node", "named_table", "type", "keypos", "protection"];
    assert_eq!(keys, expected.iter().map(|k| a(k)).collect::<Vec<_>>());
    assert_eq!(h.ok("info", vec![tab.clone(), a("read_concurrency")]), Term::bool(true));
    assert_eq!(h.ok("info", vec![tab.clone(), a("owner")]), Term::Pid(MAIN));
    assert_eq!(h.ok("info", vec![tab.clone(), a("heir")]), a("none"));
    // Measured with Elixir 1.14: an empty set is 305 words, {1, 2} adds 7.
    assert_eq!(h.ok("info", vec![tab.clone(), a("memory")]), i(305));
    h.ok("insert", vec![tab.clone(), t(vec![i(1), i(2)])]);
    assert_eq!(h.ok("info", vec![tab, a("memory")]), i(312));
}

#[test]
fn ownership_give_away_and_heir_075_076() {
    let h = Harness::new();
    let ets = h.runtime.ets();
    let tab = h.ok("new", vec![a("handoff"), l(vec![a("public")])]);
    // OTHER is a live process from its first call on.
    h.ok_as(OTHER, "all", vec![]);
    assert_eq!(h.ok("give_away", vec![tab.clone(), Term::Pid(OTHER), a("here_you_go")]), Term::bool(true));
    // The native delivers the transfer message itself.
    assert!(ets.drain_transfers().is_empty());
    let delivered = h.contexts.borrow_mut().get_mut(&OTHER).and_then(|cx| cx.recv_peek(None, None));
    assert_eq!(delivered, Some(t(vec![a("ETS-TRANSFER"), tab.clone(), Term::Pid(MAIN), a("here_you_go")])));
    assert_eq!(h.err("give_away", vec![tab.clone(), Term::Pid(MAIN), a("back")]), arg_error("2nd", "the current process is not the owner"));

    let heir = t(vec![a("heir"), Term::Pid(MAIN), a("inheritance")]);
    h.ok_as(OTHER, "new", vec![a("inheritable"), l(vec![a("named_table"), a("public"), heir])]);
    let transfers = ets.owner_exited(OTHER);
    // `tab` (owned by OTHER after the give_away, no heir) is deleted; the other is inherited.
    assert_eq!(h.ok("info", vec![tab]), a("undefined"));
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0].message(), t(vec![a("ETS-TRANSFER"), a("inheritable"), Term::Pid(OTHER), a("inheritance")]));
    assert_eq!(h.ok("info", vec![a("inheritable"), a("owner")]), Term::Pid(MAIN));
    assert_eq!(h.ok("info", vec![a("inheritable"), a("heir")]), Term::Pid(MAIN));
}

#[test]
fn foldl_hands_the_rows_to_lists_foldl() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("b"), l(vec![a("bag")])]);
    h.ok("insert", vec![tab.clone(), t(vec![a("k"), i(1)])]);
    match h.call(MAIN, "foldl", vec![a("f"), Term::Nil, tab]) {
        Err(Control::CallMfa { module, name, args }) => {
            assert_eq!((module.as_str(), name.as_str()), ("lists", "foldl"));
            assert_eq!(args, vec![a("f"), Term::Nil, l(vec![t(vec![a("k"), i(1)])])]);
        }
        other => panic!("expected a call to :lists.foldl, got {other:?}"),
    }
}

#[test]
fn summaries_and_rows_describe_tables_for_the_repl() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("cache"), l(vec![a("named_table"), a("bag")])]);
    h.ok("insert", vec![tab, t(vec![a("k"), i(1)])]);
    let summaries = h.runtime.ets().summaries();
    assert_eq!(summaries.len(), 1);
    let sm = &summaries[0];
    assert_eq!((sm.name.as_str(), sm.named, sm.kind, sm.protection, sm.size, sm.owner), ("cache", true, "bag", "protected", 1, MAIN));
    assert_eq!(h.runtime.ets().rows(sm.id), Some(vec![t(vec![a("k"), i(1)])]));
    assert_eq!(h.runtime.ets().rows(Ref(u64::MAX)), None);
}

/// Scrambled keys inserted, overwritten, deleted and looked up agree with a plain
/// `BTreeMap` model, and `tab2list` walks them in key order afterwards (the hash index
/// and the lazily built key order, see `runtime::ets::rows`).
#[test]
fn a_set_agrees_with_a_map_model_over_scrambled_keys() {
    let h = Harness::new();
    let tab = h.ok("new", vec![a("model"), l(vec![a("public")])]);
    let key = |k: i64| k.wrapping_mul(2_654_435_761) % 1_000_003;
    let mut model = std::collections::BTreeMap::new();
    for k in 0..5_000i64 {
        h.ok("insert", vec![tab.clone(), t(vec![i(key(k)), i(k)])]);
        model.insert(key(k), k);
        if k % 7 == 0 {
            // Overwrite an earlier key, and delete another (moving the last slot).
            h.ok("insert", vec![tab.clone(), t(vec![i(key(k / 2)), i(-k)])]);
            model.insert(key(k / 2), -k);
            h.ok("delete", vec![tab.clone(), i(key(k / 3))]);
            model.remove(&key(k / 3));
        }
        if k == 2_500 {
            // A walk half-way builds the key order; later changes must keep it.
            assert_eq!(h.ok("tab2list", vec![tab.clone()]).list_to_vec().map(|v| v.len()), Some(model.len()));
        }
    }
    for k in 0..5_000i64 {
        let expected = model.get(&key(k)).map_or_else(|| l(vec![]), |v| l(vec![t(vec![i(key(k)), i(*v)])]));
        assert_eq!(h.ok("lookup", vec![tab.clone(), i(key(k))]), expected, "key {}", key(k));
    }
    let listed = h.ok("tab2list", vec![tab.clone()]);
    let expected = l(model.iter().map(|(k, v)| t(vec![i(*k), i(*v)])).collect());
    assert_eq!(listed, expected);
}

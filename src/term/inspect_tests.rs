//! Tests of `inspect` against real Elixir 1.14: `snapshots/inspect_cases.exs` printed
//! `snapshots/inspect_elixir.txt`; [`cases`] builds the same terms here and the
//! rendered text must equal Elixir's byte for byte.

use super::*;
use crate::term::value::{Pid, Ref};
use std::sync::Arc;

fn int(i: i64) -> Term {
    Term::Int(i)
}

fn atom(a: &str) -> Term {
    Term::atom(a)
}

fn s(text: &str) -> Term {
    Term::string(text)
}

fn list(items: Vec<Term>) -> Term {
    Term::list(items)
}

fn ints(range: std::ops::RangeInclusive<i64>) -> Term {
    list(range.map(Term::Int).collect())
}

fn tuple(items: Vec<Term>) -> Term {
    Term::tuple(items)
}

fn kw(pairs: Vec<(&str, Term)>) -> Term {
    list(pairs.into_iter().map(|(k, v)| Term::pair(atom(k), v)).collect())
}

fn amap(pairs: Vec<(&str, Term)>) -> Term {
    Term::map(pairs.into_iter().map(|(k, v)| (atom(k), v)))
}

fn strukt(name: &str, pairs: Vec<(&str, Term)>) -> Term {
    let mut all = vec![("__struct__", atom(name))];
    all.extend(pairs);
    amap(all)
}

fn exception(name: &str, message: &str) -> Term {
    strukt(name, vec![("__exception__", Term::bool(true)), ("message", s(message))])
}

fn range(first: i64, last: i64, step: i64) -> Term {
    strukt("Elixir.Range", vec![("first", int(first)), ("last", int(last)), ("step", int(step))])
}

fn date(year: i64, month: i64, day: i64) -> Term {
    strukt(
        "Elixir.Date",
        vec![("calendar", atom("Elixir.Calendar.ISO")), ("year", int(year)), ("month", int(month)), ("day", int(day))],
    )
}

fn mapset(members: Vec<Term>) -> Term {
    let map = Term::map(members.into_iter().map(|m| (m, Term::Nil)));
    strukt("Elixir.MapSet", vec![("map", map), ("version", int(2))])
}

fn export(module: &str, name: &str, arity: u32) -> Term {
    Term::Fun(Arc::new(Fun { arity, kind: FunKind::Export { module: Atom::new(module), name: Atom::new(name) } }))
}

fn closure(module: &str, context: &str, index: u32, arity: u32) -> Term {
    let code: Arc<dyn std::any::Any + Send + Sync> = Arc::new(());
    let kind = FunKind::Closure { module: Atom::new(module), context: context.into(), index, code, env: Vec::new() };
    Term::Fun(Arc::new(Fun { arity, kind }))
}

/// `defstruct` field order for the test structs, as the VM would provide it.
struct Defs;

impl StructFields for Defs {
    fn fields(&self, module: Atom) -> Option<Vec<Atom>> {
        let names: &[&str] = match module.as_str() {
            "Elixir.JobQueue.Metrics" => &[
                "jobs_enqueued",
                "jobs_started",
                "jobs_completed",
                "jobs_failed",
                "total_processing_time_ms",
                "errors",
            ],
            "Elixir.RuntimeError" | "Elixir.ArgumentError" => &["message", "__exception__"],
            _ => return None,
        };
        Some(names.iter().map(|n| Atom::new(n)).collect())
    }
}

fn metrics(errors: Term) -> Term {
    strukt(
        "Elixir.JobQueue.Metrics",
        vec![
            ("jobs_enqueued", int(0)),
            ("jobs_started", int(0)),
            ("jobs_completed", int(0)),
            ("jobs_failed", int(0)),
            ("total_processing_time_ms", int(0)),
            ("errors", errors),
        ],
    )
}

/// How a case is printed: `inspect/2` or `IO.inspect/2`, with options.
struct Case {
    name: &'static str,
    pretty: bool,
    term: Term,
    opts: InspectOpts,
}

fn plain(name: &'static str, term: Term) -> Case {
    Case { name, pretty: false, term, opts: InspectOpts::default() }
}

fn pretty(name: &'static str, term: Term) -> Case {
    Case { name, pretty: true, term, opts: InspectOpts::default() }
}

fn with(mut case: Case, change: impl FnOnce(&mut InspectOpts)) -> Case {
    change(&mut case.opts);
    case
}

fn cases() -> Vec<Case> {
    let big = |b: num_bigint::BigInt| Term::from_bigint(b);
    let stats = |avg: Term, c: i64, e: i64, f: i64, s: i64| {
        amap(vec![
            ("avg_processing_time_ms", avg),
            ("completed", int(c)),
            ("enqueued", int(e)),
            ("failed", int(f)),
            ("in_progress", int(0)),
            ("started", int(s)),
        ])
    };
    let people: Vec<Term> = (1..=4)
        .map(|i| {
            amap(vec![
                ("id", int(i)),
                ("name", s(&format!("person number {i}"))),
                ("email", s(&format!("person{i}@example.com"))),
            ])
        })
        .collect();
    let mut deep = atom("leaf");
    for i in 1..=6 {
        deep = amap(vec![("level", int(i)), ("child", deep), ("tag", s(&format!("level {i}")))]);
    }
    let mut improper: Vec<Term> = (1..=25).map(Term::Int).collect();
    let improper_tail = improper.pop().map(|last| Term::list_with_tail(vec![last], int(26)));
    let improper = Term::list_with_tail(improper, improper_tail.unwrap_or(Term::Nil));
    let backoff = list([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200].into_iter().map(int).collect());
    vec![
        plain(
            "integers",
            list(vec![
                int(0),
                int(-5),
                int(1_000_000),
                big(num_bigint::BigInt::from(2).pow(100)),
                big(-num_bigint::BigInt::from(3).pow(50)),
            ]),
        ),
        plain(
            "floats",
            list(
                [3.0, 1.0e10, 1.0e16, 0.1 + 0.2, 2.5e-5, -0.5, 100.0, 1.0 / 3.0, 1.0e-10, 123.456]
                    .into_iter()
                    .map(Term::Float)
                    .collect(),
            ),
        ),
        plain(
            "atoms",
            list(
                [
                    "ok", "quoted atom", "$end_of_table", "$1", "ok?", "nil", "true", "false", "Elixir.Foo.Bar", "+",
                    "Elixir", "::", "foo@bar", "Foo",
                ]
                .into_iter()
                .map(atom)
                .collect(),
            ),
        ),
        plain("strings", list(vec![s("string"), s("a\n\t\"\\#{x}\u{7}\u{1b}\r"), s("olá"), s("")])),
        plain("binaries", list(vec![Term::bytes(vec![1, 2, 3]), Term::bytes(b"abc\xff".to_vec()), Term::bytes(vec![0])])),
        plain(
            "charlists",
            list(vec![
                list("hi".chars().map(|c| int(c as i64)).collect()),
                list(vec![int(104), int(105)]),
                list("it's \"q\"\n".chars().map(|c| int(c as i64)).collect()),
                list(vec![int(97), int(127)]),
                list(vec![int(97), int(233)]),
                Term::Nil,
            ]),
        ),
        plain("keyword", kw(vec![("a", int(1)), ("b", s("two")), ("my key", atom("x")), ("+", int(1)), ("nil", int(2))])),
        plain(
            "not keyword",
            list(vec![
                list(vec![Term::pair(atom("a"), int(1)), Term::pair(atom("Elixir.Foo"), int(2))]),
                list(vec![Term::pair(atom("a"), int(1)), Term::pair(s("b"), int(2))]),
                list(vec![Term::pair(atom("a"), int(1)), int(3)]),
            ]),
        ),
        plain(
            "improper",
            list(vec![
                Term::cons(int(1), int(2)),
                Term::list_with_tail(vec![int(1), int(2)], int(3)),
                Term::cons(int(97), int(98)),
                Term::list_with_tail(vec![list(vec![int(1)]), int(2)], atom("x")),
            ]),
        ),
        plain(
            "tuples",
            list(vec![
                tuple(vec![int(1), s("two"), atom("three")]),
                tuple(vec![]),
                tuple(vec![tuple(vec![int(1), int(2)]), list(vec![int(3)])]),
            ]),
        ),
        plain(
            "maps",
            list(vec![
                amap(vec![("a", int(1)), ("b", int(2))]),
                Term::map([(s("k"), int(1)), (int(1), atom("one")), (atom("a"), int(2))]),
                Term::map([]),
                Term::map([(atom("Elixir.Foo"), int(1)), (atom("a"), int(2))]),
                amap(vec![("Foo", int(1)), ("quoted key", int(3))]),
                Term::map([
                    (tuple(vec![int(1), int(2)]), list(vec![int(3)])),
                    (list(vec![int(4)]), Term::map([])),
                ]),
            ]),
        ),
        with(
            plain(
                "structs",
                list(vec![
                    exception("Elixir.RuntimeError", "x"),
                    metrics(Term::Nil),
                    exception("Elixir.ArgumentError", "bad"),
                ]),
            ),
            |o| o.struct_fields = Some(Arc::new(Defs)),
        ),
        plain("ranges", list(vec![range(1, 5, 1), range(1, 10, 3), range(5, 1, -1), range(1, 1, 1), range(-3, -1, 1)])),
        plain("dates", list(vec![date(2020, 7, 10), date(1, 1, 1)])),
        plain(
            "mapsets",
            list(vec![
                mapset(vec![int(1), int(2)]),
                mapset(vec![int(3), int(1), int(2)]),
                mapset(vec![list(vec![int(97), int(98)])]),
                mapset(vec![]),
            ]),
        ),
        plain(
            "pids and exports",
            list(vec![
                Term::Pid(Pid(96)),
                export("Elixir.String", "upcase", 1),
                export("erlang", "+", 2),
                export("Elixir.Enum", "map", 2),
            ]),
        ),
        plain("limit 60", ints(1..=60)),
        plain("nested limit", list(vec![ints(1..=60)])),
        plain("tuple of lists limit", tuple(vec![ints(1..=60), ints(1..=60)])),
        with(plain("limit 2 list", ints(1..=3)), |o| o.limit = 2),
        with(plain("limit 2 tuple", tuple(vec![int(1), int(2), int(3)])), |o| o.limit = 2),
        with(plain("limit 2 map", amap(vec![("a", int(1)), ("b", int(2)), ("c", int(3))])), |o| o.limit = 2),
        with(plain("limit 2 binary", Term::bytes(vec![1, 2, 3])), |o| o.limit = 2),
        with(plain("limit 1 improper", Term::list_with_tail(vec![int(1), int(2)], int(3))), |o| o.limit = 1),
        with(plain("limit 2 improper", Term::list_with_tail(vec![int(1), int(2)], int(3))), |o| o.limit = 2),
        plain("binary 51 bytes", Term::bytes(vec![0; 51])),
        with(plain("charlists as lists", list(vec![int(97), int(98), int(99)])), |o| o.charlists = Charlists::AsLists),
        with(plain("printable limit", s(&"ab".repeat(10))), |o| o.printable_limit = 5),
        with(plain("charlist printable limit", list("abcdefgh".chars().map(|c| int(c as i64)).collect())), |o| {
            o.printable_limit = 3
        }),
        pretty("pretty 1..60", ints(1..=60)),
        pretty(
            "pretty wide map",
            amap(vec![
                ("alpha", s("aaaaaaaaaaaaaaaa")),
                ("beta", s("bbbbbbbbbbbbbbbbbbb")),
                ("gamma", s("ccccccccccccccccc")),
            ]),
        ),
        pretty("pretty ok tuple", tuple(vec![atom("ok"), ints(1..=30)])),
        pretty("pretty stats", stats(Term::Float(152.5), 2, 4, 1, 3)),
        pretty("pretty zero stats", stats(int(0), 0, 0, 0, 0)),
        with(pretty("pretty short list", ints(1..=3)), |o| o.limit = 2),
        pretty("pretty recent", list((96..=105).rev().map(|i| s(&format!("e{i}"))).collect())),
        pretty("pretty people", list(people)),
        with(
            pretty(
                "pretty struct",
                metrics(list(vec![amap(vec![
                    ("job_id", s("job-3")),
                    ("reason", s("Intentional job failure")),
                    ("timestamp", int(1_700_000_000)),
                ])])),
            ),
            |o| o.struct_fields = Some(Arc::new(Defs)),
        ),
        pretty(
            "pretty keyword",
            kw(vec![
                ("name", s("a fairly long name here")),
                ("value", int(123_456_789)),
                ("description", s("and a description")),
            ]),
        ),
        pretty(
            "pretty tuple strings",
            tuple(vec![s("a string that is quite long"), s("another string that is long"), s("third one")]),
        ),
        pretty(
            "pretty nested",
            amap(vec![("config", amap(vec![("retries", int(3)), ("backoff", backoff)])), ("name", atom("worker"))]),
        ),
        pretty("pretty improper", improper),
        with(pretty("pretty 1..100 infinity", ints(1..=100)), |o| o.limit = INFINITY),
        pretty(
            "pretty tuples list",
            list((1..=12).map(|i| tuple(vec![atom("item"), int(i), s(&format!("value {i}"))])).collect()),
        ),
        with(
            pretty(
                "pretty width 20",
                amap(vec![("a", ints(1..=10)), ("b", tuple(vec![atom("ok"), s("text")]))]),
            ),
            |o| o.width = 20,
        ),
        with(
            pretty(
                "pretty width 0",
                list(vec![int(1), list(vec![int(2), int(3)]), tuple(vec![int(4), int(5)])]),
            ),
            |o| o.width = 0,
        ),
        with(pretty("pretty mapset", mapset((1..=30).map(Term::Int).collect())), |o| o.width = 40),
        pretty("pretty binary", Term::bytes([1u8, 2, 3].repeat(30))),
        pretty("pretty string list", list(vec![s("éééééééééé"); 5])),
        pretty("pretty deep", deep),
    ]
}

/// Renders every case in the same layout as the Elixir script.
fn render_cases() -> String {
    let mut out = String::new();
    for case in cases() {
        let opts = InspectOpts { pretty: case.pretty, ..case.opts };
        out.push_str(&format!("== {}\n{}\n", case.name, inspect_with(&case.term, &opts)));
    }
    out
}

#[test]
fn every_case_matches_elixir_byte_for_byte() {
    let expected = include_str!("snapshots/inspect_elixir.txt");
    let actual = render_cases();
    // Compare case by case for a readable failure, then the whole text.
    let split = |text: &str| -> Vec<String> { text.split("== ").map(str::to_string).collect() };
    for (want, got) in split(expected).iter().zip(split(&actual).iter()) {
        assert_eq!(got, want);
    }
    assert_eq!(actual, expected);
}

#[test]
fn snapshot_of_every_case() {
    insta::assert_snapshot!(render_cases());
}

#[test]
fn conformance_018_and_088_wrapping() {
    // The IO.inspect lines of conformance cases 018 and 088 (the label is the
    // caller's; it does not change the layout).
    let opts = InspectOpts { pretty: true, ..InspectOpts::default() };
    let long = tuple(vec![atom("ok"), ints(1..=30)]);
    assert_eq!(
        format!("long: {}", inspect_with(&long, &opts)),
        "long: {:ok,\n [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,\n  23, 24, 25, 26, 27, 28, 29, 30]}"
    );
    let recent = list(vec![tuple(vec![s("job-3"), s("Intentional job failure"), Term::bool(true)])]);
    assert_eq!(inspect_with(&recent, &opts), "[{\"job-3\", \"Intentional job failure\", true}]");
    assert_eq!(inspect_with(&Term::Nil, &opts), "[]");
    let short = ints(1..=30);
    assert_eq!(
        inspect(&short),
        "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]"
    );
}

#[test]
fn refs_and_closures() {
    assert_eq!(inspect(&Term::Ref(Ref(7))), "#Reference<0.0.0.7>");
    let top = closure("nil", "", 42, 1);
    assert_eq!(inspect(&top), "#Function<42.3316493/1 in :erl_eval.expr/6>");
    let inner = closure("Elixir.Foo.Bar", "run/1", 0, 1);
    let shown = inspect(&inner);
    assert!(shown.starts_with("#Function<0.") && shown.ends_with("/1 in Foo.Bar.run/1>"), "{shown}");
    // The hash is a pure function of the module name.
    assert_eq!(shown, inspect(&closure("Elixir.Foo.Bar", "run/1", 0, 1)));
    let weird = inspect(&closure("Elixir.Foo.Bar", "weird name/0", 4, 0));
    assert!(weird.ends_with("/0 in Foo.Bar.\"weird name\"/0>"), "{weird}");
    assert_eq!(inspect(&export("Elixir.Foo.Bar", "weird name", 0)), "&Foo.Bar.\"weird name\"/0");
}

#[test]
fn unknown_struct_prints_as_map_with_a_provider() {
    let opts = InspectOpts { struct_fields: Some(Arc::new(Defs)), ..InspectOpts::default() };
    let fake = strukt("Elixir.NotAStruct", vec![("a", int(1))]);
    assert_eq!(inspect_with(&fake, &opts), "%{__struct__: NotAStruct, a: 1}");
    // Without a provider the struct is trusted, fields in term order.
    let trusting = InspectOpts { struct_fields: None, ..InspectOpts::default() };
    assert_eq!(inspect_with(&fake, &trusting), "%NotAStruct{a: 1}");
    // A known struct with an extra key is a map again.
    let mut extra = vec![("message", s("x")), ("extra", int(1)), ("__exception__", Term::bool(true))];
    extra.insert(0, ("__struct__", atom("Elixir.RuntimeError")));
    assert_eq!(
        inspect_with(&amap(extra), &opts),
        "%{__exception__: true, __struct__: RuntimeError, extra: 1, message: \"x\"}"
    );
}

#[test]
fn long_and_deep_terms_do_not_overflow() {
    let million = Term::list((0..1_000_000).map(Term::Int).collect());
    let shown = inspect(&million);
    assert!(shown.ends_with("48, 49, ...]"), "{shown}");
    let all = inspect_with(&million, &InspectOpts { limit: INFINITY, pretty: true, ..InspectOpts::default() });
    assert!(all.ends_with("999998, 999999]"));
    let mut nested = Term::Nil;
    for _ in 0..100_000 {
        nested = Term::tuple(vec![nested]);
    }
    let shown = inspect_with(&nested, &InspectOpts { limit: INFINITY, ..InspectOpts::default() });
    assert_eq!(shown.len(), 100_000 * 2 + 2);
    assert!(shown.starts_with("{{{{") && shown.contains("{[]}"));
    // Let the nested tuples go one level at a time (Term has no iterative drop for tuples).
    let mut cur = nested;
    while let Term::Tuple(mut items) = cur {
        cur = crate::term::value::TupleArc::get_mut(&mut items).and_then(|v| v.last_mut()).map(|t| std::mem::replace(t, Term::Nil)).unwrap_or(Term::Nil);
    }
}

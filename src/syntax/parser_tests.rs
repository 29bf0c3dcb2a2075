//! AST-shape tests for each construct, written against an S-expression rendering.

use crate::syntax::ast::{CallTarget, InterpPart, Node, NodeKind};
use crate::syntax::{SyntaxErrorKind, parse};

/// Renders a node compactly: `(op lhs rhs)`, `(call name args)`, `[a b]`, `{a b}`.
pub(super) fn sexp(n: &Node) -> String {
    let all = |v: &[Node]| v.iter().map(sexp).collect::<Vec<_>>().join(" ");
    match &n.kind {
        NodeKind::Int(i) => i.to_string(),
        NodeKind::BigInt(i) => i.to_string(),
        NodeKind::Float(f) => format!("{f:?}"),
        NodeKind::Atom(a) => format!(":{a}"),
        NodeKind::Str(s) => format!("{s:?}"),
        NodeKind::Bytes(b) => format!("<<{b:?}>>"),
        NodeKind::Charlist(s) => format!("'{s}'"),
        NodeKind::Interpolated { parts, charlist } => {
            let p: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    InterpPart::Lit(s) => format!("{s:?}"),
                    InterpPart::Bytes(b) => format!("<<{b:?}>>"),
                    InterpPart::Expr(e) => format!("#{{{}}}", sexp(e)),
                })
                .collect();
            format!(
                "(interp{} {})",
                if *charlist { "'" } else { "" },
                p.join(" ")
            )
        }
        NodeKind::Sigil {
            letter,
            parts,
            modifiers,
        } => {
            let p: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    InterpPart::Lit(s) => format!("{s:?}"),
                    InterpPart::Bytes(b) => format!("<<{b:?}>>"),
                    InterpPart::Expr(e) => format!("#{{{}}}", sexp(e)),
                })
                .collect();
            format!(
                "(~{letter} {}{})",
                p.join(" "),
                if modifiers.is_empty() {
                    String::new()
                } else {
                    format!(" {modifiers}")
                }
            )
        }
        NodeKind::Var(v) => v.clone(),
        NodeKind::Alias(segs) => segs.join("."),
        NodeKind::List { items, tail } => match tail {
            Some(t) => format!("[{} | {}]", all(items), sexp(t)),
            None => format!("[{}]", all(items)),
        },
        NodeKind::Tuple(items) => format!("{{{}}}", all(items)),
        NodeKind::Map { base, pairs } | NodeKind::Struct { base, pairs, .. } => {
            let name = match &n.kind {
                NodeKind::Struct { name, .. } => sexp(name),
                _ => String::new(),
            };
            let b = base
                .as_ref()
                .map(|b| format!("{} | ", sexp(b)))
                .unwrap_or_default();
            let p: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{} => {}", sexp(k), sexp(v)))
                .collect();
            format!("%{name}{{{b}{}}}", p.join(", "))
        }
        NodeKind::Bitstring(segs) => {
            let s: Vec<String> = segs
                .iter()
                .map(|s| {
                    if s.specs.is_empty() {
                        sexp(&s.value)
                    } else {
                        format!("{}::{}", sexp(&s.value), all(&s.specs))
                    }
                })
                .collect();
            format!("<<{}>>", s.join(", "))
        }
        NodeKind::UnaryOp { op, operand } => format!("({op:?} {})", sexp(operand)),
        NodeKind::BinaryOp { op, lhs, rhs } => {
            format!("({} {} {})", op.as_str(), sexp(lhs), sexp(rhs))
        }
        NodeKind::Attribute { name, value } => match value {
            Some(v) => format!("(@{name} {})", sexp(v)),
            None => format!("@{name}"),
        },
        NodeKind::Call {
            target,
            args,
            parens,
        } => {
            let t = match target {
                CallTarget::Local(name) => name.clone(),
                CallTarget::Remote(lhs, name) => format!("{}.{name}", sexp(lhs)),
            };
            let p = if *parens { "" } else { "~" };
            if args.is_empty() {
                format!("({p}{t})")
            } else {
                format!("({p}{t} {})", all(args))
            }
        }
        NodeKind::FunCall { fun, args } => format!("({}. {})", sexp(fun), all(args)),
        NodeKind::Access { container, key } => format!("{}[{}]", sexp(container), sexp(key)),
        NodeKind::Fn(clauses) => format!("(fn {})", clauses_sexp(clauses)),
        NodeKind::Clauses(clauses) => format!("(clauses {})", clauses_sexp(clauses)),
        NodeKind::Block(items) => format!("(block {})", all(items)),
        NodeKind::Capture(e) => format!("(& {})", sexp(e)),
        NodeKind::CaptureArg(i) => format!("&{i}"),
    }
}

fn clauses_sexp(clauses: &[crate::syntax::ast::Clause]) -> String {
    clauses
        .iter()
        .map(|c| {
            let args: Vec<String> = c.args.iter().map(sexp).collect();
            let guard = c
                .guard
                .as_ref()
                .map(|g| format!(" when {}", sexp(g)))
                .unwrap_or_default();
            format!("({}{guard} -> {})", args.join(" "), sexp(&c.body))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses and renders every top-level expression, one per line.
fn p(src: &str) -> String {
    match parse(src) {
        Ok(nodes) => nodes.iter().map(sexp).collect::<Vec<_>>().join("\n"),
        Err(e) => format!("ERROR {:?} {}: {}", e.kind, e.span, e.message),
    }
}

#[test]
fn literals() {
    assert_eq!(p("1_000"), "1000");
    assert_eq!(p("0xFF"), "255");
    assert_eq!(p("?a"), "97");
    assert_eq!(p("1.0e10"), "10000000000.0");
    assert_eq!(p("2.5e-5"), "2.5e-5");
    assert_eq!(p("99999999999999999999"), "99999999999999999999");
    assert_eq!(p(":ok?"), ":ok?");
    assert_eq!(p(":\"$end_of_table\""), ":$end_of_table");
    assert_eq!(p(":+"), ":+");
    assert_eq!(p("true"), ":true");
    assert_eq!(p("'abc'"), "'abc'");
    assert_eq!(
        p(r##""a\n\t\"\\\e\u00e9\u{1F600}""##),
        format!("{:?}", "a\n\t\"\\\u{1b}é😀")
    );
}

#[test]
fn a_hex_escape_is_a_byte() {
    // `\xHH` writes a byte: text while the bytes are UTF-8, bytes when not.
    assert_eq!(p(r##""\x41\xC3\xA9""##), format!("{:?}", "Aé"));
    assert_eq!(p(r##""\x80\x80OK""##), "<<[128, 128, 79, 75]>>");
    assert_eq!(p(r##""\xFF#{x}!""##), r##"(interp <<[255]>> #{x} "!")"##);
    assert_eq!(p(r##"'\xC3\xA9'"##), "'é'");
    // A charlist or an atom is text: bytes that are not UTF-8 are an error.
    assert_eq!(p(r##"'a\x80b'"##), "ERROR Invalid 1:1: invalid encoding starting at <<128, 98>> in a charlist");
    assert_eq!(p(r##":"\xFF""##), "ERROR Invalid 1:1: invalid encoding starting at <<255>> in a quoted atom");
}

#[test]
fn interpolation_and_heredocs() {
    assert_eq!(p(r##""a #{x} b""##), r##"(interp "a " #{x} " b")"##);
    assert_eq!(
        p(r##""#{"in #{y}"}""##),
        r##"(interp #{(interp "in " #{y})})"##
    );
    assert_eq!(
        p("x = \"\"\"\n  ab\n   c\n  \"\"\""),
        r##"(= x "ab\n c\n")"##
    );
    assert_eq!(
        p("@doc \"\"\"\nHi #{x}\n\"\"\""),
        r##"(@doc (interp "Hi " #{x} "\n"))"##
    );
}

#[test]
fn sigils() {
    assert_eq!(p("~w(a b)a"), r##"(~w "a b" a)"##);
    assert_eq!(p("~w[x y]"), r##"(~w "x y")"##);
    assert_eq!(p("~D[2020-07-10]"), r##"(~D "2020-07-10")"##);
    assert_eq!(p(r"~r/\d+/"), r##"(~r "\\d+")"##);
    assert_eq!(p("~s(a #{b})"), r##"(~s "a " #{b})"##);
}

#[test]
fn collections() {
    assert_eq!(p("[h | t]"), "[h | t]");
    assert_eq!(p("[1, a: 2]"), "[1 {:a 2}]");
    assert_eq!(p("{a, b: 1}"), "{a [{:b 1}]}");
    assert_eq!(p("%{a: 1}"), "%{:a => 1}");
    assert_eq!(p(r##"%{"k" => v, 1 => 2}"##), r##"%{"k" => v, 1 => 2}"##);
    assert_eq!(p("%{m | k: v}"), "%{m | :k => v}");
    assert_eq!(p("%User{name: n}"), "%User{:name => n}");
    assert_eq!(p("%__MODULE__{s | a: 1}"), "%(~__MODULE__){s | :a => 1}");
    assert_eq!(p("%My.Struct{}"), "%My.Struct{}");
    assert_eq!(p("<<a, rest::binary>>"), "<<a, rest::binary>>");
    assert_eq!(p("<<x::binary-size(4)>>"), "<<x::binary (size 4)>>");
    assert_eq!(
        p("for <<c <- \"ab\">>, do: c"),
        "(~for <<(<- c \"ab\")>> [{:do c}])"
    );
    assert_eq!(p("[\n  1,\n  2,\n]"), "[1 2]");
}

#[test]
fn operator_precedence_and_associativity() {
    assert_eq!(p("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(p("a - b - c"), "(- (- a b) c)");
    assert_eq!(p("a ++ b ++ c"), "(++ a (++ b c))");
    assert_eq!(p("a = b = c"), "(= a (= b c))");
    assert_eq!(p("-2 ** 2"), "(** (Neg 2) 2)");
    assert_eq!(p("!a == b"), "(== (Bang a) b)");
    assert_eq!(p("1..10//3"), "(// (.. 1 10) 3)");
    assert_eq!(p("a in b..c"), "(in a (.. b c))");
    assert_eq!(p("a not in b"), "(not in a b)");
    assert_eq!(p("x = y when z"), "(when (= x y) z)");
    assert_eq!(p("a || b && c"), "(|| a (&& b c))");
    assert_eq!(p("a and b or not c"), "(or (and a b) (Not c))");
    assert_eq!(p("x |> f() |> g"), "(|> (|> x (f)) g)");
    assert_eq!(p("^x"), "(Pin x)");
    assert_eq!(p("a <> b == c"), "(== (<> a b) c)");
    assert_eq!(p("a < b == c > d"), "(== (< a b) (> c d))");
}

#[test]
fn newlines_continue_after_and_before_binary_operators() {
    assert_eq!(p("x\n|> f()\n|> g()"), "(|> (|> x (f)) (g))");
    assert_eq!(p("a +\n b"), "(+ a b)");
    assert_eq!(p("a\n+ b"), "a\n(Pos b)");
    assert_eq!(p("a\n== b"), "(== a b)");
    assert_eq!(p("a; b"), "a\nb");
}

#[test]
fn captures() {
    assert_eq!(p("&Mod.fun/2"), "(& (/ (~Mod.fun) 2))");
    assert_eq!(p("&(&1 * 2)"), "(& (* &1 2))");
    assert_eq!(p("&fun/1"), "(& (/ fun 1))");
    assert_eq!(p("& &1.field"), "(& (~&1.field))");
    assert_eq!(p("&{&1, &2}"), "(& {&1 &2})");
    assert_eq!(p("&[&1 | &2]"), "(& [&1 | &2])");
}

#[test]
fn calls() {
    assert_eq!(p("f.(x)"), "(f. x)");
    assert_eq!(p("Mod.fun(x)"), "(Mod.fun x)");
    assert_eq!(p(":ets.new(:t, [:set])"), "(:ets.new :t [:set])");
    assert_eq!(p("var.field"), "(~var.field)");
    assert_eq!(p("m[:k]"), "m[:k]");
    assert_eq!(p("m [:k]"), "(~m [:k])");
    assert_eq!(p("__MODULE__"), "(~__MODULE__)");
    assert_eq!(p("Foo.Bar.baz()"), "(Foo.Bar.baz)");
    assert_eq!(p("IO.puts \"x\""), "(~IO.puts \"x\")");
    assert_eq!(
        p("raise ArgumentError, message: \"x\""),
        "(~raise ArgumentError [{:message \"x\"}])"
    );
    assert_eq!(
        p("IO.inspect(x, label: \"y\")"),
        "(IO.inspect x [{:label \"y\"}])"
    );
    assert_eq!(p("foo -1"), "(~foo (Neg 1))");
    assert_eq!(p("foo - 1"), "(- foo 1)");
    assert_eq!(p("use GenServer"), "(~use GenServer)");
    assert_eq!(p("alias Foo.Bar"), "(~alias Foo.Bar)");
    assert_eq!(p("@impl true"), "(@impl :true)");
    assert_eq!(p("x = @timeout"), "(= x @timeout)");
    assert_eq!(p("foo()"), "(foo)");
    assert_eq!(p("foo"), "foo");
}

#[test]
fn do_blocks_and_keyword_forms() {
    assert_eq!(p("if a, do: 1, else: 2"), "(~if a [{:do 1} {:else 2}])");
    assert_eq!(p("def foo(x), do: x"), "(~def (foo x) [{:do x}])");
    assert_eq!(
        p("def f(x) when x > 0, do: x"),
        "(~def (when (f x) (> x 0)) [{:do x}])"
    );
    assert_eq!(
        p("if a do\n 1\nelse\n 2\nend"),
        "(~if a [{:do 1} {:else 2}])"
    );
    assert_eq!(
        p("def f(x) when x > 0 do\n a\n b\nend"),
        "(~def (when (f x) (> x 0)) [{:do (block a b)}])"
    );
    assert_eq!(p("defmodule A.B do\nend"), "(~defmodule A.B [{:do :nil}])");
    assert_eq!(
        p("def f(x \\\\ 1), do: x"),
        "(~def (f (\\\\ x 1)) [{:do x}])"
    );
    assert_eq!(
        p(
            "try do\n x\nrescue\n e in ArgumentError -> e\ncatch\n kind, reason -> {kind, reason}\nafter\n :done\nend"
        ),
        "(~try [{:do x} {:rescue (clauses ((in e ArgumentError) -> e))} {:catch (clauses (kind reason -> {kind reason}))} {:after :done}])"
    );
    assert_eq!(
        p("receive do\n {:m, x} -> x\nafter\n 100 -> :t\nend"),
        "(~receive [{:do (clauses ({:m x} -> x))} {:after (clauses (100 -> :t))}])"
    );
    assert_eq!(
        p("x = case y do\n 1 -> :a\n _ ->\n  :b\n  :c\nend"),
        "(= x (~case y [{:do (clauses (1 -> :a) (_ -> (block :b :c)))}]))"
    );
    assert_eq!(
        p("cond do\n a > 1 -> 1\n true -> 2\nend"),
        "(~cond [{:do (clauses ((> a 1) -> 1) (:true -> 2))}])"
    );
    assert_eq!(
        p("with {:ok, a} <- f(),\n     b = a do\n b\nelse\n _ -> :err\nend"),
        "(~with (<- {:ok a} (f)) (= b a) [{:do b} {:else (clauses (_ -> :err))}])"
    );
    assert_eq!(
        p("for x <- xs, x > 1, into: %{}, do: x"),
        "(~for (<- x xs) (> x 1) [{:into %{}} {:do x}])"
    );
    assert_eq!(
        p("for x <- xs, reduce: 0 do\n acc -> acc + x\nend"),
        "(~for (<- x xs) [{:reduce 0}] [{:do (clauses (acc -> (+ acc x)))}])"
    );
    assert_eq!(p("defstruct [:a, b: 1]"), "(~defstruct [:a {:b 1}])");
}

#[test]
fn anonymous_functions() {
    assert_eq!(p("fn -> :x end"), "(fn ( -> :x))");
    assert_eq!(
        p("fn x when x > 0 -> 1; _ -> 2 end"),
        "(fn (x when (> x 0) -> 1) (_ -> 2))"
    );
    assert_eq!(p("fn a, b -> a + b end"), "(fn (a b -> (+ a b)))");
    assert_eq!(
        p("Enum.map(xs, fn {k, v} ->\n  k\nend)"),
        "(Enum.map xs (fn ({k v} -> k)))"
    );
}

#[test]
fn spans_are_first_token_positions() {
    let nodes = parse("x = 1\n  foo(y)").unwrap_or_default();
    assert_eq!(nodes.len(), 2);
    assert_eq!((nodes[0].span.line, nodes[0].span.col), (1, 1));
    assert_eq!((nodes[1].span.line, nodes[1].span.col), (2, 3));
    if let NodeKind::BinaryOp { rhs, .. } = &nodes[0].kind {
        assert_eq!((rhs.span.line, rhs.span.col), (1, 5));
    } else {
        panic!("expected a match, got {:?}", nodes[0].kind);
    }
}

#[test]
fn incomplete_inputs_are_told_apart() {
    for src in [
        "if x do",
        "foo(1",
        "[1,",
        "\"abc",
        "\"\"\"\nabc",
        "x =",
        "fn x ->",
        "a |>",
        "%{a: 1",
        "'ab",
        "~w(a",
    ] {
        let e = parse(src).err();
        assert_eq!(
            e.map(|e| e.kind),
            Some(SyntaxErrorKind::Incomplete),
            "{src}"
        );
    }
    for src in ["foo(1, )", "x = )", "end", "1 + * 2", "foo(1]", "x = 1 2"] {
        let e = parse(src).err();
        assert_eq!(e.map(|e| e.kind), Some(SyntaxErrorKind::Invalid), "{src}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let src = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let e = parse(&src).err();
    assert!(e.is_some_and(|e| e.message.contains("nested too deeply")));
    let src = format!("{}1", "-".repeat(5000));
    assert!(parse(&src).is_err());
    for (open, close) in [
        ("(", ")"),
        ("{", "}"),
        ("%{a: ", "}"),
        ("fn -> ", " end"),
        ("\"#{", "}\""),
        ("if x do ", " end"),
        ("f.(", ")"),
        ("a = ", ""),
    ] {
        let src = format!("{}1{}", open.repeat(3000), close.repeat(3000));
        assert!(parse(&src).is_err(), "{open}");
    }
}

#[test]
fn a_long_program_parses_quickly() {
    let line = "def f(x) when is_integer(x), do: x |> Enum.map(&(&1 * 2)) |> Enum.sum()\n";
    let src = line.repeat(3000);
    let start = std::time::Instant::now();
    let nodes = parse(&src).unwrap_or_default();
    assert_eq!(nodes.len(), 3000);
    assert!(
        start.elapsed().as_millis() < 500,
        "took {:?}",
        start.elapsed()
    );
}

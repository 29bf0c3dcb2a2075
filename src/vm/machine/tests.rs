//! Unit tests of the machine: Elixir compiled by the compiler (same layer), run by
//! hand on a process context of a virtual-clock runtime, with a few test natives
//! under the module `:t` (no standard library: the VM's own behaviour is under test).

use super::*;
use crate::runtime::Discard;
use crate::term::inspect::inspect;
use crate::vm::native::{Control, NativeCtx, NativeRegistry, NativeResult};
use crate::vm::raise::Class;


/// `:t.size(tuple)`: the tuple's size (reads a lent argument).
fn size(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    match &args[0] {
        Term::Tuple(t) => Ok(Term::Int(t.len() as i64)),
        other => Err(Control::Raise(Raise::error(Term::pair(Term::atom("badarg"), other.clone())))),
    }
}

/// `:t.same(a, b)`: whether both arguments are the same term.
fn same(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Ok(Term::bool(args[0] == args[1]))
}

/// `:t.note(x)`: appends `x` to the process dictionary's `:notes` (a side effect
/// the test reads after the run).
fn note(cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    let key = Term::atom("notes");
    let old = cx.process.dict_get(&key).unwrap_or(Term::Nil);
    cx.process.dict_put(key, Term::cons(args[0].clone(), old));
    Ok(Term::atom("ok"))
}

/// `:erlang.throw(x)`.
fn throw(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Err(Control::Raise(Raise::throw(args[0].clone())))
}

fn fail(_cx: &mut NativeCtx<'_>, args: &[Term]) -> NativeResult {
    Err(Control::Raise(Raise::error(args[0].clone())))
}

/// A module table with the VM's built-ins and the test natives.
fn modules() -> Arc<Modules> {
    let mut reg = NativeRegistry::new();
    crate::vm::builtins::register(&mut reg);
    reg.add("t", "size", 1, size);
    reg.add("t", "same", 2, same);
    reg.add("t", "note", 1, note);
    reg.add("erlang", "throw", 1, throw);
    reg.add("t", "fail", 1, fail);
    Arc::new(Modules::new(reg))
}

/// A machine about to run the script `source`, and a live process to run it in.
fn machine(source: &str) -> (Machine, ProcessContext) {
    let modules = modules();
    let nodes = crate::syntax::parse(source).expect("the test script parses");
    let program = crate::compile::compile_program(&nodes, &modules, &[], false).expect("the test script compiles");
    let runtime = crate::runtime::Runtime::new(Arc::new(Discard));
    let cx = ProcessContext::new(runtime.new_pid(), runtime);
    (Machine::for_code(modules, program.code, Vec::new()), cx)
}

/// Runs `m` to its end in slices of `budget`, checking `each` after every slice;
/// returns how many slices yielded.
fn finish(m: &mut Machine, cx: &mut ProcessContext, budget: u32, mut each: impl FnMut(&Machine)) -> usize {
    let mut yields = 0;
    loop {
        match m.run(cx, budget) {
            Step::Yielded => yields += 1,
            Step::Exited(_) => return yields,
            Step::Wait { .. } => panic!("the test script waits"),
        }
        each(m);
    }
}

/// The inspected value the script returned (or the raise that ended it).
fn result(m: &Machine) -> String {
    match m.outcome() {
        Some(Outcome::Returned(v)) => inspect(v),
        Some(Outcome::Raised(r)) => format!("raised {:?} {}", r.class, inspect(&r.reason)),
        None => "running".into(),
    }
}

fn eval(source: &str) -> String {
    let (mut m, mut cx) = machine(source);
    finish(&mut m, &mut cx, 2_000, |_| {});
    result(&m)
}

/// Evaluates each `(call, result)` case after the definitions in `src`.
fn assert_evals(src: &str, cases: &[(&str, &str)]) {
    for (call, want) in cases {
        assert_eq!(eval(&format!("{src}\n{call}")), *want, "{call}");
    }
}

const LOOPS: &str = "
defmodule L do
  def count(0), do: :done
  def count(n), do: count(n - 1)
  def ping(0), do: :done
  def ping(n), do: L.pong(n - 1)
  def pong(n), do: ping(n)
  def sum(0), do: 0
  def sum(n), do: n + sum(n - 1)
  def fib(0), do: 0
  def fib(1), do: 1
  def fib(n), do: fib(n - 1) + fib(n - 2)
end
";

#[test]
fn values_bound_in_exclusive_branches_stay_apart() {
    // Clauses, case arms, if branches and cond clauses share registers: what one
    // computes must not show through in another, nor clobber what came before.
    let src = "defmodule R do\n\
               def f(x) do\n\
                 a = x * 10\n\
                 r = case x do\n\
                   1 -> b = a + 1; {b, a}\n\
                   2 -> c = a + 2; d = c * 2; {c, d}\n\
                   _ -> :other\n\
                 end\n\
                 s = cond do\n\
                   x > 1 -> e = a + 100; e\n\
                   true -> a\n\
                 end\n\
                 t = if x == 1, do: (g = a - 1; g), else: a + 1\n\
                 k = case x do\n\
                   1 -> m = a + 5; fn -> m end\n\
                   _ -> fn -> :none end\n\
                 end\n\
                 {r, s, t, a, x, k.()}\n\
               end\n\
               def h({:a, p}), do: [p, p + 1]\n\
               def h({:b, q, p}), do: [q, p]\n\
               def h(other), do: other\n\
               end\n";
    let cases = [
        ("R.f(1)", "{{11, 10}, 10, 9, 10, 1, 15}"),
        ("R.f(2)", "{{22, 44}, 120, 21, 20, 2, :none}"),
        ("R.f(3)", "{:other, 130, 31, 30, 3, :none}"),
        ("[R.h({:a, 1}), R.h({:b, 2, 3}), R.h(4)]", "[[1, 2], [2, 3], 4]"),
    ];
    assert_evals(src, &cases);
}

#[test]
fn a_base_case_returns_its_constant_or_goes_on_to_the_next_clause() {
    let src = "defmodule B do\n\
               def f(0), do: :zero\n\
               def f(-1), do: [:minus, 1]\n\
               def f(10_000_000_000), do: :big\n\
               def f(n), do: {:other, n}\n\
               def g(x), do: [f(x), :after]\n\
               end\n";
    let cases = [
        ("B.f(0)", ":zero"),
        ("B.f(-1)", "[:minus, 1]"),
        ("B.f(10_000_000_000)", ":big"),
        ("B.f(1)", "{:other, 1}"),
        ("B.f(0.0)", "{:other, 0.0}"),
        ("B.f(:a)", "{:other, :a}"),
        // Returning from a call: the caller goes on with the constant.
        ("B.g(0)", "[:zero, :after]"),
        ("B.g(4_294_967_296)", "[{:other, 4294967296}, :after]"),
        ("L.fib(20)", "6765"),
    ];
    assert_evals(&format!("{LOOPS}\n{src}"), &cases);
}

#[test]
fn a_fused_call_or_sum_that_is_not_on_small_integers_does_what_its_parts_do() {
    // `CallSelfInt` and `ReturnAdd` take their one-dispatch path on small integers
    // only; past i64, on floats and on atoms each does what `SubInt`/`AddInt` or
    // `Add` does and hands on to the `CallSelf` or `Return` left behind it.
    let src = "defmodule G do\n\
               def big(n) when n > 9_223_372_036_854_775_808, do: n\n\
               def big(n), do: {big(n + 1)}\n\
               def down(n) when n < 0, do: [n]\n\
               def down(n), do: [n | down(n - 1.5)]\n\
               def id(x), do: x\n\
               def twice(n), do: id(n) + n\n\
               def sum(0), do: 0\n\
               def sum(n), do: sum(n - 1) + n\n\
               end\n";
    let cases = [
        ("G.big(9_223_372_036_854_775_806)", "{{{9223372036854775809}}}"),
        ("G.down(3)", "[3, 1.5, 0.0, -1.5]"),
        ("G.twice(9_223_372_036_854_775_807)", "18446744073709551614"),
        ("G.twice(1.5)", "3.0"),
        ("G.sum(100)", "5050"),
        ("G.sum(:a)", "raised Error :badarith"),
        ("G.twice(:a)", "raised Error :badarith"),
        // A sum at the end of the script: its `ReturnAdd` has no caller to return to.
        ("x = G.id(40)\ny = G.id(2)\nx + y", "42"),
    ];
    assert_evals(src, &cases);
}

#[test]
fn loop_arguments_computed_in_place_keep_their_values() {
    // Some arguments go straight into their parameter registers (see
    // `FunBuilder::compute_args_in_place`); each loop's result shows every value.
    let src = "defmodule T do\n\
               def sum(0, acc), do: acc\n\
               def sum(n, acc), do: sum(n - 1, acc + n)\n\
               def flip(0, acc, n), do: {acc, n}\n\
               def flip(k, acc, n), do: flip(k - 1, n + 1, acc * 2)\n\
               def swap(0, a, b), do: {a, b}\n\
               def swap(k, a, b), do: swap(k - 1, b, a)\n\
               def tup(0, acc), do: acc\n\
               def tup(k, acc), do: tup(k - 1, {k, acc})\n\
               def same(0, a, b), do: {a, b}\n\
               def same(k, a, _), do: same(k - 1, a + 1, a + 1)\n\
               def up(n, stop) when n > stop, do: n\n\
               def up(n, stop), do: up(n + 1, stop)\n\
               def down(n) when n < 0, do: n\n\
               def down(n), do: down(n - 1)\n\
               end\n";
    let cases = [
        ("T.sum(100, 0)", "5050"),
        ("T.flip(3, 1, 10)", "{23, 6}"),
        ("T.swap(3, :a, :b)", "{:b, :a}"),
        ("T.tup(3, nil)", "{1, {2, {3, nil}}}"),
        ("T.same(3, 0, 0)", "{3, 3}"),
        ("T.sum(1, :x)", "raised Error :badarith"),
        // The counter's `IntLoop` (`n + 1`, `n - 1` fused with the back edge) leaves
        // the small integers, or never had one: its `AddInt`/`SubInt` path.
        ("T.up(9_223_372_036_854_775_805, 9_223_372_036_854_775_808)", "9223372036854775809"),
        ("T.up(-3, 0)", "1"),
        ("T.down(2.5)", "-0.5"),
        ("T.down(:n)", "raised Error :badarith"),
    ];
    assert_evals(src, &cases);
}

#[test]
fn a_countdown_whose_back_edge_lands_on_its_base_case_test_is_one_dispatch_a_pass_and_exact() {
    // `IntLoopTest`: the back edge does the first clause's integer test itself.
    let src = "defmodule C do\n\
               def down(0, acc), do: acc\n\
               def down(n, acc), do: down(n - 1, acc + n)\n\
               def up(10, acc), do: {:top, acc}\n\
               def up(n, acc), do: up(n + 1, acc + n)\n\
               def neg(-3, acc), do: acc\n\
               def neg(n, acc), do: neg(n - 1, acc + 1)\n\
               end\n";
    // (The instruction the compiler makes is checked where it is made, in
    // `compile::expr`'s tests; here, that the loops it runs are exact.)
    let cases = [
        ("C.down(100, 0)", "5050"),
        ("C.down(0, :start)", ":start"),
        ("C.up(7, 0)", "{:top, 24}"),
        ("C.up(10, 0)", "{:top, 0}"),
        ("C.neg(2, 0)", "5"),
        // A float counter never equals the integer 0: it runs past it, as on BEAM,
        // until this test stops it (the counter at 0.5 is not 0).
        ("C.down(2.5, 0)", "running"),
        // From past the small integers into them: the general path, then the
        // fused one (a long way from 0, so only the slices are run).
        ("C.down(9_223_372_036_854_775_809, 0)", "running"),
    ];
    for (call, want) in cases {
        let (mut m, mut cx) = machine(&format!("{src}\n{call}"));
        if want == "running" {
            // A budget's worth of slices, and still looping.
            for _ in 0..20 {
                assert!(matches!(m.run(&mut cx, 500), Step::Yielded), "{call}: {}", result(&m));
            }
            continue;
        }
        let yields = finish(&mut m, &mut cx, 37, |_| {});
        assert_eq!(result(&m), want, "{call}");
        assert!(call != "C.down(100, 0)" || yields > 1, "the back edge counts reductions");
    }
}

#[test]
fn a_self_tail_call_loops_in_one_frame() {
    let (mut m, mut cx) = machine(&format!("{LOOPS}\nL.count(100_000)"));
    let mut deepest = 0;
    let yields = finish(&mut m, &mut cx, 500, |m| deepest = deepest.max(m.st.frames.len()));
    assert_eq!(result(&m), ":done");
    assert!(yields > 100, "a loop's back edge takes reductions ({yields} yields)");
    assert!(deepest <= 1, "the script's frame and the loop's, no more: {deepest}");
}

#[test]
fn tail_calls_between_functions_replace_the_frame() {
    let (mut m, mut cx) = machine(&format!("{LOOPS}\nL.ping(100_001)"));
    let mut deepest = 0;
    let mut widest = 0;
    finish(&mut m, &mut cx, 300, |m| {
        deepest = deepest.max(m.st.frames.len());
        widest = widest.max(m.st.regs.len());
    });
    assert_eq!(result(&m), ":done");
    assert!(deepest <= 1, "mutual tail calls keep one frame: {deepest}");
    assert!(widest < 64, "and one window: {widest} registers");
}

#[test]
fn deep_recursion_runs_off_the_rust_stack() {
    // 200,000 nested calls: far past what a recursive interpreter's Rust stack holds.
    let (mut m, mut cx) = machine(&format!("{LOOPS}\nL.sum(200_000)"));
    let mut deepest = 0;
    finish(&mut m, &mut cx, 10_000, |m| deepest = deepest.max(m.st.frames.len()));
    assert_eq!(result(&m), "20000100000");
    assert!(deepest > 100_000, "each pending call is a frame: {deepest}");
    assert!(m.st.frames.is_empty() && m.code.is_none());
}

#[test]
fn recursion_past_the_frame_limit_raises_a_system_limit_error() {
    // Each way of entering a function stops at MAX_FRAMES: a local call of the
    // function itself, a call of another function, a call of a closure.
    let source = "
defmodule D do
  def own(n), do: 1 + own(n + 1)
  def a(n), do: 1 + b(n)
  def b(n), do: 1 + a(n + 1)
  def closure(n) do
    f = fn f, n -> 1 + f.(f, n + 1) end
    f.(f, n)
  end
end
";
    for entry in ["own", "a", "closure"] {
        let (mut m, mut cx) = machine(&format!("{source}\nD.{entry}(0)"));
        let mut deepest = 0;
        finish(&mut m, &mut cx, 100_000, |m| deepest = deepest.max(m.st.frames.len()));
        let outcome = result(&m);
        assert!(outcome.starts_with("raised Error") && outcome.contains("system limit"), "{entry}: {outcome}");
        assert!(deepest <= MAX_FRAMES && deepest > MAX_FRAMES - 100_000, "{entry}: {deepest} frames");
        assert!(m.st.frames.capacity() <= MAX_FRAMES, "{entry}: the frames never grow past the limit");
    }
}

#[test]
fn direct_recursion_yields_and_resumes_mid_call() {
    // A budget of 7 stops fib between any call and return; the result is unchanged.
    let (mut m, mut cx) = machine(&format!("{LOOPS}\nL.fib(15)"));
    let yields = finish(&mut m, &mut cx, 7, |_| {});
    assert_eq!(result(&m), "610");
    assert!(yields > 100);
}

#[test]
fn a_yield_reruns_the_call_it_stopped_before() {
    // With one reduction per slice every call after the first yields once before
    // it runs, and runs when the process resumes.
    let (mut m, mut cx) = machine("x = :t.size({1, 2})\ny = :t.size({1, 2, 3})\nz = :t.size({1})\nx * 100 + y * 10 + z");
    let yields = finish(&mut m, &mut cx, 1, |_| {});
    assert_eq!(result(&m), "231");
    assert_eq!(yields, 2);
}

#[test]
fn reductions_are_counted_only_by_calls_and_back_edges() {
    let (mut m, mut cx) = machine("a = 1 + 2; b = {a, a}; c = [a | [b]]; {a, b, c}");
    let yields = finish(&mut m, &mut cx, 1, |_| {});
    assert_eq!(result(&m), "{3, {3, 3}, [3, {3, 3}]}");
    assert_eq!(yields, 0, "straight-line code with no call never yields");
}

#[test]
fn rescue_catches_a_raise_from_a_callee_and_drops_its_frames() {
    let src = "
defmodule R do
  def deep(0), do: raise \"boom\"
  def deep(n), do: {deep(n - 1)}
end
try do
  R.deep(50)
catch
  :error, e -> {:rescued, e.message}
end";
    assert_eq!(eval(src), "{:rescued, \"boom\"}");
    let (mut m, mut cx) = machine(src);
    finish(&mut m, &mut cx, 2_000, |_| {});
    assert!(m.st.handlers.is_empty() && m.st.frames.is_empty());
}

#[test]
fn catch_takes_throws_and_errors_by_class() {
    let src = "
f = fn v -> try do
  :erlang.throw(v)
catch
  :throw, x -> {:thrown, x}
end end
g = fn v -> try do
  {:ok, _} = v
catch
  :error, e -> {:error, e}
end end
{f.(:ball), g.(:nope)}";
    assert_eq!(eval(src), "{{:thrown, :ball}, {:error, {:badmatch, :nope}}}");
}

#[test]
fn after_runs_when_the_body_returns_and_when_it_unwinds() {
    let src = "
defmodule A do
  def guarded(v) do
    try do
      {:ok, _} = v
      :fine
    after
      :t.note(v)
    end
  end
end
first = A.guarded({:ok, 1})
second = try do
  A.guarded(:bad)
catch
  :error, e -> e
end
{first, second}";
    let (mut m, mut cx) = machine(src);
    finish(&mut m, &mut cx, 2_000, |_| {});
    assert_eq!(result(&m), "{:fine, {:badmatch, :bad}}");
    let notes = cx.dict_get(&Term::atom("notes")).expect("after ran");
    assert_eq!(inspect(&notes), "[:bad, {:ok, 1}]");
}

#[test]
fn an_uncaught_raise_ends_the_process_with_a_stacktrace() {
    let (mut m, mut cx) = machine(&format!("{LOOPS}\nL.fib(:x)"));
    let step = m.run(&mut cx, 1_000);
    let Step::Exited(reason) = step else { panic!("{step:?}") };
    assert!(matches!(m.outcome(), Some(Outcome::Raised(r)) if r.class == Class::Error));
    let text = inspect(&reason);
    assert!(text.starts_with("{:badarith, [{L, :fib, 1,"), "the failing function is on top of the stack: {text}");
    assert!(m.st.regs.is_empty() && m.st.frames.is_empty());
}

#[test]
fn a_function_clause_error_names_the_arguments_in_the_stack() {
    // As on BEAM: the exception's `args` is nil, and the stacktrace's top entry
    // holds the arguments instead of the arity, at the line of the first clause.
    let src = "
defmodule C do
  def only(:a, n) when n > 0, do: n
  def only(:c, _), do: :c
end
C.only(:b, 1)";
    let (mut m, mut cx) = machine(src);
    let Step::Exited(reason) = m.run(&mut cx, 1_000) else { panic!("{}", result(&m)) };
    let text = inspect(&reason);
    assert!(text.starts_with("{%FunctionClauseError{module: C, function: :only, arity: 2, kind: nil, args: nil,"), "{text}");
    assert!(text.contains("[{C, :only, [:b, 1], [file: "), "{text}");
    assert!(text.contains("line: 3]}"), "{text}");
}

#[test]
fn an_error_names_the_line_of_the_instruction_that_failed() {
    // A stack entry names the line of the instruction before its resume point: a
    // failure in the dispatch saves the point after the failing instruction, as a
    // call does.
    let src = "
defmodule E do
  def sub(n) do
    y = 2
    n - y
  end
  def pick(x) do
    y = 1
    case x do
      :a -> y
    end
  end
end
";
    for (call, line) in [("E.sub(:a)", 5), ("E.pick(:b)", 9)] {
        let (mut m, mut cx) = machine(&format!("{src}\n{call}"));
        let Step::Exited(reason) = m.run(&mut cx, 1_000) else { panic!("{}", result(&m)) };
        let text = inspect(&reason);
        assert!(text.contains(&format!("line: {line}]}}")), "{call}: {text}");
    }
}

#[test]
fn a_raise_in_a_tail_call_names_the_line_of_its_clause() {
    // The frame of a tail call that could not replace it (a native, an undefined
    // function) resumes at the function's final `Return`, in its last clause; a
    // raise there is the call's, at the call's line.
    let src = "
defmodule T do
  def f(:a), do: :t.fail(:x)
  def f(:b), do: :ok
  def g(:a), do: Nowhere.g(1)
  def g(:b), do: :ok
end
";
    for (call, line) in [("T.f(:a)", 3), ("T.g(:a)", 5)] {
        let (mut m, mut cx) = machine(&format!("{src}\n{call}"));
        let Step::Exited(reason) = m.run(&mut cx, 1_000) else { panic!("{}", result(&m)) };
        let text = inspect(&reason);
        assert!(text.contains(&format!("line: {line}]}}")), "{call}: {text}");
    }
}

#[test]
fn receive_suspends_until_a_matching_message_arrives() {
    let (mut m, mut cx) = machine("receive do {:pick, x} -> {:got, x} end");
    assert!(matches!(m.run(&mut cx, 1_000), Step::Wait { deadline_ms: None }));
    let me = cx.pid();
    cx.runtime().send(me, Term::atom("other"));
    assert!(matches!(m.run(&mut cx, 1_000), Step::Wait { deadline_ms: None }), "a message no clause takes waits on");
    cx.runtime().send(me, Term::pair(Term::atom("pick"), Term::Int(7)));
    assert!(matches!(m.run(&mut cx, 1_000), Step::Exited(_)));
    assert_eq!(result(&m), "{:got, 7}");
    assert_eq!(cx.message_queue_len(), 1, "the skipped message stays in the mailbox");
}

#[test]
fn receive_clauses_that_fail_leave_the_next_ones_and_the_timeout_alone() {
    // The clauses of a receive share registers: a clause whose guard fails after
    // binding, or a scan that starts again, must not disturb the next clause, the
    // timeout or what came before.
    let src = "t = 1000\n\
               r1 = receive do\n\
                 {:a, x, y} when x > y -> {:a_big, x, y}\n\
                 {:b, z} -> w = z * 2; {:b, z, w}\n\
                 {:a, x, y} -> {:a, x + y}\n\
               after t -> :timeout\n\
               end\n\
               r2 = receive do\n\
                 {:a, x, y} when x > y -> {:a_big, x, y}\n\
                 {:a, x, y} -> {:a, x + y}\n\
               after t -> :timeout\n\
               end\n\
               r3 = receive do\n\
                 {:c, q} -> q\n\
               after 0 -> {:none, t}\n\
               end\n\
               {r1, r2, r3, t}";
    let (mut m, mut cx) = machine(src);
    let me = cx.pid();
    cx.runtime().send(me, Term::pair(Term::atom("b"), Term::Int(5)));
    cx.runtime().send(me, Term::tuple(vec![Term::atom("a"), Term::Int(1), Term::Int(2)]));
    finish(&mut m, &mut cx, 1_000, |_| {});
    assert_eq!(result(&m), "{{:b, 5, 10}, {:a, 3}, {:none, 1000}, 1000}");
}

#[test]
fn receive_after_keeps_its_deadline_across_wakeups() {
    let (mut m, mut cx) = machine("receive do :never -> 1 after 50 -> :timeout end");
    let now = cx.now_ms();
    let Step::Wait { deadline_ms: Some(d) } = m.run(&mut cx, 1_000) else { panic!("waits with a deadline") };
    assert_eq!(d, now + 50);
    cx.runtime().send(cx.pid(), Term::atom("noise"));
    let Step::Wait { deadline_ms: Some(again) } = m.run(&mut cx, 1_000) else { panic!("waits again") };
    assert_eq!(again, d, "a wakeup by a message no clause takes keeps the first deadline");
}

#[test]
fn receive_after_zero_times_out_at_once_and_bad_timeouts_raise() {
    assert_eq!(eval("receive do :never -> 1 after 0 -> :timeout end"), ":timeout");
    assert_eq!(eval("t = :soon\nreceive do :never -> 1 after t -> :timeout end"), "raised Error {:timeout_value, :soon}");
}

#[test]
fn closures_capture_values_and_outlive_their_frame() {
    let src = "
defmodule K do
  def adder(n), do: fn x -> x + n end
  def twice(f, x), do: f.(f.(x))
  def apply_n(_f, 0, acc), do: acc
  def apply_n(f, n, acc), do: apply_n(f, n - 1, f.(acc))
end
add3 = K.adder(3)
base = 100
g = fn y -> base + y end
{K.twice(add3, 1), g.(1), K.apply_n(add3, 1_000, 0)}";
    assert_eq!(eval(src), "{7, 101, 3000}");
}

#[test]
fn a_closure_tail_called_in_a_loop_keeps_one_frame() {
    let src = "
defmodule T do
  def run(0), do: :done
  def run(n) do
    next = fn -> run(n - 1) end
    next.()
  end
end
T.run(50_000)";
    let (mut m, mut cx) = machine(src);
    let mut deepest = 0;
    finish(&mut m, &mut cx, 400, |m| deepest = deepest.max(m.st.frames.len()));
    assert_eq!(result(&m), ":done");
    assert!(deepest <= 1, "{deepest}");
}

#[test]
fn lent_arguments_are_back_in_their_registers() {
    // The tuple is lent to the native (swapped out of its register) and must be
    // whole again afterwards; `f(t, t)` takes the repeated-register path.
    let src = "t = {:a, [1, 2], \"bin\"}\nn = :t.size(t)\nsame = :t.same(t, t)\n{n, same, t}";
    assert_eq!(eval(src), "{3, true, {:a, [1, 2], \"bin\"}}");
}

#[test]
fn a_lent_argument_is_read_back_to_blame_a_raise() {
    let (mut m, mut cx) = machine("l = [1, 2]\n:t.size(l)");
    finish(&mut m, &mut cx, 1_000, |_| {});
    let Some(Outcome::Raised(r)) = m.outcome() else { panic!("{}", result(&m)) };
    let blame = r.blame.as_ref().expect("blamed on the call");
    assert_eq!((blame.module.as_str(), blame.function.as_str()), ("t", "size"));
    assert_eq!(inspect(&Term::list(blame.args.clone())), "[[1, 2]]", "the lent list was restored before blaming");
    assert_eq!(m.st.native_args.iter().filter(|t| !matches!(t, Term::Int(_) | Term::Atom(_) | Term::Nil)).count(), 0);
}

#[test]
fn stale_registers_are_reused_then_trimmed_when_the_process_parks() {
    // The recursion leaves thousands of stale registers above the script's window;
    // later calls overwrite them without reading them, and parking drops them.
    let src = format!("{LOOPS}\nx = L.sum(5_000)\ny = L.fib(10)\nreceive do :go -> {{x, y}} end");
    let (mut m, mut cx) = machine(&src);
    assert!(matches!(m.run(&mut cx, 100_000), Step::Wait { .. }));
    assert!(m.st.regs.len() <= m.top() + STALE_KEPT, "{} registers kept", m.st.regs.len());
    cx.runtime().send(cx.pid(), Term::atom("go"));
    assert!(matches!(m.run(&mut cx, 1_000), Step::Exited(_)));
    assert_eq!(result(&m), "{12502500, 55}");
}

#[test]
fn a_few_stale_registers_are_kept_across_parks() {
    let src = format!("{LOOPS}\nx = L.fib(3)\nreceive do :go -> x end");
    let (mut m, mut cx) = machine(&src);
    assert!(matches!(m.run(&mut cx, 1_000), Step::Wait { .. }));
    assert!(m.st.regs.len() > m.top(), "the callees' windows stay allocated for the next call");
}

#[test]
fn small_integer_overflow_takes_the_general_path() {
    assert_eq!(eval("x = 9_223_372_036_854_775_807\n{x + 1, x * 2 - x, x - 1}"), "{9223372036854775808, 9223372036854775807, 9223372036854775806}");
    assert_eq!(eval("x = 0\n1 / x").split(' ').take(2).collect::<Vec<_>>().join(" "), "raised Error");
}

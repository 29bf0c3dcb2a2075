//! Snapshots of sequence charts drawn from hand-made records.

use super::*;
use crate::runtime::{SequenceEntry, SequenceEvent};
use crate::term::{Atom, Pid, Ref, Term};

fn at(at_ms: u64, event: SequenceEvent) -> SequenceEntry {
    SequenceEntry { at_ms, event }
}

fn sent(from: u64, to: u64, message: Term, via_alias: bool) -> SequenceEvent {
    SequenceEvent::Sent { from: Some(Pid(from)), to: Pid(to), message, via_alias }
}

fn call(from: u64, request: Term) -> Term {
    let tag = Term::cons(Term::atom("alias"), Term::Ref(Ref(7)));
    Term::tuple(vec![Term::atom("$gen_call"), Term::pair(Term::Pid(Pid(from)), tag), request])
}

fn reply(value: Term) -> Term {
    Term::pair(Term::cons(Term::atom("alias"), Term::Ref(Ref(7))), value)
}

fn names() -> BTreeMap<Pid, LaneName> {
    BTreeMap::from([
        (Pid(100), LaneName { title: pid_text(Pid(100)), detail: Some("shell".into()) }),
        (Pid(108), LaneName { title: pid_text(Pid(108)), detail: Some("Agent.Server".into()) }),
    ])
}

fn chart<'a>(entries: &'a [SequenceEntry], names: &'a BTreeMap<Pid, LaneName>, width: usize) -> String {
    draw(&Chart { entries, names, root: Some(Pid(100)), start_ms: 0, clock: "virtual", dropped: 0, width }).join("\n")
}

fn agent_update_then_get() -> Vec<SequenceEntry> {
    let kind = crate::term::FunKind::Export { module: Atom::new("Elixir.Kernel"), name: Atom::new("+") };
    let fun = Term::Fun(std::sync::Arc::new(crate::term::Fun { arity: 1, kind }));
    vec![
        at(0, sent(100, 108, call(100, Term::pair(Term::atom("update"), fun.clone())), false)),
        at(0, sent(108, 100, reply(Term::atom("ok")), true)),
        at(0, sent(100, 108, call(100, Term::pair(Term::atom("get"), fun)), false)),
        at(0, sent(108, 100, reply(Term::Int(1)), true)),
    ]
}

#[test]
fn an_agent_update_then_get_is_two_calls_and_their_replies() {
    let entries = agent_update_then_get();
    let names = names();
    insta::assert_snapshot!(chart(&entries, &names, 80));
}

#[test]
fn no_line_is_wider_than_the_terminal() {
    let entries = agent_update_then_get();
    let names = names();
    for width in [40, 41, 57, 80, 133] {
        let text = chart(&entries, &names, width);
        assert!(text.lines().all(|l| l.chars().count() <= width), "width {width}:\n{text}");
        assert!(text.contains("call :"), "width {width}:\n{text}");
    }
}

#[test]
fn long_times_and_a_narrow_terminal_still_fit() {
    let entries: Vec<SequenceEntry> = (0..5u64)
        .map(|i| at(123_456_789_000 + i, sent(100, 101 + i, Term::string("a long message body"), false)))
        .collect();
    let names = names();
    for width in [0, 10, 40, 45] {
        let text = chart(&entries, &names, width);
        assert!(text.lines().all(|l| l.chars().count() <= width.max(MIN_WIDTH)), "width {width}:\n{text}");
    }
}

#[test]
fn spawns_links_signals_and_exits_are_marked() {
    let entries = vec![
        at(0, SequenceEvent::Spawned { pid: Pid(120), parent: Some(Pid(100)) }),
        at(0, SequenceEvent::Linked { a: Pid(120), b: Pid(100) }),
        at(5, sent(100, 120, Term::tuple(vec![Term::atom("$gen_cast"), Term::pair(Term::atom("push"), Term::Int(1))]), false)),
        at(10, SequenceEvent::Exited { pid: Pid(120), reason: Term::atom("boom"), name: None }),
        at(10, SequenceEvent::ExitSignal { from: Pid(120), to: Pid(100), reason: Term::atom("boom") }),
        at(12, SequenceEvent::Down { from: Pid(120), to: Pid(100), reason: Term::atom("boom") }),
        // Unrelated to the root: left out.
        at(13, sent(300, 301, Term::atom("tick"), false)),
        at(14, SequenceEvent::Sent { from: None, to: Pid(100), message: Term::atom("timeout"), via_alias: false }),
    ];
    let names = names();
    insta::assert_snapshot!(chart(&entries, &names, 72));
}

#[test]
fn many_lanes_fold_into_others_and_long_runs_are_summarised() {
    let mut entries = Vec::new();
    for i in 0..12u64 {
        entries.push(at(i, SequenceEvent::Spawned { pid: Pid(200 + i), parent: Some(Pid(100)) }));
    }
    for i in 0..60u64 {
        entries.push(at(20 + i, sent(100, 200 + i % 12, Term::Int(i as i64), false)));
    }
    let names = names();
    let text = chart(&entries, &names, 70);
    assert!(text.lines().all(|l| l.chars().count() <= 70), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn protocol_messages_are_labelled_by_meaning() {
    let by_ref = Term::pair(Term::Ref(Ref(3)), Term::tuple(vec![Term::atom("ok"), Term::Pid(Pid(9))]));
    assert_eq!(message_label(&by_ref, false), "reply {:ok, #PID<0.9.0>}");
    assert_eq!(message_label(&call(1, Term::atom("get")), false), "call :get");
    assert_eq!(message_label(&call(1, Term::pair(Term::atom("put"), Term::Int(2))), false), "call {:put, 2}");
    let sys = Term::tuple(vec![Term::atom("system"), Term::Nil, Term::atom("get_state")]);
    assert_eq!(message_label(&sys, false), "system :get_state");
    assert_eq!(message_label(&Term::Atom(Atom::new("hello")), false), ":hello");
    let long = Term::string("x".repeat(100));
    assert!(message_label(&long, false).chars().count() <= 28);
}

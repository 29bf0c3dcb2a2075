//! End-to-end scenarios of the runtime with tiny hand-written process bodies
//! (closures acting as small state machines), on both clocks.

use super::{
    Clock, LogLevel, OutputSink, ProcessBody, ProcessContext, Runtime, SpawnOpts, Step, TimerDest,
};
use crate::term::{Pid, Term};
use parking_lot::Mutex;
use std::sync::Arc;

/// Captures what processes write.
#[derive(Default)]
struct Captured(Mutex<String>);

impl OutputSink for Captured {
    fn write_stdout(&self, text: &str) {
        self.0.lock().push_str(text);
    }
    fn write_stderr(&self, text: &str) {
        self.0.lock().push_str(text);
    }
}

/// A body made of a closure; the closure keeps its own state between runs.
struct FnBody<F>(F);

impl<F: FnMut(&mut ProcessContext) -> Step + Send + 'static> ProcessBody for FnBody<F> {
    fn run(&mut self, cx: &mut ProcessContext, _budget: u32) -> Step {
        (self.0)(cx)
    }
}

fn body(f: impl FnMut(&mut ProcessContext) -> Step + Send + 'static) -> Box<dyn ProcessBody> {
    Box::new(FnBody(f))
}

/// `receive` of the first message `pred` accepts, keeping the others in order.
fn receive(cx: &mut ProcessContext, pred: impl Fn(&Term) -> bool) -> Option<Term> {
    while let Some(msg) = cx.recv_peek(None, None) {
        if pred(&msg) {
            return Some(cx.recv_accept());
        }
        cx.recv_skip();
    }
    None
}

fn any(_: &Term) -> bool {
    true
}

fn start(clock: Clock) -> (Runtime, Arc<Captured>) {
    let out = Arc::new(Captured::default());
    let rt = Runtime::start(clock, out.clone()).expect("runtime starts");
    (rt, out)
}

fn tuple_items(t: &Term) -> Vec<Term> {
    match t {
        Term::Tuple(items) => items.to_vec(),
        _ => Vec::new(),
    }
}

/// A process that sleeps `ms` and then sends `:done` to `to`.
fn sleeper(to: Pid, ms: u64) -> Box<dyn ProcessBody> {
    let mut deadline = None;
    body(move |cx| {
        let d = *deadline.get_or_insert(cx.now_ms() + ms);
        if cx.now_ms() < d {
            return Step::Wait { deadline_ms: Some(d) };
        }
        cx.runtime().send(to, Term::atom("done"));
        Step::Exited(Term::atom("normal"))
    })
}

/// A process that waits forever.
fn idle() -> Box<dyn ProcessBody> {
    body(|_| Step::Wait { deadline_ms: None })
}

#[test]
fn spawn_and_message_round_trip() {
    let (rt, _) = start(Clock::Virtual);
    let mut echo: Option<Pid> = None;
    let reason = rt
        .spawn_and_wait(body(move |cx| {
            let me = cx.pid();
            let echo_pid = *echo.get_or_insert_with(|| {
                let (pid, _) = cx.runtime().spawn(
                    body(|cx| match receive(cx, any) {
                        Some(msg) => {
                            let items = tuple_items(&msg);
                            if let (Some(Term::Pid(from)), Some(Term::Int(n))) = (items.first(), items.get(1)) {
                                cx.runtime().send(*from, Term::Int(n * n));
                            }
                            Step::Exited(Term::atom("normal"))
                        }
                        None => Step::Wait { deadline_ms: None },
                    }),
                    SpawnOpts::default(),
                );
                cx.runtime().send(pid, Term::pair(Term::Pid(me), Term::Int(7)));
                pid
            });
            assert_ne!(echo_pid, me);
            match receive(cx, any) {
                Some(answer) => Step::Exited(answer),
                None => Step::Wait { deadline_ms: None },
            }
        }))
        .expect("root exits");
    assert!(matches!(reason, Term::Int(49)));
    rt.shutdown();
}

#[test]
fn selective_receive_keeps_order_of_skipped_messages() {
    let (rt, _) = start(Clock::Virtual);
    let reason = rt
        .spawn_and_wait(body(|cx| {
            for i in 1..=6 {
                cx.runtime().send(cx.pid(), Term::Int(i));
            }
            let even = |t: &Term| matches!(t, Term::Int(i) if i % 2 == 0);
            let mut order = Vec::new();
            while let Some(m) = receive(cx, even) {
                order.push(m);
            }
            cx.recv_reset();
            while let Some(m) = receive(cx, any) {
                order.push(m);
            }
            Step::Exited(Term::list(order))
        }))
        .expect("root exits");
    assert_eq!(format!("{reason:?}"), "[2, 4, 6, 1, 3, 5]");
    rt.shutdown();
}

#[test]
fn receive_with_deadline_times_out_on_virtual_time() {
    let (rt, _) = start(Clock::Virtual);
    let mut deadline = None;
    let reason = rt
        .spawn_and_wait(body(move |cx| {
            let d = *deadline.get_or_insert(cx.now_ms() + 50);
            if let Some(m) = receive(cx, |t| t.is_atom_named("never")) {
                return Step::Exited(m);
            }
            if cx.now_ms() < d {
                return Step::Wait { deadline_ms: Some(d) };
            }
            cx.recv_reset();
            Step::Exited(Term::Int(cx.now_ms() as i64))
        }))
        .expect("root exits");
    assert!(matches!(reason, Term::Int(50)));
    rt.shutdown();
}

/// Root that starts `n` sleepers of `ms` (all at once, or each after the previous
/// finished) and exits with the virtual time at which the last one reported.
fn sleepers_root(n: usize, ms: u64, parallel: bool) -> Box<dyn ProcessBody> {
    let mut started = 0;
    let mut done = 0;
    body(move |cx| {
        while receive(cx, |t| t.is_atom_named("done")).is_some() {
            done += 1;
        }
        while started < n && (parallel || started == done) {
            cx.runtime().spawn(sleeper(cx.pid(), ms), SpawnOpts::default());
            started += 1;
        }
        if done == n {
            Step::Exited(Term::Int(cx.now_ms() as i64))
        } else {
            Step::Wait { deadline_ms: None }
        }
    })
}

#[test]
fn parallel_sleeps_take_one_second_virtual_and_sequential_three() {
    let (rt, _) = start(Clock::Virtual);
    let wall = std::time::Instant::now();
    let parallel = rt.spawn_and_wait(sleepers_root(3, 1000, true)).expect("root exits");
    let parallel_wall = wall.elapsed();
    assert!(matches!(parallel, Term::Int(1000)), "parallel finished at {parallel:?}");
    let (rt2, _) = start(Clock::Virtual);
    let sequential = rt2.spawn_and_wait(sleepers_root(3, 1000, false)).expect("root exits");
    assert!(matches!(sequential, Term::Int(3000)), "sequential finished at {sequential:?}");
    println!("three parallel 1000 ms virtual sleeps took {parallel_wall:?} of wall time");
    rt.shutdown();
    rt2.shutdown();
}

#[test]
fn real_clock_sleeps_overlap() {
    let (rt, _) = start(Clock::Real);
    let reason = rt.spawn_and_wait(sleepers_root(3, 100, true)).expect("root exits");
    match reason {
        Term::Int(ms) => assert!(ms >= 100, "woke early at {ms} ms"),
        other => panic!("unexpected exit {other:?}"),
    }
    rt.shutdown();
}

/// Exits with `reason` as soon as it runs.
fn exits_with(reason: &'static str) -> Box<dyn ProcessBody> {
    body(move |_| Step::Exited(Term::atom(reason)))
}

/// Root that traps exits, runs `scenario` once (which returns how many messages to
/// collect) and exits with the list of the messages it then received.
fn collector(
    trap: bool,
    mut scenario: impl FnMut(&mut ProcessContext) -> usize + Send + 'static,
) -> Box<dyn ProcessBody> {
    let mut want = None;
    let mut got = Vec::new();
    body(move |cx| {
        let n = *want.get_or_insert_with(|| {
            cx.set_trap_exit(trap);
            scenario(cx)
        });
        while got.len() < n {
            match receive(cx, any) {
                Some(m) => got.push(m),
                None => return Step::Wait { deadline_ms: None },
            }
        }
        Step::Exited(Term::list(std::mem::take(&mut got)))
    })
}

#[test]
fn links_propagate_and_trap_exit_converts() {
    let (rt, _) = start(Clock::Virtual);
    let reason = rt
        .spawn_and_wait(collector(true, |cx| {
            let me = Some(cx.pid());
            let rt = cx.runtime().clone();
            rt.spawn(exits_with("boom"), SpawnOpts { link_to: me, monitor_by: None });
            rt.spawn(exits_with("normal"), SpawnOpts { link_to: me, monitor_by: None });
            let (victim, _) = rt.spawn(idle(), SpawnOpts { link_to: me, monitor_by: None });
            cx.exit(victim, Term::atom("kill"));
            3
        }))
        .expect("root exits");
    let text = format!("{reason:?}");
    // Pids print as debug placeholders in the minimal inspect; compare the reasons.
    let reasons: Vec<String> = reason
        .list_to_vec()
        .unwrap_or_default()
        .iter()
        .map(|m| format!("{:?}", tuple_items(m).get(2).cloned().unwrap_or(Term::Nil)))
        .collect();
    assert_eq!(reasons, vec![":boom", ":normal", ":killed"], "{text}");
    rt.shutdown();
}

#[test]
fn normal_exit_of_a_link_is_ignored_and_crashes_propagate() {
    let (rt, _) = start(Clock::Virtual);
    let reason = rt
        .spawn_and_wait(collector(false, |cx| {
            let rt = cx.runtime().clone();
            // A non-trapping middle process linked to a child that exits normally lives.
            let mut deadline = None;
            let (survivor, _) = rt.spawn(
                body(move |cx| {
                    let d = *deadline.get_or_insert_with(|| {
                        let me = Some(cx.pid());
                        cx.runtime().spawn(exits_with("normal"), SpawnOpts { link_to: me, monitor_by: None });
                        cx.now_ms() + 10
                    });
                    if cx.now_ms() < d {
                        return Step::Wait { deadline_ms: Some(d) };
                    }
                    Step::Exited(Term::atom("normal"))
                }),
                SpawnOpts::default(),
            );
            // A chain: outer is linked to inner, which fails; outer dies too.
            let (outer, _) = rt.spawn(
                body(|cx| {
                    let me = Some(cx.pid());
                    cx.runtime().spawn(exits_with("inner_failed"), SpawnOpts { link_to: me, monitor_by: None });
                    Step::Wait { deadline_ms: None }
                }),
                SpawnOpts::default(),
            );
            cx.monitor(survivor);
            cx.monitor(outer);
            2
        }))
        .expect("root exits");
    let reasons: Vec<String> = reason
        .list_to_vec()
        .unwrap_or_default()
        .iter()
        .map(|m| format!("{:?}", tuple_items(m).get(4).cloned().unwrap_or(Term::Nil)))
        .collect();
    assert_eq!(reasons, vec![":inner_failed", ":normal"]);
    rt.shutdown();
}

#[test]
fn monitors_report_down_and_noproc() {
    let (rt, _) = start(Clock::Virtual);
    let reason = rt
        .spawn_and_wait(collector(false, |cx| {
            let rt = cx.runtime().clone();
            let me = Some(cx.pid());
            let (_, r) = rt.spawn(exits_with("crashed"), SpawnOpts { link_to: None, monitor_by: me });
            assert!(r.is_some());
            let (sleeping, _) = rt.spawn(idle(), SpawnOpts::default());
            let r2 = cx.monitor(sleeping);
            assert!(cx.demonitor(r2, true));
            cx.exit(sleeping, Term::atom("kill"));
            let dead = rt.new_pid();
            cx.monitor(dead);
            2
        }))
        .expect("root exits");
    let reasons: Vec<String> = reason
        .list_to_vec()
        .unwrap_or_default()
        .iter()
        .map(|m| format!("{:?}", tuple_items(m).get(4).cloned().unwrap_or(Term::Nil)))
        .collect();
    // :noproc is delivered at once, before the spawned process got to run.
    assert_eq!(reasons, vec![":noproc", ":crashed"]);
    rt.shutdown();
}

#[test]
fn send_after_fires_and_cancel_timer_reports_remaining() {
    let (rt, _) = start(Clock::Virtual);
    let mut timers = None;
    let reason = rt
        .spawn_and_wait(body(move |cx| {
            let rt = cx.runtime().clone();
            let (tick, _) = *timers.get_or_insert_with(|| {
                let me = TimerDest::Pid(cx.pid());
                rt.send_after(me, Term::atom("second"), 60);
                let tick = rt.send_after(me, Term::atom("first"), 20);
                assert_eq!(rt.read_timer(tick), Some(20));
                let never = rt.send_after(me, Term::atom("never"), 1000);
                assert_eq!(rt.cancel_timer(never), Some(1000));
                assert_eq!(rt.cancel_timer(never), None);
                (tick, never)
            });
            if cx.message_queue_len() < 2 {
                return Step::Wait { deadline_ms: None };
            }
            assert_eq!(rt.read_timer(tick), None);
            let a = cx.recv_accept();
            let b = cx.recv_accept();
            Step::Exited(Term::list(vec![a, b, Term::Int(cx.now_ms() as i64)]))
        }))
        .expect("root exits");
    assert_eq!(format!("{reason:?}"), "[:first, :second, 60]");
    rt.shutdown();
}

#[test]
fn a_runaway_process_does_not_freeze_virtual_time_and_can_be_killed() {
    let (rt, _) = start(Clock::Virtual);
    let mut phase = 0;
    let reason = rt
        .spawn_and_wait(body(move |cx| {
            if phase == 0 {
                phase = 1;
                let (runaway, _) = cx.runtime().spawn(body(|_| Step::Yielded), SpawnOpts::default());
                cx.dict_put(Term::atom("runaway"), Term::Pid(runaway));
                return Step::Wait { deadline_ms: Some(1000) };
            }
            if phase == 1 {
                if cx.now_ms() < 1000 {
                    return Step::Wait { deadline_ms: Some(1000) };
                }
                phase = 2;
                let woke_at = cx.now_ms();
                cx.dict_put(Term::atom("woke_at"), Term::Int(woke_at as i64));
                if let Some(Term::Pid(runaway)) = cx.dict_get(&Term::atom("runaway")) {
                    cx.monitor(runaway);
                    cx.exit(runaway, Term::atom("kill"));
                }
            }
            match receive(cx, any) {
                Some(down) => Step::Exited(Term::pair(
                    cx.dict_get(&Term::atom("woke_at")).unwrap_or(Term::Nil),
                    tuple_items(&down).get(4).cloned().unwrap_or(Term::Nil),
                )),
                None => Step::Wait { deadline_ms: None },
            }
        }))
        .expect("root exits");
    assert_eq!(format!("{reason:?}"), "{1000, :killed}");
    rt.shutdown();
}

#[test]
fn kill_from_another_thread_stops_a_runaway() {
    let (rt, _) = start(Clock::Real);
    let (pid, rx) = rt.spawn_watched(body(|_| Step::Yielded), SpawnOpts::default());
    rt.set_shell(Some(pid));
    assert_eq!(rt.shell(), Some(pid));
    assert!(rt.kill(pid));
    let reason = Runtime::wait_blocking(pid, rx).expect("exits");
    assert!(reason.is_atom_named("killed"));
    assert!(!rt.is_alive(pid));
    rt.shutdown();
}

#[test]
fn names_register_and_vanish_with_their_process() {
    let (rt, _) = start(Clock::Virtual);
    let (pid, rx) = rt.spawn_watched(body(|cx| match receive(cx, any) {
        Some(_) => Step::Exited(Term::atom("normal")),
        None => Step::Wait { deadline_ms: None },
    }), SpawnOpts::default());
    let name = crate::term::Atom::new("pinger");
    rt.register(pid, name).expect("free name");
    assert!(rt.register(pid, crate::term::Atom::new("other")).is_err(), "one name per process");
    assert_eq!(rt.whereis(name), Some(pid));
    assert!(rt.registered().contains(&name));
    assert_eq!(rt.send_named(name, Term::atom("stop")), Some(true));
    Runtime::wait_blocking(pid, rx).expect("exits");
    assert_eq!(rt.whereis(name), None);
    assert!(rt.register(pid, name).is_err(), "dead pids cannot register");
    assert!(rt.unregister(name).is_err());
    rt.shutdown();
}

#[test]
fn global_names_take_any_term_several_per_process_and_vanish_at_exit() {
    let (rt, _) = start(Clock::Virtual);
    let (pid, rx) = rt.spawn_watched(body(|cx| match receive(cx, any) {
        Some(_) => Step::Exited(Term::atom("normal")),
        None => Step::Wait { deadline_ms: None },
    }), SpawnOpts::default());
    let (a, b) = (Term::tuple(vec![Term::atom("worker"), Term::Int(1)]), Term::string("b"));
    assert!(rt.register_global(a.clone(), pid));
    assert!(rt.register_global(b.clone(), pid), "a process may hold several global names");
    assert!(!rt.register_global(a.clone(), pid), "a name is held once");
    assert_eq!(rt.whereis_global(&a), Some(pid));
    assert_eq!(rt.global_names(), vec![a.clone(), b.clone()]);
    rt.unregister_global(&b);
    assert_eq!(rt.whereis_global(&b), None);
    rt.send(pid, Term::atom("stop"));
    Runtime::wait_blocking(pid, rx).expect("exits");
    assert_eq!(rt.whereis_global(&a), None, "names go with their process");
    assert!(!rt.register_global(a, pid), "dead pids cannot register");
    assert!(rt.global_names().is_empty());
    rt.shutdown();
}

#[test]
fn exit_hooks_run_before_down_and_crash_reports_respect_the_level() {
    let (rt, out) = start(Clock::Virtual);
    let seen: Arc<Mutex<Vec<Pid>>> = Arc::default();
    let hook_seen = seen.clone();
    rt.add_exit_hook(Box::new(move |pid| hook_seen.lock().push(pid)));
    let crasher = || {
        body(|cx| {
            cx.set_crash_report("** (RuntimeError) crash\n    test: anonymous fn".into());
            Step::Exited(Term::pair(Term::atom("crash"), Term::Nil))
        })
    };
    let check_seen = seen.clone();
    let reason = rt
        .spawn_and_wait(collector(false, move |cx| {
            let me = Some(cx.pid());
            let (pid, _) = cx.runtime().spawn(crasher(), SpawnOpts { link_to: None, monitor_by: me });
            cx.dict_put(Term::atom("crasher"), Term::Pid(pid));
            1
        }))
        .expect("root exits");
    let down_pid = reason.list_to_vec().and_then(|v| v.first().map(|d| tuple_items(d)[3].clone()));
    if let Some(Term::Pid(p)) = down_pid {
        assert!(check_seen.lock().contains(&p), "hook ran before DOWN arrived");
    } else {
        panic!("no DOWN in {reason:?}");
    }
    assert!(out.0.lock().contains("[error] Process #PID<0."), "{}", out.0.lock());
    assert!(out.0.lock().contains("** (RuntimeError) crash"));

    out.0.lock().clear();
    rt.set_log_level(LogLevel::None);
    assert_eq!(rt.log_level(), LogLevel::None);
    let quiet = rt.spawn_and_wait(crasher()).expect("exits");
    assert!(!quiet.is_atom_named("normal"));
    assert_eq!(out.0.lock().as_str(), "", "level :none silences crash reports");
    rt.shutdown();
}

#[test]
fn info_reports_queue_links_and_status() {
    let (rt, _) = start(Clock::Virtual);
    let (a, rx) = rt.spawn_watched(idle(), SpawnOpts::default());
    let (b, _) = rt.spawn(idle(), SpawnOpts { link_to: Some(a), monitor_by: None });
    rt.send(a, Term::Int(1));
    rt.send(a, Term::Int(2));
    // Let both reach their wait (virtual time moves once all are idle).
    let _ = rt.spawn_and_wait(body(|cx| {
        if cx.now_ms() < 5 { Step::Wait { deadline_ms: Some(5) } } else { Step::Exited(Term::atom("normal")) }
    }));
    let info = rt.process_info(a).expect("alive");
    assert_eq!(info.message_queue_len, 2);
    assert_eq!(info.links, vec![b]);
    assert_eq!(info.status, super::process::Status::Waiting);
    assert!(rt.processes().windows(2).all(|w| w[0] < w[1]), "sorted");
    assert!(rt.process_count() >= 2);
    let b_info = rt.process_info(b).expect("alive");
    assert!(info.memory > b_info.memory, "a's two queued messages cost a mailbox buffer");
    let entry = std::mem::size_of::<super::process::ProcessEntry>();
    assert!(b_info.memory >= super::info::task_cell_bytes(0) + entry);
    // What the driver holds across a wait (`driver::wait`, `process::Arrival`) is in
    // every process's memory, in 128-byte steps: an idle process's task cell has been
    // 512 bytes since the memory figures were first measured (futures up to 400).
    let task = rt.entry(b).expect("alive").state.lock().task_bytes;
    assert!(task <= super::info::task_cell_bytes(400), "the driver's task grew to {task} bytes");
    assert!(rt.memory().processes >= info.memory + b_info.memory);
    rt.kill(a);
    assert!(Runtime::wait_blocking(a, rx).expect("exits").is_atom_named("killed"));
    // b was linked to a and does not trap exits: it dies with :killed too.
    let probe = rt.spawn_and_wait(body(|cx| {
        if cx.now_ms() < 10 { Step::Wait { deadline_ms: Some(10) } } else { Step::Exited(Term::atom("normal")) }
    }));
    assert!(probe.is_ok());
    assert!(!rt.is_alive(b));
    rt.shutdown();
}

/// Resident set size of this test process, in bytes (Linux), for a rough figure.
fn resident_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = status.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[test]
fn idle_process_memory() {
    const N: usize = 100_000;
    let (rt, _) = start(Clock::Virtual);
    let before = resident_bytes();
    let accounted_before = rt.memory().processes;
    let wall = std::time::Instant::now();
    let mut pids = Vec::with_capacity(N);
    for _ in 0..N {
        pids.push(rt.spawn(idle(), SpawnOpts::default()).0);
    }
    // Wait until every one of them has run once and parked.
    let _ = rt.spawn_and_wait(body(|cx| {
        if cx.now_ms() < 1 { Step::Wait { deadline_ms: Some(1) } } else { Step::Exited(Term::atom("normal")) }
    }));
    let spawn_time = wall.elapsed();
    assert_eq!(rt.process_count(), N);
    let after = resident_bytes();
    let accounted = (rt.memory().processes - accounted_before) / N;
    // The accounting reads capacities, not the clock or the allocator: it is exact, and
    // an idle process must stay below BEAM's ~2.7 KB (bench: about 1.5 KB).
    assert!(accounted > 0 && accounted < 2_048, "an idle process accounts for {accounted} bytes");
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "{N} idle processes: ~{} bytes/process resident (runtime accounts {accounted}), spawned and parked in {spawn_time:?}",
            a.saturating_sub(b) / N
        );
    }
    rt.shutdown();
}

/// A body that grows a buffer every time it runs and parks, like a machine whose
/// frames grow between receives.
struct Growing(Vec<u64>);

impl ProcessBody for Growing {
    fn run(&mut self, _cx: &mut ProcessContext, _budget: u32) -> Step {
        self.0.reserve(self.0.capacity() + 1000);
        Step::Wait { deadline_ms: None }
    }

    fn heap_bytes(&self) -> usize {
        super::info::heap_chunk(std::mem::size_of::<Growing>()) + super::info::heap_chunk(self.0.capacity() * 8)
    }
}

#[test]
fn process_memory_counts_the_body_as_of_its_last_park() {
    let (rt, _) = start(Clock::Virtual);
    let (pid, _) = rt.spawn(Box::new(Growing(Vec::new())), SpawnOpts::default());
    let settle = |rt: &Runtime| {
        let _ = rt.spawn_and_wait(body(|cx| {
            if cx.now_ms() < 1 { Step::Wait { deadline_ms: Some(1) } } else { Step::Exited(Term::atom("normal")) }
        }));
    };
    settle(&rt);
    let first = rt.process_info(pid).expect("alive").memory;
    assert!(first >= 8000 + super::info::task_cell_bytes(0), "the body's buffer and the task are counted: {first}");
    rt.wake(pid);
    settle(&rt);
    let second = rt.process_info(pid).expect("alive").memory;
    assert!(second >= first + 8000, "the figure follows the body: {first} -> {second}");
    assert!(rt.memory().processes >= second);
    rt.kill(pid);
    rt.shutdown();
}

/// Workers woken by a message and workers woken by their own timeout all leave the
/// ready count balanced: once their `:DOWN`s are in, only the root counts.
#[test]
fn the_ready_count_balances_over_wakes_timeouts_and_exits() {
    for clock in [Clock::Virtual, Clock::Real] {
        let (rt, _) = start(clock);
        let mut workers: Option<Vec<Pid>> = None;
        let mut downs = 0;
        let reason = rt
            .spawn_and_wait(body(move |cx| {
                let me = cx.pid();
                let pids = workers.get_or_insert_with(|| {
                    let spawn = |cx: &mut ProcessContext, b| cx.runtime().spawn(b, SpawnOpts { link_to: None, monitor_by: Some(me) }).0;
                    let mut pids = Vec::new();
                    for i in 0..10 {
                        pids.push(spawn(cx, if i % 2 == 0 { sleeper(me, 5) } else {
                            body(|cx| match receive(cx, any) {
                                Some(_) => Step::Exited(Term::atom("normal")),
                                None => Step::Wait { deadline_ms: None },
                            })
                        }));
                    }
                    pids
                });
                for p in pids.iter().skip(1).step_by(2) {
                    cx.runtime().send(*p, Term::atom("go"));
                }
                while let Some(msg) = receive(cx, any) {
                    if matches!(tuple_items(&msg).first(), Some(Term::Atom(a)) if a.as_str() == "DOWN") {
                        downs += 1;
                    }
                }
                if downs < 10 {
                    return Step::Wait { deadline_ms: None };
                }
                Step::Exited(Term::Int(cx.entry().ready.get() as i64))
            }))
            .expect("root exits");
        assert!(matches!(reason, Term::Int(1)), "{clock:?}: ready count {reason:?} with only the root running");
        rt.shutdown();
    }
}

//! `ProcessEntry`: the shared half of a process (mailbox, signal queue, links,
//! monitors, flags), reachable from any thread through the process table.

use super::mailbox::Mailbox;
use super::ready::ReadyCount;
use super::roster::Roster;
use crate::term::{ATOMS, Atom, Pid, Ref, Term, TermMap};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// What a process is doing, as `Process.info(pid, :status)` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Its body is running right now.
    Running,
    /// Ready to run (spawned, or yielded after its slice).
    #[default]
    Runnable,
    /// Parked in `receive` or a sleep.
    Waiting,
    /// Finished; its signals are going out.
    Exiting,
}

impl Status {
    /// The atom BEAM uses for this status.
    pub fn atom(self) -> Term {
        Term::atom(match self {
            Status::Running => "running",
            Status::Runnable => "runnable",
            Status::Waiting => "waiting",
            Status::Exiting => "exiting",
        })
    }
}

/// An exit signal on its way to a process (from a link, or from `Process.exit/2`).
#[derive(Debug, Clone)]
pub(crate) struct ExitSignal {
    /// Who sent it (the exiting linked process, or the caller of `Process.exit/2`).
    pub from: Pid,
    /// The exit reason.
    pub reason: Term,
    /// True for `Process.exit(pid, :kill)`: cannot be trapped; the victim dies `:killed`.
    pub untrappable: bool,
}

/// What an exit signal does to its receiver.
#[derive(Debug, PartialEq)]
pub(crate) enum SignalEffect {
    /// The receiver dies with this reason.
    Die(Term),
    /// The receiver traps exits: the signal becomes an `{:EXIT, from, reason}` message.
    Message(Term),
    /// A `:normal` signal to a process not trapping exits: nothing happens.
    Ignore,
}

/// Decides an exit signal's effect by OTP's rules.
pub(crate) fn signal_effect(sig: &ExitSignal, receiver: Pid, trap_exit: bool) -> SignalEffect {
    if sig.untrappable {
        return SignalEffect::Die(Term::Atom(ATOMS.killed));
    }
    if trap_exit {
        return SignalEffect::Message(Term::tuple(vec![
            Term::Atom(ATOMS.exit_),
            Term::Pid(sig.from),
            sig.reason.clone(),
        ]));
    }
    if sig.reason.is_atom_named("normal") {
        // `Process.exit(self(), :normal)` is the one `:normal` signal that kills.
        if sig.from == receiver {
            return SignalEffect::Die(sig.reason.clone());
        }
        return SignalEffect::Ignore;
    }
    SignalEffect::Die(sig.reason.clone())
}

/// A process dictionary, in term order: absent until the first `Process.put` (one
/// word in every process), then a `TermMap`, whose few entries are a small array
/// (a GenServer's one `$initial_call` takes 160 bytes, where a B-tree's first node
/// took 384; large dictionaries grow into its tree).
#[derive(Default)]
pub struct Dictionary(Option<Box<TermMap>>);

impl Dictionary {
    /// The value under `key`.
    pub fn get(&self, key: &Term) -> Option<&Term> {
        self.0.as_ref().and_then(|d| d.get(key))
    }

    /// Puts `value` under `key`, returning what was there.
    pub fn insert(&mut self, key: Term, value: Term) -> Option<Term> {
        self.0.get_or_insert_default().insert(key, value)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &Term) -> Option<Term> {
        self.0.as_mut().and_then(|d| d.remove(key))
    }

    /// Every entry, in term order.
    pub fn iter(&self) -> impl Iterator<Item = (&Term, &Term)> {
        self.0.iter().flat_map(|d| d.iter())
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |d| d.len())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The mutable part of a process, behind one lock.
///
/// Lock order: the runtime's name table may be locked before a process; no code
/// holds two process locks at once.
#[derive(Default)]
pub(crate) struct ProcessState {
    /// Queued messages.
    pub mailbox: Mailbox,
    /// Exit signals not yet acted on; checked every time the body resumes.
    pub signals: VecDeque<ExitSignal>,
    /// Linked processes.
    pub links: Roster<Pid, ()>,
    /// Monitors this process holds on others: ref → watched pid.
    pub monitors: Roster<Ref, Pid>,
    /// Monitors others hold on this process: ref → watcher pid.
    pub watchers: Roster<Ref, Pid>,
    /// The process dictionary (`Process.put/get`).
    pub dictionary: Dictionary,
    /// `Process.flag(:trap_exit, _)`.
    pub trap_exit: bool,
    /// The registered name, if any.
    pub name: Option<Atom>,
    /// Names this process holds in the `:global` table (see `super::names`).
    pub global_names: Vec<Term>,
    /// What the process is doing.
    pub status: Status,
    /// False once the process has exited; nothing is delivered after that.
    pub dead: bool,
    /// A message or signal arrived since the body last ran (wakes `Step::Wait`).
    pub fresh: bool,
    /// The driver task parked on this process, woken on arrival.
    pub waker: Option<Waker>,
    /// Whoever took `waker` counted the process ready (see `super::ready`).
    pub woken: bool,
    /// Active aliases (see `super::aliases`).
    pub aliases: Roster<Ref, super::aliases::AliasMode>,
    /// Heap bytes of the process's scheduler task (see `info::task_cell_bytes`).
    pub task_bytes: usize,
    /// Heap bytes its body held when it last parked (see `ProcessBody::heap_bytes`).
    pub body_bytes: usize,
}

impl ProcessState {
    /// Forgets the link to `other`; true if there was one.
    pub fn drop_link(&mut self, other: Pid) -> bool {
        self.links.remove(&other).is_some()
    }

    /// Forgets the monitor `r` this process holds; the watched pid if it was active.
    pub fn drop_monitor(&mut self, r: Ref) -> Option<Pid> {
        self.monitors.remove(&r)
    }

    /// Deactivates the alias tied to monitor `r`, if any (`demonitor`, `:DOWN`);
    /// true if there was one (the caller then drops it from the runtime's index).
    pub fn drop_monitor_alias(&mut self, r: Ref) -> bool {
        use super::aliases::AliasMode;
        self.aliases.remove_unless(&r, |mode| *mode == AliasMode::ExplicitUnalias).is_some()
    }

    /// Forgets the monitor `r` another process holds on this one.
    pub fn drop_watcher(&mut self, r: Ref) {
        self.watchers.remove(&r);
    }
}

/// One process's shared state. Lives in the process table while the process is alive.
pub(crate) struct ProcessEntry {
    /// The process's pid.
    pub pid: Pid,
    /// Everything mutable.
    pub state: Mutex<ProcessState>,
    /// The runtime's count of ready processes (see `super::ready`).
    pub ready: Arc<ReadyCount>,
}

impl ProcessState {
    /// Takes the waker of a waiting process to wake it, marking it counted; the
    /// caller must then call [`ReadyCount::up`] (after releasing the lock).
    pub(crate) fn take_waker(&mut self) -> Option<Waker> {
        let waker = self.waker.take();
        if waker.is_some() {
            self.woken = true;
        }
        waker
    }
}

impl ProcessEntry {
    /// A fresh runnable process.
    pub fn new(pid: Pid, ready: Arc<ReadyCount>) -> ProcessEntry {
        ProcessEntry { pid, state: Mutex::new(ProcessState::default()), ready }
    }

    /// Wakes the driver whose waker was taken with `take_waker`.
    pub(crate) fn wake(&self, waker: Option<Waker>) {
        if let Some(w) = waker {
            self.ready.up();
            w.wake();
        }
    }

    /// The process resumes after waiting: counts it unless its waker did, and drops a
    /// waker a timeout left behind (so nobody counts it twice).
    pub fn resumed(&self) {
        let counted = {
            let mut st = self.state.lock();
            st.waker = None;
            std::mem::take(&mut st.woken)
        };
        if !counted {
            self.ready.up();
        }
    }

    /// Queues `msg`; false if the process has already exited (the message is dropped,
    /// as BEAM drops messages to dead pids).
    pub fn deliver(&self, msg: Term) -> bool {
        let waker = {
            let mut st = self.state.lock();
            if st.dead {
                return false;
            }
            st.mailbox.push(msg);
            st.fresh = true;
            st.take_waker()
        };
        self.wake(waker);
        true
    }

    /// The monitor `r` this process holds has fired: forgets it (and the alias tied
    /// to it) and queues its `:DOWN` message `down` in one step, so `demonitor` sees
    /// either the monitor or the message, never neither. True if an alias ended.
    pub fn monitor_fired(&self, r: Ref, down: Term) -> bool {
        let (waker, alias) = {
            let mut st = self.state.lock();
            // A monitor the watcher dropped (`demonitor`) after the target took its
            // watcher list, but before this call, must not deliver: BEAM never lets
            // a `:DOWN` through once `demonitor` has returned.
            let active = st.drop_monitor(r).is_some();
            let alias = st.drop_monitor_alias(r);
            if st.dead || !active {
                return alias;
            }
            st.mailbox.push(down);
            st.fresh = true;
            (st.take_waker(), alias)
        };
        self.wake(waker);
        alias
    }

    /// Wakes a waiting process without giving it a message (its body has new work
    /// from outside the runtime, e.g. the REPL's next entry); false if it exited.
    pub fn nudge(&self) -> bool {
        let waker = {
            let mut st = self.state.lock();
            if st.dead {
                return false;
            }
            st.fresh = true;
            st.take_waker()
        };
        self.wake(waker);
        true
    }

    /// Queues an exit signal; false if the process has already exited.
    pub fn signal(&self, sig: ExitSignal) -> bool {
        let waker = {
            let mut st = self.state.lock();
            if st.dead {
                return false;
            }
            // A trapped signal becomes its `{:EXIT, from, reason}` message now, in
            // arrival order with ordinary messages: a server that traps exits must see
            // a child's EXIT before a call sent after the child's `:DOWN` was seen
            // elsewhere (Task.Supervisor.children/1 right after a crash). Earlier
            // signals still queued keep their turn.
            if st.signals.is_empty()
                && let SignalEffect::Message(msg) = signal_effect(&sig, self.pid, st.trap_exit)
            {
                st.mailbox.push(msg);
            } else {
                st.signals.push_back(sig);
            }
            st.fresh = true;
            st.take_waker()
        };
        self.wake(waker);
        true
    }

    /// A future that completes when a message or signal arrives after the body last
    /// ran (see [`ProcessState::fresh`]). Its first poll parks the process (status
    /// waiting, `body_bytes` its heap bytes, see `ProcessContext::park`); when an
    /// arrival ends the wait, it counts the process ready again (as
    /// [`ProcessEntry::resumed`]) and, with `begin`, begins its next slice (as
    /// [`ProcessEntry::begin_slice`]), all under the lock it takes anyway. A message
    /// round trip parks and wakes a process on each side: these were three more
    /// lock round trips (each a locked read-modify-write to take it and another to
    /// release it) per wait.
    pub fn arrival(&self, body_bytes: usize, begin: bool) -> Arrival<'_> {
        Arrival { entry: self, body_bytes, parking: true, begin }
    }

    /// The start of a slice, under one lock: acts on pending exit signals (trapped
    /// ones become messages, ignored ones vanish) and returns the reason to die
    /// with if one is fatal, the process left as it was; otherwise marks it
    /// running, and arrivals from now on wake its next wait.
    pub fn begin_slice(&self) -> Option<Term> {
        begin_slice_in(&mut self.state.lock(), self.pid)
    }
}

/// [`ProcessEntry::begin_slice`] on the locked state of process `pid`.
fn begin_slice_in(st: &mut ProcessState, pid: Pid) -> Option<Term> {
    if let Some(reason) = take_fatal_signal_in(st, pid) {
        return Some(reason);
    }
    st.fresh = false;
    st.status = Status::Running;
    None
}

/// Acts on the pending exit signals of process `pid` (its state locked): the
/// reason to die with, if one is fatal.
fn take_fatal_signal_in(st: &mut ProcessState, pid: Pid) -> Option<Term> {
    while let Some(sig) = st.signals.pop_front() {
        match signal_effect(&sig, pid, st.trap_exit) {
            SignalEffect::Die(reason) => return Some(reason),
            SignalEffect::Message(msg) => st.mailbox.push(msg),
            SignalEffect::Ignore => {}
        }
    }
    None
}

/// See [`ProcessEntry::arrival`].
///
/// Its size counts in every process's memory: the driver's future holds it while
/// the process waits, and the scheduler task around that future is counted in
/// 128-byte steps (`info::task_cell_bytes`). Hence the status, always `Waiting`,
/// is not a field, and the flags share a word with nothing larger.
pub(crate) struct Arrival<'a> {
    entry: &'a ProcessEntry,
    /// The heap bytes to record at the first poll.
    body_bytes: usize,
    /// True until the first poll has parked the process.
    parking: bool,
    /// Whether the wake begins the next slice too.
    begin: bool,
}

/// How an arrival leaves a waiting process: counted ready again, and with
/// `begin` its next slice begun.
#[derive(Debug)]
pub(crate) enum Awake {
    /// Counted ready; the slice is still to begin.
    Resumed,
    /// Counted ready and the slice begun: `Some(reason)` when a pending exit
    /// signal is fatal (the slice does not run), as `begin_slice` answers.
    Begun(Option<Term>),
}

impl Future for Arrival<'_> {
    type Output = Awake;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Awake> {
        let this = self.get_mut();
        let (awake, counted) = {
            let mut st = this.entry.state.lock();
            if std::mem::take(&mut this.parking) {
                st.status = Status::Waiting;
                st.body_bytes = this.body_bytes;
            }
            if !st.fresh && st.signals.is_empty() {
                match &st.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => st.waker = Some(cx.waker().clone()),
                }
                return Poll::Pending;
            }
            st.waker = None;
            let counted = std::mem::take(&mut st.woken);
            let awake = if this.begin { Awake::Begun(begin_slice_in(&mut st, this.entry.pid)) } else { Awake::Resumed };
            (awake, counted)
        };
        if !counted {
            this.entry.ready.up();
        }
        Poll::Ready(awake)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(from: u64, reason: &str, untrappable: bool) -> ExitSignal {
        ExitSignal { from: Pid(from), reason: Term::atom(reason), untrappable }
    }

    #[test]
    fn exit_signal_rules_follow_otp() {
        let me = Pid(1);
        assert_eq!(signal_effect(&sig(2, "normal", false), me, false), SignalEffect::Ignore);
        assert_eq!(
            signal_effect(&sig(1, "normal", false), me, false),
            SignalEffect::Die(Term::atom("normal"))
        );
        assert_eq!(signal_effect(&sig(2, "boom", false), me, false), SignalEffect::Die(Term::atom("boom")));
        assert_eq!(signal_effect(&sig(2, "kill", true), me, true), SignalEffect::Die(Term::atom("killed")));
        // A linked process that itself exited with reason :kill sends a trappable :kill.
        let trapped = signal_effect(&sig(2, "kill", false), me, true);
        assert_eq!(
            trapped,
            SignalEffect::Message(Term::tuple(vec![Term::atom("EXIT"), Term::Pid(Pid(2)), Term::atom("kill")]))
        );
    }

    #[test]
    fn a_monitor_dropped_before_it_fires_delivers_no_down() {
        // The target's exit took its watcher list; the watcher's demonitor ran
        // before the target got round to firing: no :DOWN may arrive after that.
        let p = ProcessEntry::new(Pid(1), Arc::default());
        let (kept, dropped) = (Ref(7), Ref(8));
        p.state.lock().monitors.insert(kept, Pid(2));
        p.state.lock().monitors.insert(dropped, Pid(2));
        assert_eq!(p.state.lock().drop_monitor(dropped), Some(Pid(2)));
        p.monitor_fired(dropped, Term::atom("late_down"));
        assert_eq!(p.state.lock().mailbox.len(), 0);
        p.monitor_fired(kept, Term::atom("down"));
        assert_eq!(p.state.lock().mailbox.len(), 1);
    }

    #[test]
    fn trapped_signals_become_messages_in_arrival_order() {
        let p = ProcessEntry::new(Pid(1), Arc::default());
        p.state.lock().trap_exit = true;
        assert!(p.signal(sig(2, "normal", false)));
        assert!(p.signal(sig(3, "boom", false)));
        assert_eq!(p.begin_slice(), None);
        assert_eq!(p.state.lock().mailbox.len(), 2);
        p.state.lock().dead = true;
        assert!(!p.deliver(Term::Int(1)), "dead processes take no mail");
    }

    #[test]
    fn a_fatal_signal_ends_the_process_before_its_slice_begins() {
        let p = ProcessEntry::new(Pid(1), Arc::default());
        p.state.lock().fresh = true;
        assert!(p.signal(sig(2, "boom", false)));
        assert_eq!(p.begin_slice(), Some(Term::atom("boom")));
        assert!(p.state.lock().fresh, "a slice that does not begin leaves the process as it was");
        assert_eq!(p.begin_slice(), None, "the signal was acted on once");
        let st = p.state.lock();
        assert!(!st.fresh && st.status == Status::Running);
    }

    #[test]
    fn a_trapped_exit_keeps_its_place_among_messages() {
        // A supervisor must see a child's EXIT before a call sent after the crash.
        let p = ProcessEntry::new(Pid(1), Arc::default());
        p.state.lock().trap_exit = true;
        assert!(p.deliver(Term::atom("before")));
        assert!(p.signal(sig(2, "boom", false)));
        assert!(p.deliver(Term::atom("after")));
        assert_eq!(p.begin_slice(), None);
        let st = p.state.lock();
        let order: Vec<String> = st.mailbox.messages().map(crate::term::inspect::inspect).collect();
        assert_eq!(order, [":before", "{:EXIT, #PID<0.2.0>, :boom}", ":after"]);
    }
}

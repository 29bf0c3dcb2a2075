//! [`ProcessContext`]: the running process's view of the runtime — its identity,
//! its mailbox (selective receive), its dictionary, and the signals it sends.

use super::process::{ProcessEntry, Status};
use super::system::Runtime;
use crate::term::{Pid, Ref, Term};
use std::sync::Arc;

/// Handed to [`super::ProcessBody::run`]: who the process is and how it reaches
/// the rest of the system.
///
/// Invariant: while the context exists its process is alive in the table; dropping a
/// context that has not finished exits the process (`:normal`, or `:shutdown` when
/// the runtime is stopping), so no process outlives its driver.
pub struct ProcessContext {
    pid: Pid,
    runtime: Runtime,
    entry: Arc<ProcessEntry>,
    finished: bool,
    crash_report: Option<String>,
    otp_managed: bool,
    /// The entry of the process it last sent to, monitored or replied to.
    peers: super::peers::Peers,
}

impl ProcessContext {
    /// A new live process `pid` in `runtime`, driven by the caller rather than by a
    /// scheduler task (tests and tools). Messages and signals reach it normally.
    pub fn new(pid: Pid, runtime: Runtime) -> ProcessContext {
        let entry = runtime.register_entry(pid);
        ProcessContext::attached(entry, runtime)
    }

    /// The context of the process whose table entry is `entry`.
    pub(crate) fn attached(entry: Arc<ProcessEntry>, runtime: Runtime) -> ProcessContext {
        ProcessContext {
            pid: entry.pid,
            runtime,
            entry,
            finished: false,
            crash_report: None,
            otp_managed: false,
            peers: super::peers::Peers::default(),
        }
    }

    /// The running process's pid (`self()`).
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The runtime the process lives in.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Writes to the process's group leader (standard output).
    pub fn write_stdout(&self, text: &str) {
        self.runtime.output().write_stdout(text);
    }

    /// Monotonic milliseconds on the runtime's clock (deadlines for `Step::Wait`).
    pub fn now_ms(&self) -> u64 {
        self.runtime.now_ms()
    }

    // ---- selective receive -------------------------------------------------------

    /// A clone of the message at the save index, or `None` when the scan has seen
    /// every queued message (then the body returns `Step::Wait`). With `mark`, a
    /// reference every clause of the `receive` needs, the scan first skips the
    /// messages queued before this process created it (see `Mailbox::mark`). With
    /// `item` (`(i, v)`: every clause needs a tuple whose item `i` is exactly `v`),
    /// the scan passes over the messages that are not such a tuple.
    pub fn recv_peek(&mut self, mark: Option<Ref>, item: Option<(usize, &Term)>) -> Option<Term> {
        let mut st = self.entry.state.lock();
        if let Some(r) = mark {
            st.mailbox.start_after_mark(r);
        }
        match item {
            Some((i, v)) => st.mailbox.peek_fitting(|m| matches!(m, Term::Tuple(t) if t.get(i) == Some(v))).cloned(),
            None => st.mailbox.peek().cloned(),
        }
    }

    /// Removes the message at the save index (the one `recv_peek` returned) and
    /// resets the save index. `Term::Nil` is never queued by the runtime, but the
    /// VM only calls this after a successful peek; an empty scan yields `[]`.
    pub fn recv_accept(&mut self) -> Term {
        let message = self.entry.state.lock().mailbox.accept().unwrap_or(Term::Nil);
        self.runtime.note_receive(self.pid, &message);
        message
    }

    /// Records that this process has just created the reference `r` (see
    /// [`super::mailbox::Mailbox::mark`]): a later `receive` that needs `r` in
    /// every clause skips the messages queued before it.
    pub fn recv_mark(&mut self, r: Ref) {
        self.entry.state.lock().mailbox.mark(r);
    }

    /// Leaves the message at the save index in the mailbox and moves to the next.
    pub fn recv_skip(&mut self) {
        self.entry.state.lock().mailbox.skip();
    }

    /// Resets the save index to the front (after `receive ... after` timed out).
    pub fn recv_reset(&mut self) {
        self.entry.state.lock().mailbox.reset();
    }

    /// The number of queued messages.
    pub fn message_queue_len(&self) -> usize {
        self.entry.state.lock().mailbox.len()
    }

    // ---- flags and dictionary ----------------------------------------------------

    /// Sets `trap_exit`, returning the previous value.
    pub fn set_trap_exit(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.entry.state.lock().trap_exit, on)
    }

    /// The process dictionary's value for `key` (`Process.get/1`).
    pub fn dict_get(&self, key: &Term) -> Option<Term> {
        self.entry.state.lock().dictionary.get(key).cloned()
    }

    /// Stores `value` under `key`, returning the previous value (`Process.put/2`).
    pub fn dict_put(&mut self, key: Term, value: Term) -> Option<Term> {
        self.entry.state.lock().dictionary.insert(key, value)
    }

    /// Removes `key`, returning its value (`Process.delete/1`).
    pub fn dict_delete(&mut self, key: &Term) -> Option<Term> {
        self.entry.state.lock().dictionary.remove(key)
    }

    /// Every `{key, value}` in the dictionary, in term order.
    pub fn dict_entries(&self) -> Vec<(Term, Term)> {
        self.entry.state.lock().dictionary.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    // ---- crash reporting ---------------------------------------------------------

    /// Records the formatted exception (`** (RuntimeError) boom\n    stack...`) of an
    /// uncaught error, so the runtime logs a crash report if the process exits with
    /// an abnormal reason. The VM sets it just before returning `Step::Exited`.
    pub fn set_crash_report(&mut self, detail: String) {
        self.crash_report = Some(detail);
    }

    /// Marks the process as managed by an OTP behaviour, which reports its own
    /// crashes: the runtime then logs none for it.
    pub fn set_otp_managed(&mut self, managed: bool) {
        self.otp_managed = managed;
    }

    // ---- driver interface --------------------------------------------------------

    /// The shared entry (for the driver's wait).
    pub(crate) fn entry(&self) -> &ProcessEntry {
        &self.entry
    }

    /// The shared entry, as a handle that outlives the context.
    pub(crate) fn entry_arc(&self) -> Arc<ProcessEntry> {
        self.entry.clone()
    }

    /// Starts a run: acts on pending exit signals (the reason to die with, if one
    /// is fatal: the run does not start), then marks the process running, so that
    /// arrivals from now on wake its next wait. One lock for both (a message round
    /// trip starts a slice on each side).
    pub(crate) fn begin_slice(&mut self) -> Option<Term> {
        let fatal = self.entry.begin_slice();
        self.slice_begun(fatal)
    }

    /// The part of [`ProcessContext::begin_slice`] outside the process's lock, for
    /// a slice whose start was taken under it (`fatal` being what it answered):
    /// the sequence journal's running process.
    pub(crate) fn slice_begun(&mut self, fatal: Option<Term>) -> Option<Term> {
        if fatal.is_none() && self.runtime.journal().sequence_is_on() {
            super::journal::set_running(Some(self.pid));
        }
        fatal
    }

    /// `send(pid, msg)` from this process: [`Runtime::send`], the destination's
    /// entry kept from this process's last lookup when it is the same (see `super::peers`).
    pub fn send(&mut self, to: Pid, msg: Term) -> bool {
        let entry = self.peers.get(&self.runtime, to);
        self.runtime.send_to_entry(to, entry.map(|e| &**e), msg)
    }

    /// This process's entry, the entry of process `pid` (alive or, if kept from
    /// before, dead: see `super::peers`) and the runtime, borrowed together.
    pub(crate) fn peer(&mut self, pid: Pid) -> (&ProcessEntry, Option<&ProcessEntry>, &Runtime) {
        (&self.entry, self.peers.get(&self.runtime, pid).map(|e| &**e), &self.runtime)
    }

    /// Records what the process does until its next run and the heap bytes its
    /// body (and, while it waits with a deadline, its timer) holds meanwhile.
    pub(crate) fn park(&mut self, status: Status, body_bytes: usize) {
        self.end_slice();
        let mut st = self.entry.state.lock();
        st.status = status;
        st.body_bytes = body_bytes;
    }

    /// The part of [`ProcessContext::park`] outside the process's lock, for a wait
    /// whose status and heap bytes its [`arrival`](ProcessEntry::arrival) records.
    pub(crate) fn end_slice(&mut self) {
        // Sends from this thread until the next slice are nobody's (a timer's).
        super::journal::set_running(None);
        self.runtime.journal().slice_ended(self.pid, super::meter::take_slice_reductions());
    }

    /// Exits the process with `reason`: unregisters it and tells its links and
    /// monitors. `by_signal` deaths (killed, linked crash) log no crash report.
    pub fn finish(&mut self, reason: Term, by_signal: bool) {
        if self.finished {
            return;
        }
        self.finished = true;
        let report = if by_signal || self.otp_managed { None } else { self.crash_report.take() };
        self.runtime.journal().slice_ended(self.pid, super::meter::take_slice_reductions());
        self.runtime.finish_process(&self.entry, reason, report.as_deref());
        super::journal::set_running(None);
    }
}

impl Drop for ProcessContext {
    fn drop(&mut self) {
        if !self.finished {
            let reason = if self.runtime.is_stopping() { "shutdown" } else { "normal" };
            self.finish(Term::atom(reason), true);
        }
    }
}

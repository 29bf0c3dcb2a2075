//! Links, monitors and exit signals between processes, and the exit sequence of a
//! dying process.
//!
//! Invariant: no function here holds two process locks at once; each step locks
//! one process, so concurrent exits cannot deadlock.

use super::context::ProcessContext;
use super::error::LinkError;
use super::logger::{LogLevel, is_clean_exit, write_crash_report};
use super::process::{ExitSignal, ProcessEntry, SignalEffect, Status, signal_effect};
use super::system::Runtime;
use crate::term::{ATOMS, Pid, Ref, Term};
use std::sync::atomic::Ordering;

impl Runtime {
    /// True once [`Runtime::shutdown`] has begun.
    pub fn is_stopping(&self) -> bool {
        self.inner.stopping.load(Ordering::SeqCst)
    }

    /// Links `a` (which must be alive, usually the caller) with `b`. If `b` is dead,
    /// `a` gets an exit signal with reason `:noproc` instead.
    pub(crate) fn link_pair(&self, a: Pid, b: Pid) {
        self.link_with(a, b, false);
    }

    /// Links a process spawned this instant (`a`, not yet running) with `b`: neither
    /// can hold the link already, so the duplicate scans are skipped (they cost
    /// O(links) for a parent that has spawned thousands of linked tasks).
    pub(crate) fn link_newborn(&self, a: Pid, b: Pid) {
        self.link_with(a, b, true);
    }

    fn link_with(&self, a: Pid, b: Pid, newborn: bool) {
        if a == b {
            return;
        }
        if let Some(ea) = self.entry(a) {
            let mut st = ea.state.lock();
            if newborn || !st.links.contains(&b) {
                st.links.insert(b, ());
            }
        }
        let linked = match self.entry(b) {
            Some(eb) => {
                let mut st = eb.state.lock();
                if st.dead {
                    false
                } else {
                    if newborn || !st.links.contains(&a) {
                        st.links.insert(a, ());
                    }
                    true
                }
            }
            None => false,
        };
        if linked && self.inner.journal.sequence_is_on() {
            self.inner.journal.linked(self.now_ms(), a, b);
        }
        if !linked && let Some(ea) = self.entry(a) {
            ea.state.lock().drop_link(b);
            ea.signal(ExitSignal { from: b, reason: Term::Atom(ATOMS.noproc), untrappable: false });
        }
    }

    /// `a` starts monitoring `b`; returns the monitor's ref. If `b` is dead, `a` gets
    /// `{:DOWN, ref, :process, b, :noproc}` at once.
    pub(crate) fn monitor_from(&self, a: Pid, b: Pid) -> Ref {
        self.monitor_entries((a, self.entry(a).as_deref()), (b, self.entry(b).as_deref()))
    }

    /// [`Runtime::monitor_from`] with the two entries found already (`None`: not in
    /// the table).
    pub(crate) fn monitor_entries(&self, (a, ea): (Pid, Option<&ProcessEntry>), (b, eb): (Pid, Option<&ProcessEntry>)) -> Ref {
        let r = self.make_ref();
        // Record on the watcher first, so a concurrent exit of `b` finds and clears it;
        // its mailbox's mark is set under the same lock, before a `:DOWN` holding `r`
        // can be queued (see `Mailbox::mark`).
        if let Some(ea) = ea {
            let mut st = ea.state.lock();
            st.monitors.insert(r, b);
            st.mailbox.mark(r);
        }
        let watching = match eb {
            Some(eb) => {
                let mut st = eb.state.lock();
                if st.dead {
                    false
                } else {
                    st.watchers.insert(r, a);
                    true
                }
            }
            None => false,
        };
        if !watching && let Some(ea) = ea {
            // A fresh monitor has no alias yet; `monitor_with_alias` ties one after.
            ea.monitor_fired(r, down_message(r, b, Term::Atom(ATOMS.noproc)));
        }
        r
    }

    /// Sends the exit signal `reason` from `from` to `to` (`Process.exit/2`);
    /// `:kill` is untrappable. False if `to` is not alive.
    pub fn exit_signal(&self, from: Pid, to: Pid, reason: Term) -> bool {
        let untrappable = reason.as_atom() == Some(ATOMS.kill);
        if self.inner.journal.sequence_is_on() && self.is_alive(to) {
            self.inner.journal.exit_signal(self.now_ms(), from, to, &reason);
        }
        match self.entry(to) {
            Some(e) => e.signal(ExitSignal { from, reason, untrappable }),
            None => false,
        }
    }

    /// Kills `pid` as `Process.exit(pid, :kill)` would; callable from any thread
    /// (a REPL interrupt). The process dies at its next resume, even a runaway one.
    pub fn kill(&self, pid: Pid) -> bool {
        self.exit_signal(pid, pid, Term::Atom(ATOMS.kill))
    }

    /// The exit sequence: mark dead, leave the table and name registry, run exit
    /// hooks, log a crash report, then signal links, `:DOWN` the watchers, drop our
    /// own monitors and wake anyone waiting for the exit.
    pub(crate) fn finish_process(&self, entry: &ProcessEntry, reason: Term, report: Option<&str>) {
        let pid = entry.pid;
        // The messages nobody will receive are dropped after the lock (other
        // processes may keep the entry itself a while, see `super::peers`).
        let (unread, (links, monitors, watchers, name, aliases, global_names)) = {
            let mut st = entry.state.lock();
            st.dead = true;
            st.status = Status::Exiting;
            st.waker = None;
            st.signals.clear();
            (std::mem::take(&mut st.mailbox), (
                st.links.take_items(),
                st.monitors.take_items(),
                st.watchers.take_items(),
                st.name.take(),
                st.aliases.take_items(),
                std::mem::take(&mut st.global_names),
            ))
        };
        drop(unread);
        self.forget_global_names(pid, global_names);
        self.forget_aliases(&aliases);
        self.inner.table.write().remove(&pid);
        if self.inner.journal.records_lives() {
            self.inner.journal.exited(pid, self.now_ms(), &reason, name);
        }
        self.note_exit(pid, &reason);
        if let Some(name) = name {
            let mut names = self.inner.names.lock();
            if names.get(&name) == Some(&pid) {
                names.remove(&name);
            }
        }
        for hook in self.inner.exit_hooks.read().iter() {
            hook(pid);
        }
        if let Some(detail) = report
            && !is_clean_exit(&reason)
            && self.log_level().allows(LogLevel::Error)
        {
            write_crash_report(self.output().as_ref(), pid, self.system_time_ms(), detail);
        }
        for (other, ()) in links {
            if let Some(e) = self.entry(other) {
                if self.inner.journal.sequence_is_on() {
                    self.inner.journal.exit_signal(self.now_ms(), pid, other, &reason);
                }
                e.state.lock().drop_link(pid);
                e.signal(ExitSignal { from: pid, reason: reason.clone(), untrappable: false });
            }
        }
        for (r, watcher) in watchers {
            if self.inner.journal.sequence_is_on() && self.is_alive(watcher) {
                self.inner.journal.down(self.now_ms(), pid, watcher, &reason);
            }
            if let Some(e) = self.entry(watcher)
                && e.monitor_fired(r, down_message(r, pid, reason.clone()))
            {
                self.forget_alias(r);
            }
        }
        for (r, target) in monitors {
            if let Some(e) = self.entry(target) {
                e.state.lock().drop_watcher(r);
            }
        }
        // Drop the dead process's messages now rather than when the last Arc goes.
        drop(std::mem::take(&mut entry.state.lock().mailbox));
        if let Some(waiters) = self.inner.exit_waiters.lock().remove(&pid) {
            for w in waiters {
                let _ = w.send(reason.clone());
            }
        }
    }
}

/// `{:DOWN, ref, :process, pid, reason}`.
pub(crate) fn down_message(r: Ref, pid: Pid, reason: Term) -> Term {
    Term::tuple(vec![
        Term::Atom(ATOMS.down),
        Term::Ref(r),
        Term::Atom(ATOMS.process),
        Term::Pid(pid),
        reason,
    ])
}

impl ProcessContext {
    /// `Process.link(pid)`. Linking a dead pid fails with `noproc` unless the caller
    /// traps exits, in which case it gets `{:EXIT, pid, :noproc}`.
    pub fn link(&mut self, other: Pid) -> Result<(), LinkError> {
        let trapping = self.entry().state.lock().trap_exit;
        if other != self.pid() && !self.runtime().is_alive(other) && !trapping {
            return Err(LinkError::NoProc);
        }
        self.runtime().link_pair(self.pid(), other);
        Ok(())
    }

    /// Removes every link of this process on both sides, telling nobody: what a
    /// script's uncaught error does to its links under `elixir`, which catches the
    /// error in the script's process, prints it and halts the node (no linked
    /// process gets an exit signal, so no supervisor logs its own termination).
    pub fn unlink_all(&mut self) {
        let links = self.entry().state.lock().links.take_items();
        for (other, ()) in links {
            if let Some(e) = self.runtime().entry(other) {
                e.state.lock().drop_link(self.pid());
            }
        }
    }

    /// `Process.unlink(pid)`: removes the link on both sides (no-op if none).
    pub fn unlink(&mut self, other: Pid) {
        self.entry().state.lock().drop_link(other);
        if let Some(e) = self.runtime().entry(other) {
            e.state.lock().drop_link(self.pid());
        }
    }

    /// `Process.monitor(pid)`: the ref of a new monitor.
    pub fn monitor(&mut self, other: Pid) -> Ref {
        let me = self.pid();
        let (own, peer, runtime) = self.peer(other);
        runtime.monitor_entries((me, Some(own)), (other, peer))
    }

    /// `:erlang.monitor(:process, pid, alias: mode)`: a monitor whose reference is
    /// also an alias of this process. When `other` is already dead the `:DOWN` is
    /// queued and the alias is not activated (it would end with the monitor anyway),
    /// unless `mode` keeps it until `unalias`.
    pub fn monitor_with_alias(&mut self, other: Pid, mode: super::aliases::AliasMode) -> Ref {
        let r = self.monitor(other);
        // Whether the monitor is still there and the alias taken, under one lock.
        let activated = {
            let mut st = self.entry().state.lock();
            let active = st.monitors.contains(&r) || mode == super::aliases::AliasMode::ExplicitUnalias;
            if active {
                st.aliases.insert(r, mode);
            }
            active
        };
        if activated {
            self.runtime().index_alias(r, self.pid());
        }
        r
    }

    /// `Process.demonitor(ref, flush?)`: removes the monitor; with `flush`, also the
    /// `{:DOWN, ref, ...}` already queued. True if the monitor was active.
    ///
    /// An active monitor has not queued its `:DOWN` (firing removes the monitor and
    /// queues the message under one lock, see `ProcessEntry::monitor_fired`), so
    /// only a monitor that already fired makes `flush` search the mailbox.
    pub fn demonitor(&mut self, r: Ref, flush: bool) -> bool {
        let target = {
            let mut st = self.entry().state.lock();
            let target = st.drop_monitor(r);
            if flush && target.is_none() {
                st.mailbox.remove_first(|m| is_down_for(m, r));
            }
            if st.drop_monitor_alias(r) {
                drop(st);
                self.runtime().forget_alias(r);
            }
            target
        };
        if let Some(t) = target
            && let (_, Some(e), _) = self.peer(t)
        {
            e.state.lock().drop_watcher(r);
        }
        target.is_some()
    }

    /// `Process.exit(pid, reason)` from this process.
    pub fn exit(&mut self, to: Pid, reason: Term) -> bool {
        self.runtime().exit_signal(self.pid(), to, reason)
    }

    /// True when an exit signal queued for this process will end it at its next
    /// resume. `Process.exit(self(), reason)` checks it: on BEAM a fatal signal to
    /// oneself takes effect before the call returns, so the caller must stop
    /// running at once rather than at the end of its slice.
    pub fn fatal_signal_pending(&self) -> bool {
        let st = self.entry().state.lock();
        st.signals.iter().any(|sig| matches!(signal_effect(sig, self.pid(), st.trap_exit), SignalEffect::Die(_)))
    }
}

/// True for `{:DOWN, r, _, _, _}`.
fn is_down_for(msg: &Term, r: Ref) -> bool {
    match msg {
        Term::Tuple(items) => {
            items.len() == 5
                && items[0].as_atom() == Some(ATOMS.down)
                && matches!(items[1], Term::Ref(mr) if mr == r)
        }
        _ => false,
    }
}

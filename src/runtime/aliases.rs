//! Process aliases (OTP 24+): a reference that routes messages to the process that
//! made it for as long as the alias is active. `GenServer.call` sends its reply
//! to an alias it deactivates when it stops waiting, so a reply that arrives after
//! a timeout is dropped instead of lingering in the caller's mailbox.
//!
//! Invariant: a process's own `aliases` list (under its lock) says which aliases
//! are active; the runtime's `aliases` index only routes a reference to its owner.
//! Delivery checks the list under the owner's lock, so once `unalias` or
//! `demonitor` returns, no message can arrive through the alias.

use super::context::ProcessContext;
use super::process::ProcessEntry;
use super::system::Runtime;
use crate::term::{Pid, Ref, Term};

/// When an alias stops working by itself (`:erlang.alias/1`, `monitor/3` options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasMode {
    /// Only `unalias` (or the owner's exit) ends it.
    ExplicitUnalias,
    /// Tied to the monitor with the same reference: `demonitor` or the monitor's
    /// `:DOWN` ends it too.
    Demonitor,
    /// Like `Demonitor`, and the first message through the alias ends it and the
    /// monitor.
    ReplyDemonitor,
}

impl Runtime {
    /// Delivers `msg` through the alias `r`; false (message dropped) when the alias
    /// is not active, as BEAM drops a message sent to an inactive alias.
    pub fn send_to_alias(&self, r: Ref, msg: Term) -> bool {
        let Some(owner) = self.alias_owner(r) else {
            return false;
        };
        let Some(entry) = self.entry(owner) else {
            return false;
        };
        self.deliver_to_alias(r, (owner, &entry), msg)
    }

    /// The process alias `r` routes to, while it is active anywhere.
    pub(crate) fn alias_owner(&self, r: Ref) -> Option<Pid> {
        self.inner.aliases.lock().get(&r).copied()
    }

    /// [`Runtime::send_to_alias`] with the owner and its entry found already.
    pub(crate) fn deliver_to_alias(&self, r: Ref, (owner, entry): (Pid, &ProcessEntry), msg: Term) -> bool {
        if self.inner.journal.sequence_is_on() {
            self.inner.journal.sent(self.now_ms(), owner, &msg, true);
        }
        self.note_send(owner, &msg);
        let (delivered, ended) = entry.deliver_through_alias(r, msg);
        if ended {
            self.inner.aliases.lock().remove(&r);
            // The monitor went with the alias: the watched process forgets it too.
            if let Some(target) = entry.state.lock().drop_monitor(r)
                && let Some(t) = self.entry(target)
            {
                t.state.lock().drop_watcher(r);
            }
        }
        delivered
    }

    /// Drops `owner`'s aliases from the routing index (its exit).
    pub(crate) fn forget_aliases(&self, aliases: &[(Ref, AliasMode)]) {
        if aliases.is_empty() {
            return;
        }
        let mut index = self.inner.aliases.lock();
        for (r, _) in aliases {
            index.remove(r);
        }
    }

    /// Routes alias `r` to `owner` (which has just made it active).
    pub(crate) fn index_alias(&self, r: Ref, owner: Pid) {
        self.inner.aliases.lock().insert(r, owner);
    }

    /// Drops alias `r` from the routing index (the owner already dropped it).
    pub(crate) fn forget_alias(&self, r: Ref) {
        self.inner.aliases.lock().remove(&r);
    }
}

impl ProcessEntry {
    /// Queues `msg` if alias `r` is active here; also says whether the alias ended
    /// (a `ReplyDemonitor` alias ends at its first message).
    fn deliver_through_alias(&self, r: Ref, msg: Term) -> (bool, bool) {
        let waker = {
            let mut st = self.state.lock();
            let Some(&mode) = st.aliases.get(&r) else {
                return (false, false);
            };
            if st.dead {
                return (false, false);
            }
            let ended = mode == AliasMode::ReplyDemonitor;
            if ended {
                st.aliases.remove(&r);
            }
            st.mailbox.push(msg);
            st.fresh = true;
            (st.take_waker(), ended)
        };
        self.wake(waker.0);
        (true, waker.1)
    }
}

impl ProcessContext {
    /// `send(alias, msg)` from this process: [`Runtime::send_to_alias`], the owner's
    /// entry kept from this process's last lookup when it is the same (see `super::peers`).
    pub fn send_to_alias(&mut self, r: Ref, msg: Term) -> bool {
        let Some(owner) = self.runtime().alias_owner(r) else {
            return false;
        };
        let (_, entry, runtime) = self.peer(owner);
        entry.is_some_and(|e| runtime.deliver_to_alias(r, (owner, e), msg))
    }

    /// `:erlang.alias/1`: a new active alias for this process.
    pub fn alias(&mut self, mode: AliasMode) -> Ref {
        let r = self.runtime().make_ref();
        self.recv_mark(r);
        self.activate_alias(r, mode);
        r
    }

    /// Makes `r` (a fresh reference, or a monitor's) an active alias of this process.
    pub(crate) fn activate_alias(&mut self, r: Ref, mode: AliasMode) {
        self.entry().state.lock().aliases.insert(r, mode);
        self.runtime().index_alias(r, self.pid());
    }

    /// `:erlang.unalias/1`: deactivates alias `r`; false if it was not active here.
    pub fn unalias(&mut self, r: Ref) -> bool {
        let had = {
            self.entry().state.lock().aliases.remove(&r).is_some()
        };
        if had {
            self.runtime().forget_alias(r);
        }
        had
    }
}

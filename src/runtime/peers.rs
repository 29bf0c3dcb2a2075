//! [`Peers`]: the table entries of the processes one process last talked to.
//!
//! Sending, monitoring and replying find the other process's entry in the runtime's
//! table: a read lock taken and released, a tree walk, a reference count taken and
//! dropped, four locked read-modify-writes on words every worker shares. A
//! `GenServer.call` made four such lookups (the send, the monitor, its demonitor,
//! the reply's alias) for the same two processes. A process keeps the last few
//! entries it looked up and finds them again without the table.
//!
//! Invariant: a pid is never reused, so a pid's entry never changes. An entry kept
//! here may outlive its process; it then says so (`dead`), and everything asked of
//! it answers what a missing entry answers: a message is dropped, a monitor gets
//! `:noproc`, a link gets its exit signal.

use super::process::ProcessEntry;
use super::system::Runtime;
use crate::term::Pid;
use std::sync::Arc;

/// How many entries a process keeps: a call's server, a reply's client, a
/// supervisor and its child, with room to spare; small enough to scan.
const KEPT: usize = 4;

/// A process's most recently looked-up entries, replaced in turn.
#[derive(Default)]
pub(crate) struct Peers {
    kept: [Option<(Pid, Arc<ProcessEntry>)>; KEPT],
    /// The slot the next new entry takes.
    next: usize,
}

impl Peers {
    /// The entry of `pid`, kept or looked up in `runtime`'s table (and then kept);
    /// `None` when the table has none (the process never existed or has exited).
    pub(crate) fn get(&mut self, runtime: &Runtime, pid: Pid) -> Option<&Arc<ProcessEntry>> {
        let at = match self.kept.iter().position(|k| matches!(k, Some((p, _)) if *p == pid)) {
            Some(at) => at,
            None => {
                let entry = runtime.entry(pid)?;
                let at = self.next;
                self.next = (at + 1) % KEPT;
                self.kept[at] = Some((pid, entry));
                at
            }
        };
        self.kept[at].as_ref().map(|(_, e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::OutputSink;

    struct Discard;
    impl OutputSink for Discard {
        fn write_stdout(&self, _: &str) {}
        fn write_stderr(&self, _: &str) {}
    }

    #[test]
    fn an_entry_is_looked_up_once_and_kept_after_its_process_is_gone() {
        let rt = Runtime::new(Arc::new(Discard));
        let pid = rt.new_pid();
        let entry = rt.register_entry(pid);
        let mut peers = Peers::default();
        assert!(Arc::ptr_eq(peers.get(&rt, pid).expect("in the table"), &entry));
        // Gone from the table: the kept entry is still found (and says it is dead).
        rt.inner.table.write().remove(&pid);
        entry.state.lock().dead = true;
        assert!(peers.get(&rt, pid).is_some_and(|e| e.state.lock().dead));
        // Never in the table: nothing, and nothing kept.
        assert!(peers.get(&rt, rt.new_pid()).is_none());
    }

    #[test]
    fn the_oldest_entry_makes_room() {
        let rt = Runtime::new(Arc::new(Discard));
        let pids: Vec<Pid> = (0..=KEPT).map(|_| rt.new_pid()).collect();
        let entries: Vec<_> = pids.iter().map(|p| rt.register_entry(*p)).collect();
        let mut peers = Peers::default();
        for p in &pids {
            peers.get(&rt, *p);
        }
        // The first was replaced by the last; the rest are kept.
        assert!(peers.kept.iter().flatten().all(|(p, _)| *p != pids[0]));
        assert!(peers.kept.iter().flatten().any(|(p, e)| *p == pids[KEPT] && Arc::ptr_eq(e, &entries[KEPT])));
        assert_eq!(peers.kept.iter().flatten().count(), KEPT);
    }
}

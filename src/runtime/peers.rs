//! [`Peers`]: the table entry of the process one process last talked to, kept.
//!
//! Sending, monitoring and replying find the other process's entry in the runtime's
//! table: a read lock taken and released, a tree walk, a reference count taken and
//! dropped, four locked read-modify-writes on words every worker shares. A
//! `GenServer.call` made four such lookups (the send, the monitor, its demonitor,
//! the reply's alias) for the same two processes. A process keeps the last entry
//! it looked up and finds it again without the table: the one process a client
//! calls, a server replies to, a ping-pong player answers. One entry, one word: the
//! context lives in every process's scheduler task, whose size is counted in
//! 128-byte steps (`info::task_cell_bytes`), and four entries took an idle process
//! from 1,468 to 1,724 bytes.
//!
//! Invariant: a pid is never reused, so a pid's entry never changes. An entry kept
//! here may outlive its process; it then says so (`dead`), and everything asked of
//! it answers what a missing entry answers: a message is dropped, a monitor gets
//! `:noproc`, a link gets its exit signal.

use super::process::ProcessEntry;
use super::system::Runtime;
use crate::term::Pid;
use std::sync::Arc;

/// A process's most recently looked-up entry.
#[derive(Default)]
pub(crate) struct Peers {
    last: Option<Arc<ProcessEntry>>,
}

impl Peers {
    /// The entry of `pid`, kept or looked up in `runtime`'s table (and then kept);
    /// `None` when the table has none (the process never existed or has exited).
    pub(crate) fn get(&mut self, runtime: &Runtime, pid: Pid) -> Option<&Arc<ProcessEntry>> {
        if !self.last.as_ref().is_some_and(|e| e.pid == pid) {
            self.last = Some(runtime.entry(pid)?);
        }
        self.last.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Discard;

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
        // Never in the table: nothing, and the last entry stays kept.
        assert!(peers.get(&rt, rt.new_pid()).is_none());
        assert!(peers.last.as_ref().is_some_and(|e| Arc::ptr_eq(e, &entry)));
    }

    #[test]
    fn another_process_takes_the_place() {
        let rt = Runtime::new(Arc::new(Discard));
        let (a, b) = (rt.new_pid(), rt.new_pid());
        let (ea, eb) = (rt.register_entry(a), rt.register_entry(b));
        let mut peers = Peers::default();
        assert!(Arc::ptr_eq(peers.get(&rt, a).expect("a"), &ea));
        assert!(Arc::ptr_eq(peers.get(&rt, b).expect("b"), &eb));
        assert!(Arc::ptr_eq(peers.get(&rt, a).expect("a again"), &ea));
        // Only the table and the one kept entry hold `b` now.
        assert_eq!(Arc::strong_count(&eb), 2);
        drop(peers);
        assert_eq!(Arc::strong_count(&ea), 2);
    }
}

//! What `Process.info/1,2`, `:erlang.system_info/1` and `:erlang.memory/0,1` report,
//! from the runtime's own accounting.

use super::process::{ProcessEntry, ProcessState, Status};
use super::system::Runtime;
use crate::term::{Atom, Pid, Ref, Term};

/// A snapshot of one process.
#[derive(Debug, Clone)]
pub struct ProcessInfo {
    /// Running, runnable, waiting or exiting.
    pub status: Status,
    /// Queued messages.
    pub message_queue_len: usize,
    /// Linked pids, ascending.
    pub links: Vec<Pid>,
    /// Monitors this process holds: (ref, watched pid).
    pub monitors: Vec<(Ref, Pid)>,
    /// Pids monitoring this process, ascending.
    pub monitored_by: Vec<Pid>,
    /// `trap_exit` flag.
    pub trap_exit: bool,
    /// Registered name.
    pub registered_name: Option<Atom>,
    /// The process dictionary, in term order.
    pub dictionary: Vec<(Term, Term)>,
    /// Bytes the runtime accounts to the process (see [`PROCESS_BASE_BYTES`]).
    pub memory: usize,
    /// The queued messages, front first.
    pub messages: Vec<Term>,
}

/// The fixed bytes one process costs the runtime: its shared entry, its table slot
/// and its scheduler task (measured by the `idle_process_memory` test; the VM adds
/// its frames on top).
pub const PROCESS_BASE_BYTES: usize = std::mem::size_of::<ProcessEntry>() + 16 + 48 + 256;

/// Bytes accounted to a process's state beyond the base (mailbox and dictionary).
fn state_bytes(st: &ProcessState) -> usize {
    let term = std::mem::size_of::<Term>();
    st.mailbox.buffer_bytes()
        + st.dictionary.len() * 2 * term
        + (st.links.capacity() + st.monitors.capacity() * 2 + st.watchers.capacity() * 2) * 8
}

/// `:erlang.memory/0` categories in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryReport {
    /// `processes` + `system`.
    pub total: usize,
    /// Memory of all processes.
    pub processes: usize,
    /// Memory of all processes in use (the same figure: nothing is preallocated).
    pub processes_used: usize,
    /// Everything not owned by a process: atoms, timers and the gauged categories.
    pub system: usize,
    /// The atom table's capacity.
    pub atom: usize,
    /// The atom table's bytes in use.
    pub atom_used: usize,
    /// Binaries, as reported by a [`MemoryKind::Binary`] gauge (0 without one).
    pub binary: usize,
    /// Loaded code, as reported by a [`MemoryKind::Code`] gauge (0 without one).
    pub code: usize,
    /// ETS tables, as reported by a [`MemoryKind::Ets`] gauge (0 without one).
    pub ets: usize,
}

/// A `:erlang.memory/0` category another layer accounts for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryKind {
    /// ETS tables (the ETS module registers this).
    Ets,
    /// Compiled modules (the VM's code table).
    Code,
    /// Binary data.
    Binary,
}

/// Reports the bytes of one [`MemoryKind`] when `:erlang.memory` is asked.
pub type MemoryGauge = Box<dyn Fn() -> usize + Send + Sync>;

impl Runtime {
    /// Adds a gauge counted under `kind` (and in `system`/`total`) by [`Runtime::memory`].
    pub fn add_memory_gauge(&self, kind: MemoryKind, gauge: MemoryGauge) {
        self.inner.memory_gauges.write().push((kind, gauge));
    }

    /// A snapshot of `pid`, or `None` if it is not alive.
    pub fn process_info(&self, pid: Pid) -> Option<ProcessInfo> {
        let entry = self.entry(pid)?;
        let st = entry.state.lock();
        let mut links = st.links.clone();
        links.sort();
        let mut monitors = st.monitors.clone();
        monitors.sort();
        let mut monitored_by: Vec<Pid> = st.watchers.iter().map(|(_, p)| *p).collect();
        monitored_by.sort();
        Some(ProcessInfo {
            status: st.status,
            message_queue_len: st.mailbox.len(),
            links,
            monitors,
            monitored_by,
            trap_exit: st.trap_exit,
            registered_name: st.name,
            dictionary: st.dictionary.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            memory: PROCESS_BASE_BYTES + state_bytes(&st),
            messages: st.mailbox.messages().cloned().collect(),
        })
    }

    /// The `:erlang.memory/0` figures from the runtime's accounting.
    pub fn memory(&self) -> MemoryReport {
        let processes: usize = self
            .inner
            .table
            .read()
            .values()
            .map(|e| PROCESS_BASE_BYTES + state_bytes(&e.state.lock()))
            .sum();
        let atom = ustr::total_capacity();
        let atom_used = ustr::total_allocated();
        let timers = self.pending_timers() * (std::mem::size_of::<Term>() * 3 + 64);
        let gauge = |kind: MemoryKind| -> usize {
            self.inner.memory_gauges.read().iter().filter(|(k, _)| *k == kind).map(|(_, g)| g()).sum()
        };
        let (binary, code, ets) = (gauge(MemoryKind::Binary), gauge(MemoryKind::Code), gauge(MemoryKind::Ets));
        let system = atom + timers + binary + code + ets;
        MemoryReport {
            binary,
            code,
            ets,
            total: processes + system,
            processes,
            processes_used: processes,
            system,
            atom,
            atom_used,
        }
    }
}

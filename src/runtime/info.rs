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
    /// Bytes the runtime accounts to the process (see `process_bytes`).
    pub memory: usize,
    /// The queued messages, front first.
    pub messages: Vec<Term>,
}

/// Bytes the allocator (mimalloc, the binary's global allocator) takes for a
/// request of `n` bytes: its size class, with no per-block header (8-byte steps up
/// to 64 bytes, then four classes per power of two); nothing for an empty request.
/// Accounting in size classes rather than requested sizes keeps the figures close
/// to what the process costs the OS (see benches/million.exs for the RSS check).
///
/// Every park asks this of each of a process's buffers, so it rounds with masks:
/// `next_multiple_of` of a step unknown at compile time is a division.
#[inline]
pub fn heap_chunk(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let n = (n + 7) & !7;
    if n <= 64 {
        return n;
    }
    let octave = usize::BITS - 1 - (n - 1).leading_zeros();
    let step = 1usize << (octave - 2);
    (n + step - 1) & !(step - 1)
}

/// The heap bytes of a tokio task driving a future of `future_bytes`: tokio's task
/// cell (header, scheduler handle and id, stage tag, trailer with the join waker,
/// owner list links and hooks) around the future, aligned to 128 bytes on x86-64.
pub fn task_cell_bytes(future_bytes: usize) -> usize {
    const HEADER: usize = 40;
    const CORE: usize = 8 + 8 + 8;
    const TRAILER: usize = 16 + 16 + 16;
    heap_chunk((HEADER + CORE + future_bytes + TRAILER).next_multiple_of(128))
}

/// What one slot of the process table costs: the key and `Arc` pointer, over a
/// B-tree node filled about half-way by ascending pids, plus the node's header.
const TABLE_SLOT_BYTES: usize = 2 * 16 + 8;

/// Every byte the runtime accounts to a process: its shared entry, its table slot,
/// its scheduler task, its body (the VM machine as of its last park) and the
/// buffers of its state (mailbox, dictionary, links, monitors). Message and
/// register terms are reference-counted and shared between processes (a send does
/// not copy), so their heaps belong to no single process and are not counted.
fn process_bytes(st: &ProcessState) -> usize {
    let term = std::mem::size_of::<Term>();
    heap_chunk(std::mem::size_of::<ProcessEntry>() + 16)
        + TABLE_SLOT_BYTES
        + st.task_bytes
        + st.body_bytes
        + heap_chunk(st.mailbox.buffer_bytes())
        + heap_chunk(st.signals.capacity() * std::mem::size_of::<super::process::ExitSignal>())
        // B-tree nodes of {key, value} pairs, about two-thirds full.
        + st.dictionary.len() * 2 * term * 3 / 2
        + st.links.heap_bytes()
        + st.monitors.heap_bytes()
        + st.watchers.heap_bytes()
        + st.aliases.heap_bytes()
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
    /// ETS tables: their rows' estimated bytes, plus any [`MemoryKind::Ets`] gauge.
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
        let mut links: Vec<Pid> = st.links.keys().collect();
        links.sort();
        let mut monitors = st.monitors.items().to_vec();
        monitors.sort();
        let mut monitored_by: Vec<Pid> = st.watchers.items().iter().map(|(_, p)| *p).collect();
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
            memory: process_bytes(&st),
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
            .map(|e| process_bytes(&e.state.lock()))
            .sum();
        let atom = ustr::total_capacity();
        let atom_used = ustr::total_allocated();
        let timers = self.pending_timers() * (std::mem::size_of::<Term>() * 3 + 64);
        let gauge = |kind: MemoryKind| -> usize {
            self.inner.memory_gauges.read().iter().filter(|(k, _)| *k == kind).map(|(_, g)| g()).sum()
        };
        // ETS rows are counted by the tables themselves (see `ets::footprint`).
        let (binary, code, ets) = (gauge(MemoryKind::Binary), gauge(MemoryKind::Code), gauge(MemoryKind::Ets) + self.ets().bytes());
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

#[cfg(test)]
mod tests {
    use super::heap_chunk;

    #[test]
    fn heap_chunks_follow_the_allocators_size_classes() {
        assert_eq!(heap_chunk(0), 0);
        assert_eq!(heap_chunk(1), 8);
        assert_eq!(heap_chunk(64), 64);
        assert_eq!(heap_chunk(65), 80);
        assert_eq!(heap_chunk(128), 128);
        assert_eq!(heap_chunk(129), 160);
        assert_eq!(heap_chunk(296), 320);
        assert_eq!(heap_chunk(512), 512);
        assert_eq!(heap_chunk(513), 640);
    }
}

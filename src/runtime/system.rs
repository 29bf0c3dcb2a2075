//! [`Runtime`]: state shared by every process of one session — the process table,
//! names, clock, timers, output — and the scheduler thread(s) that run it.

use super::body::ProcessBody;
use super::clock::{Clock, ClockSource, build_tokio};
use super::context::ProcessContext;
use super::driver::drive;
use super::error::RuntimeError;
use super::logger::LogLevel;
use super::output::OutputSink;
use super::process::ProcessEntry;
use super::timers::TimerService;
use crate::term::{Atom, Pid, Ref, Term};
use parking_lot::{Mutex, RwLock};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// Called with the pid of every process that exits, before its links and monitors
/// are told (ETS deletes the tables the process owned here).
pub type ExitHook = Box<dyn Fn(Pid) + Send + Sync>;

/// Options of [`Runtime::spawn`].
#[derive(Debug, Default, Clone, Copy)]
pub struct SpawnOpts {
    /// Link the new process to this one before it runs (`spawn_link`).
    pub link_to: Option<Pid>,
    /// Let this process monitor the new one before it runs (`spawn_monitor`).
    pub monitor_by: Option<Pid>,
}

/// One BEAM-like node: pids, refs, processes, names, timers, clock, output.
/// Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
}

/// The scheduler thread and how to stop it.
struct Host {
    stop: oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

pub(crate) struct Inner {
    next_pid: AtomicU64,
    next_ref: AtomicU64,
    output: Arc<dyn OutputSink>,
    pub(crate) clock: ClockSource,
    pub(crate) handle: Handle,
    host: Mutex<Option<Host>>,
    pub(crate) stopping: AtomicBool,
    /// Live processes by pid. Hashed: every send, monitor and reply to a process
    /// other than the last one talked to looks here, and a spawn and an exit change
    /// it; a tree of 10,000 pids took four node visits a lookup where a hash takes
    /// one probe. Listings sort the pids they read (see [`Runtime::processes`]).
    pub(crate) table: RwLock<FxHashMap<Pid, Arc<ProcessEntry>>>,
    /// Registered names. Lock order: names before any process.
    pub(crate) names: Mutex<FxHashMap<Atom, Pid>>,
    /// `:global` names (any term) of this one node. Lock order: before any process.
    pub(crate) global_names: Mutex<FxHashMap<Term, Pid>>,
    /// Which process each active alias belongs to (see `super::aliases`). Never
    /// held while a process is locked.
    pub(crate) aliases: Mutex<FxHashMap<Ref, Pid>>,
    pub(crate) timers: Arc<TimerService>,
    pub(crate) exit_hooks: RwLock<Vec<ExitHook>>,
    pub(crate) exit_waiters: Mutex<FxHashMap<Pid, Vec<oneshot::Sender<Term>>>>,
    pub(crate) memory_gauges: RwLock<Vec<(super::info::MemoryKind, super::info::MemoryGauge)>>,
    log_level: AtomicU8,
    /// The shell process's pid, 0 when none is marked.
    shell: AtomicU64,
    /// Every ETS table of this runtime.
    ets: super::ets::EtsRegistry,
    /// Processes running or ready to run (see `super::ready`).
    pub(crate) ready: Arc<super::ready::ReadyCount>,
    /// Process lifetimes, recorded only while switched on.
    pub(crate) journal: super::journal::Journal,
    /// Reductions and messages, for the grader's cost model.
    pub(crate) meter: super::meter::Meter,
    /// Standard input for `IO.gets`, when the hosting program gives one.
    input: RwLock<Option<Arc<dyn super::input::InputSource>>>,
    /// What `System.halt/1` calls, when the hosting program gives it.
    halt: RwLock<Option<super::input::HaltHook>>,
    /// Processes waiting with a deadline (a sleep, `receive ... after`): time will
    /// wake them, so the node is not deadlocked while any does. Counted on the
    /// virtual clock only, the one the probe looks at (see `driver::drive`).
    pub(crate) timed_waits: AtomicU64,
    /// Slices run so far: two deadlock probes that see the same count saw no
    /// process run in between. Counted on the virtual clock only, as `timed_waits`.
    pub(crate) slices: AtomicU64,
    /// The value of each REPL entry, by entry number from 1 (`None`: it raised or
    /// did not compile), for `v/1`.
    shell_results: Mutex<Vec<Option<Term>>>,
    /// The largest binary code may build (the grader's memory limit).
    max_binary: AtomicU64,
    /// Where the session's code may read and write (`None`: anywhere).
    pub(crate) confinement: RwLock<Option<Arc<super::confinement::Confinement>>>,
    /// The scheduling policy's gate, once one is installed (see `super::schedule`).
    pub(crate) turnstile: std::sync::OnceLock<Arc<super::schedule::Turnstile>>,
    /// The node's command-line arguments (`System.argv/0`): each session has its own,
    /// as each BEAM node has its own `init:get_plain_arguments/0`.
    argv: RwLock<Vec<String>>,
    /// The node's struct definitions, for `inspect` (installed on its threads).
    structs: Arc<crate::term::inspect::StructTable>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The last handle is gone and no process is alive: let the scheduler thread
        // end. (Joining here could be on that very thread, so only signal.)
        if let Some(host) = self.host.get_mut().take() {
            let _ = host.stop.send(());
        }
    }
}

impl Runtime {
    /// A runtime on the virtual clock whose processes write to `output`.
    ///
    /// # Panics
    /// If the operating system refuses to start the scheduler thread (as
    /// `std::thread::spawn` panics); use [`Runtime::start`] to handle that error.
    pub fn new(output: Arc<dyn OutputSink>) -> Runtime {
        Runtime::start(Clock::Virtual, output)
            .unwrap_or_else(|e| panic!("otplab runtime failed to start: {e}"))
    }

    /// Starts a runtime on `clock`: a scheduler thread owns the tokio runtime (one
    /// thread in all for the virtual clock; two workers besides for the real one).
    pub fn start(clock: Clock, output: Arc<dyn OutputSink>) -> Result<Runtime, RuntimeError> {
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let structs = Arc::new(crate::term::inspect::StructTable::default());
        let thread_structs = structs.clone();
        let ready: Arc<super::ready::ReadyCount> = Arc::default();
        let thread_ready = ready.clone();
        let thread = std::thread::Builder::new().name("otplab-runtime".into()).spawn(move || {
            // Every thread that runs this node's processes prints with its structs.
            crate::term::inspect::set_thread_struct_table(thread_structs.clone());
            let rt = match build_tokio(clock, Some(thread_structs), thread_ready) {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = handle_tx.send(Err(e));
                    return;
                }
            };
            if handle_tx.send(Ok(rt.handle().clone())).is_err() {
                return;
            }
            // Under the virtual clock this block_on is what drives every process.
            rt.block_on(async {
                let _ = stop_rx.await;
            });
            rt.shutdown_timeout(std::time::Duration::from_millis(500));
        })?;
        let handle = handle_rx
            .recv()
            .map_err(|_| std::io::Error::other("the scheduler thread ended during start"))??;
        let timers = Arc::new(TimerService::new());
        let inner = Arc::new(Inner {
            // Low pids belong to system processes on BEAM; start where iex's shell sits.
            next_pid: AtomicU64::new(100),
            next_ref: AtomicU64::new(1),
            output,
            clock: ClockSource::new(clock, handle.clone()),
            handle: handle.clone(),
            host: Mutex::new(Some(Host { stop, thread })),
            stopping: AtomicBool::new(false),
            table: RwLock::new(FxHashMap::default()),
            names: Mutex::new(FxHashMap::default()),
            global_names: Mutex::new(FxHashMap::default()),
            aliases: Mutex::new(FxHashMap::default()),
            timers: timers.clone(),
            exit_hooks: RwLock::new(Vec::new()),
            exit_waiters: Mutex::new(FxHashMap::default()),
            memory_gauges: RwLock::new(Vec::new()),
            log_level: AtomicU8::new(LogLevel::Debug as u8),
            shell: AtomicU64::new(0),
            ets: super::ets::EtsRegistry::new(),
            ready,
            journal: super::journal::Journal::default(),
            meter: super::meter::Meter::default(),
            input: RwLock::new(None),
            halt: RwLock::new(None),
            timed_waits: AtomicU64::new(0),
            slices: AtomicU64::new(0),
            shell_results: Mutex::new(Vec::new()),
            max_binary: AtomicU64::new(u64::MAX),
            confinement: RwLock::new(None),
            turnstile: std::sync::OnceLock::new(),
            argv: RwLock::new(Vec::new()),
            structs,
        });
        let weak: Weak<Inner> = Arc::downgrade(&inner);
        handle.spawn(super::timers::run(timers, inner.clock.clone(), weak.clone()));
        let runtime = Runtime { inner };
        // A table dies with its owner (or passes to its heir) before the owner's
        // exit signals go out, as in ETS.
        runtime.add_exit_hook(Box::new(move |pid| {
            if let Some(inner) = weak.upgrade() {
                let rt = Runtime { inner };
                let mut pending = rt.ets().owner_exited(pid);
                while let Some(t) = pending.pop() {
                    let to = t.to;
                    if !rt.send(to, t.message()) {
                        // The heir is gone too: the table goes with it.
                        pending.extend(rt.ets().owner_exited(to));
                    }
                }
            }
        }));
        Ok(runtime)
    }

    /// Stops every process and the scheduler. Blocks until the scheduler thread ends
    /// when called from outside the runtime; from a process it only signals.
    pub fn shutdown(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
        let host = self.inner.host.lock().take();
        if let Some(host) = host {
            let _ = host.stop.send(());
            if Handle::try_current().is_err() {
                let _ = host.thread.join();
            }
        }
    }

    /// A fresh pid.
    pub fn new_pid(&self) -> Pid {
        Pid(self.inner.next_pid.fetch_add(1, Ordering::Relaxed))
    }

    /// A fresh reference.
    pub fn make_ref(&self) -> Ref {
        Ref(self.inner.next_ref.fetch_add(1, Ordering::Relaxed))
    }

    /// The output device shared by all processes.
    pub fn output(&self) -> &Arc<dyn OutputSink> {
        &self.inner.output
    }

    /// The tokio runtime the processes run on (for [`super::hold`]).
    pub(crate) fn tokio_handle(&self) -> &Handle {
        &self.inner.handle
    }

    /// Which clock the runtime runs on.
    pub fn clock(&self) -> Clock {
        self.inner.clock.kind()
    }

    /// Monotonic milliseconds since the runtime started, on its clock.
    pub fn now_ms(&self) -> u64 {
        self.inner.clock.now_ms()
    }

    /// Monotonic microseconds since the runtime started, on its clock.
    pub fn now_us(&self) -> u64 {
        self.inner.clock.now_us()
    }

    /// Milliseconds since the Unix epoch (fixed epoch plus virtual time under the
    /// virtual clock).
    pub fn system_time_ms(&self) -> u64 {
        self.inner.clock.system_time_ms()
    }

    /// The Logger level (crash reports need `:error` or below).
    pub fn log_level(&self) -> LogLevel {
        LogLevel::from_byte(self.inner.log_level.load(Ordering::Relaxed))
    }

    /// The ETS tables of this runtime.
    pub fn ets(&self) -> &super::ets::EtsRegistry {
        &self.inner.ets
    }

    /// Delivers the `{:"ETS-TRANSFER", ...}` messages `:ets.give_away/3` queued; a
    /// message to a dead process deletes the table instead.
    pub fn deliver_ets_transfers(&self) {
        let mut pending = self.ets().drain_transfers();
        while let Some(t) = pending.pop() {
            let to = t.to;
            if !self.send(to, t.message()) {
                pending.extend(self.ets().owner_exited(to));
            }
        }
    }

    /// Sets the Logger level (`Logger.configure(level: _)`).
    pub fn set_log_level(&self, level: LogLevel) {
        self.inner.log_level.store(level as u8, Ordering::Relaxed);
    }

    /// Gives `IO.gets` a standard input to read.
    pub fn set_input(&self, input: Arc<dyn super::input::InputSource>) {
        *self.inner.input.write() = Some(input);
    }

    /// The next line of standard input; `None` at its end or when there is none.
    pub fn read_line(&self) -> Option<String> {
        let input = self.inner.input.read().clone();
        input.and_then(|i| i.read_line())
    }

    /// Makes this node's struct definitions the ones `inspect` uses on the calling
    /// thread until the scope drops (a thread driving the session from outside).
    pub fn enter_structs(&self) -> crate::term::inspect::StructScope {
        crate::term::inspect::enter_struct_table(self.inner.structs.clone())
    }

    /// Sets the node's command-line arguments (`System.argv/0`, `System.argv/1`).
    pub fn set_argv(&self, argv: Vec<String>) {
        *self.inner.argv.write() = argv;
    }

    /// The node's command-line arguments (`System.argv/0`).
    pub fn argv(&self) -> Vec<String> {
        self.inner.argv.read().clone()
    }

    /// Installs what `System.halt/1` calls to end the hosting program.
    pub fn set_halt_hook(&self, hook: super::input::HaltHook) {
        *self.inner.halt.write() = Some(hook);
    }

    /// Halts the hosting program with `status`; false (and nothing happens) when
    /// it installed no halt hook.
    pub fn halt(&self, status: i32) -> bool {
        let hook = self.inner.halt.read().clone();
        match hook {
            Some(h) => {
                h(status);
                true
            }
            None => false,
        }
    }

    /// On the virtual clock, a sign that nothing can ever happen again: no process
    /// runs or is ready, none waits with a deadline, no timer is pending, yet some
    /// process is alive (so each waits for a message nobody will send). Returns
    /// the number of slices run so far; the node is deadlocked when two probes a
    /// little apart both return the same `Some` (nothing ran in between). `None`
    /// on the real clock, where the outside world (a person) may still act.
    pub fn deadlock_probe(&self) -> Option<u64> {
        let slices = self.inner.slices.load(Ordering::SeqCst);
        let stalled = self.clock() == Clock::Virtual
            && self.inner.ready.get() == 0
            && self.inner.timed_waits.load(Ordering::SeqCst) == 0
            && self.pending_timers() == 0
            && self.process_count() > 0;
        (stalled && self.inner.slices.load(Ordering::SeqCst) == slices).then_some(slices)
    }

    /// What each live process waits for, for a deadlock report: one line per
    /// process (`#PID<0.125.0> waits in receive, 0 messages queued, linked to ...`).
    pub fn waiting_processes(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for pid in self.processes() {
            let Some(info) = self.process_info(pid) else { continue };
            let mut line = super::logger::pid_text(pid);
            if let Some(name) = info.registered_name {
                line.push_str(&format!(" ({})", crate::term::inspect::inspect(&Term::Atom(name))));
            }
            line.push_str(&format!(" waits in receive with {} message(s) queued", info.message_queue_len));
            if !info.links.is_empty() {
                let links: Vec<String> = info.links.iter().map(|p| super::logger::pid_text(*p)).collect();
                line.push_str(&format!(", linked to {}", links.join(", ")));
            }
            lines.push(line);
        }
        lines
    }

    /// Records the value of the next REPL entry (`None` when it had none).
    pub fn record_shell_result(&self, value: Option<Term>) {
        self.inner.shell_results.lock().push(value);
    }

    /// `v(n)`: the value of REPL entry `n` (from 1), or counting back when `n` is
    /// negative (`v(-1)` is the latest recorded entry, the one before the entry
    /// asking). `None` when there is no such entry or it had no value.
    pub fn shell_result(&self, n: i64) -> Option<Term> {
        let results = self.inner.shell_results.lock();
        let index = match n {
            1.. => usize::try_from(n - 1).ok()?,
            _ => results.len().checked_sub(usize::try_from(n.unsigned_abs().max(1)).ok()?)?,
        };
        results.get(index).cloned().flatten()
    }

    /// Marks `pid` as the shell process (the one a REPL interrupt kills).
    pub fn set_shell(&self, pid: Option<Pid>) {
        self.inner.shell.store(pid.map_or(0, |p| p.0), Ordering::Relaxed);
    }

    /// The shell process, if one is marked.
    pub fn shell(&self) -> Option<Pid> {
        match self.inner.shell.load(Ordering::Relaxed) {
            0 => None,
            n => Some(Pid(n)),
        }
    }

    /// Registers a hook run with the pid of every exiting process, before exit
    /// signals and `:DOWN` messages go out.
    pub fn add_exit_hook(&self, hook: ExitHook) {
        self.inner.exit_hooks.write().push(hook);
    }

    /// The record of process lifetimes (off until started).
    pub fn journal(&self) -> &super::journal::Journal {
        &self.inner.journal
    }

    /// The largest binary code may build, in bytes (unbounded unless a limit is set).
    pub fn max_binary_bytes(&self) -> u64 {
        self.inner.max_binary.load(Ordering::Relaxed)
    }

    /// Caps the size of binaries code may build (a limit of the session).
    pub fn set_max_binary_bytes(&self, bytes: u64) {
        self.inner.max_binary.store(bytes, Ordering::Relaxed);
    }

    /// Reductions and messages counted so far.
    pub fn meter(&self) -> &super::meter::Meter {
        &self.inner.meter
    }

    /// The live process `pid`.
    pub(crate) fn entry(&self, pid: Pid) -> Option<Arc<ProcessEntry>> {
        self.inner.table.read().get(&pid).cloned()
    }

    /// Creates a live process entry for `pid` and puts it in the table.
    pub(crate) fn register_entry(&self, pid: Pid) -> Arc<ProcessEntry> {
        let entry = Arc::new(ProcessEntry::new(pid, self.inner.ready.clone()));
        self.inner.table.write().insert(pid, entry.clone());
        entry
    }

    /// Starts `body` as a new process. The link and monitor in `opts` exist before
    /// the body first runs. Returns the pid and the monitor's ref, if one was asked.
    pub fn spawn(&self, body: Box<dyn ProcessBody>, opts: SpawnOpts) -> (Pid, Option<Ref>) {
        let (cx, monitor) = self.prepare(opts);
        let pid = cx.pid();
        self.launch(body, cx);
        (pid, monitor)
    }

    /// Starts the scheduler task that drives `body`, accounting its size to the
    /// process (the body's own bytes are recorded each time it parks).
    fn launch(&self, body: Box<dyn ProcessBody>, cx: ProcessContext) {
        let body_bytes = body.heap_bytes();
        let entry = cx.entry_arc();
        let task = drive(body, cx);
        self.inner.ready.up();
        {
            let mut st = entry.state.lock();
            st.task_bytes = super::info::task_cell_bytes(std::mem::size_of_val(&task));
            st.body_bytes = body_bytes;
        }
        self.inner.handle.spawn(task);
    }

    /// Creates the process, its link and monitor, without starting a body.
    fn prepare(&self, opts: SpawnOpts) -> (ProcessContext, Option<Ref>) {
        let pid = self.new_pid();
        let entry = self.register_entry(pid);
        if self.inner.journal.records_lives() {
            let parent = opts.link_to.or(opts.monitor_by).or_else(super::journal::running);
            self.inner.journal.spawned(pid, self.now_ms(), parent);
        }
        self.note_spawn(pid);
        if let Some(parent) = opts.link_to {
            self.link_newborn(pid, parent);
        }
        let monitor = opts.monitor_by.map(|watcher| self.monitor_from(watcher, pid));
        (ProcessContext::attached(entry, self.clone()), monitor)
    }

    /// Runs `body` as a process and blocks the calling thread until it exits;
    /// returns its exit reason. Must be called from outside the runtime.
    pub fn spawn_and_wait(&self, body: Box<dyn ProcessBody>) -> Result<Term, RuntimeError> {
        let (pid, rx) = self.spawn_watched(body, SpawnOpts::default());
        Self::wait_blocking(pid, rx)
    }

    /// Like [`Runtime::spawn`], also returning a receiver for the exit reason.
    pub fn spawn_watched(
        &self,
        body: Box<dyn ProcessBody>,
        opts: SpawnOpts,
    ) -> (Pid, oneshot::Receiver<Term>) {
        let (cx, _) = self.prepare(opts);
        let pid = cx.pid();
        let (tx, rx) = oneshot::channel();
        self.inner.exit_waiters.lock().entry(pid).or_default().push(tx);
        self.launch(body, cx);
        (pid, rx)
    }

    /// Blocks until `rx` yields the exit reason of `pid`.
    pub fn wait_blocking(pid: Pid, rx: oneshot::Receiver<Term>) -> Result<Term, RuntimeError> {
        if Handle::try_current().is_ok() {
            return Err(RuntimeError::InsideRuntime("Runtime::spawn_and_wait"));
        }
        rx.blocking_recv().map_err(|_| RuntimeError::Stopped(pid))
    }

    /// Delivers `msg` to `to`. Sending to a dead pid silently drops the message, as
    /// on BEAM; the result says whether it was queued.
    pub fn send(&self, to: Pid, msg: Term) -> bool {
        self.send_to_entry(to, self.entry(to).as_deref(), msg)
    }

    /// [`Runtime::send`] with the destination's entry found already (`None`: not in
    /// the table).
    pub(crate) fn send_to_entry(&self, to: Pid, entry: Option<&ProcessEntry>, msg: Term) -> bool {
        self.inner.meter.add_message();
        self.note_send(to, &msg);
        match entry {
            Some(entry) => {
                if self.inner.journal.sequence_is_on() {
                    self.inner.journal.sent(self.now_ms(), to, &msg, false);
                }
                entry.deliver(msg)
            }
            None => false,
        }
    }

    /// Delivers `msg` to the process registered as `name`; `None` if no process
    /// holds that name (`send/2` then raises ArgumentError).
    pub fn send_named(&self, name: Atom, msg: Term) -> Option<bool> {
        let pid = self.whereis(name)?;
        Some(self.send(pid, msg))
    }

    /// Wakes `pid` if it waits, without a message (work handed to its body from
    /// outside the runtime); false if it has exited.
    pub fn wake(&self, pid: Pid) -> bool {
        let entry = self.inner.table.read().get(&pid).cloned();
        entry.is_some_and(|e| e.nudge())
    }

    /// True if `pid` is a live process.
    pub fn is_alive(&self, pid: Pid) -> bool {
        self.inner.table.read().contains_key(&pid)
    }

    /// Every live pid, ascending.
    pub fn processes(&self) -> Vec<Pid> {
        let mut pids: Vec<Pid> = self.inner.table.read().keys().copied().collect();
        pids.sort_unstable();
        pids
    }

    /// The number of live processes.
    pub fn process_count(&self) -> usize {
        self.inner.table.read().len()
    }
}

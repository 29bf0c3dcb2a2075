//! [`EtsRegistry`]: every table of one runtime, by id and by name, and their ownership.
//!
//! The registry is a plain thread-safe structure (no tokio): natives call it with the
//! caller's pid and get `Result<Term, EtsError>`. It never sends messages itself:
//! ownership changes produce [`Transfer`]s that the runtime delivers (see
//! [`EtsRegistry::owner_exited`] and [`EtsRegistry::drain_transfers`]).

use super::error::{ArgReason, EtsError, EtsResult};
use super::options::parse_options;
use super::table::{Access, Heir, Table};
use crate::term::{Atom, Pid, Ref, Term};
use parking_lot::{Mutex, RwLock};
use std::cell::RefCell;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The message `{:"ETS-TRANSFER", tid, from_pid, data}` the runtime must send to `to`
/// when a table changes owner (give_away, or the owner exited and `to` is the heir).
#[derive(Debug, Clone)]
pub struct Transfer {
    /// The new owner, who receives the message.
    pub to: Pid,
    /// The table as its creator refers to it (the name of a named table, else the ref).
    pub tid: Term,
    /// The previous owner.
    pub from: Pid,
    /// The gift data or heir data.
    pub data: Term,
}

impl Transfer {
    /// The message to deliver to [`Transfer::to`].
    pub fn message(&self) -> Term {
        Term::tuple(vec![Term::atom("ETS-TRANSFER"), self.tid.clone(), Term::Pid(self.from), self.data.clone()])
    }
}

#[derive(Default)]
struct Tables {
    // BTreeMap: `all/0` and the REPL summaries list tables in creation order.
    by_id: BTreeMap<Ref, Arc<Table>>,
    by_name: FxHashMap<Atom, Ref>,
}

/// All ETS tables of one runtime. Thread-safe; an operation finds its table through
/// the calling thread's `Recent` table or one short lock on the directory, then
/// takes the table's own row lock.
pub struct EtsRegistry {
    tables: RwLock<Tables>,
    outbox: Mutex<Vec<Transfer>>,
    /// Tells this registry's tables apart from another runtime's in [`RECENT`].
    serial: u64,
    /// Bumped (under the directory's write lock) whenever a handle stops naming the
    /// table it named: a table deleted or renamed. A [`Recent`] from an older epoch is
    /// not trusted.
    epoch: AtomicU64,
}

impl Default for EtsRegistry {
    fn default() -> Self {
        static SERIALS: AtomicU64 = AtomicU64::new(1);
        EtsRegistry {
            tables: RwLock::default(),
            outbox: Mutex::default(),
            serial: SERIALS.fetch_add(1, Ordering::Relaxed),
            epoch: AtomicU64::new(0),
        }
    }
}

/// A table a scheduler thread resolved lately. A process working on a few tables (a
/// counter, a cache; a Registry's directory, key and pid tables in turn) then skips
/// the directory lock and its lookup, and [`EtsRegistry::with_open`] even the
/// reference count. A deleted table may stay remembered until the thread resolves
/// others, so deletion empties it first.
struct Recent {
    serial: u64,
    epoch: u64,
    handle: Term,
    table: Arc<Table>,
}

/// How many tables a thread remembers: `Registry.register/3` alone works on three.
const REMEMBERED: usize = 4;

/// The tables a thread remembers; a new one replaces the oldest.
struct Recents {
    slots: [Option<Recent>; REMEMBERED],
    /// The slot the next table goes to.
    next: usize,
}

impl Recents {
    /// The remembered table `tab` names in `registry` at `epoch`, if any.
    /// Newest first: a process working on one table finds it in the first look, and
    /// tables deleted since (a stale epoch) are passed over after it, not before.
    fn find(&self, registry: &EtsRegistry, tab: &Term, epoch: u64) -> Option<&Recent> {
        let newest = self.next + REMEMBERED - 1;
        (0..REMEMBERED)
            .filter_map(|back| self.slots[(newest - back) % REMEMBERED].as_ref())
            .find(|r| registry.remembers(r, tab, epoch))
    }

    /// Remembers `recent` in place of the oldest.
    fn remember(&mut self, recent: Recent) {
        self.slots[self.next] = Some(recent);
        self.next = (self.next + 1) % REMEMBERED;
    }
}

thread_local! {
    static RECENT: RefCell<Recents> = const { RefCell::new(Recents { slots: [const { None }; REMEMBERED], next: 0 }) };
}

/// The same table handle: the same name, or the same reference.
fn same_handle(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::Atom(x), Term::Atom(y)) => x == y,
        (Term::Ref(x), Term::Ref(y)) => x == y,
        _ => false,
    }
}

impl std::fmt::Debug for EtsRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtsRegistry").field("tables", &self.tables.read().by_id.len()).finish()
    }
}

impl EtsRegistry {
    /// An empty registry.
    pub fn new() -> EtsRegistry {
        EtsRegistry::default()
    }

    /// True if `recent` is still what `tab` names in this registry at `epoch`.
    fn remembers(&self, recent: &Recent, tab: &Term, epoch: u64) -> bool {
        recent.serial == self.serial && recent.epoch == epoch && same_handle(&recent.handle, tab)
    }

    /// The table `tab` (an atom name or a ref) refers to; errors name argument 1.
    pub fn resolve(&self, tab: &Term) -> EtsResult<Arc<Table>> {
        // Read before the lookup: a deletion racing with it leaves a stale epoch behind.
        let epoch = self.epoch.load(Ordering::Acquire);
        let cached = RECENT.with(|cell| {
            let recents = cell.try_borrow().ok()?;
            recents.find(self, tab, epoch).map(|r| r.table.clone())
        });
        if let Some(table) = cached {
            return Ok(table);
        }
        let table = {
            let tables = self.tables.read();
            let found = match tab {
                Term::Atom(name) => tables.by_name.get(name).and_then(|id| tables.by_id.get(id)),
                Term::Ref(id) => tables.by_id.get(id),
                _ => return Err(EtsError::Arg(1, ArgReason::NotTableId)),
            };
            found.cloned().ok_or(EtsError::Arg(1, ArgReason::NoTable))?
        };
        RECENT.with(|cell| {
            // Busy only inside `with_open`'s operation (a nested resolve): then skip.
            if let Ok(mut recents) = cell.try_borrow_mut() {
                recents.remember(Recent { serial: self.serial, epoch, handle: tab.clone(), table: table.clone() });
            }
        });
        Ok(table)
    }

    /// Runs `f` on the table `tab` names once `caller` may perform `access` on it: the
    /// hot operations' way in. On the thread's remembered table this takes no lock
    /// and no reference count.
    pub fn with_open<R>(
        &self,
        caller: Pid,
        tab: &Term,
        access: Access,
        f: impl FnOnce(&Table) -> EtsResult<R>,
    ) -> EtsResult<R> {
        let epoch = self.epoch.load(Ordering::Acquire);
        // `Err(f)` hands the operation back on a miss.
        let outcome = RECENT.with(|cell| {
            let Ok(recents) = cell.try_borrow() else { return Err(f) };
            match recents.find(self, tab, epoch) {
                Some(r) => Ok(r.table.check(caller, access).and_then(|()| f(&r.table))),
                None => Err(f),
            }
        });
        match outcome {
            Ok(result) => result,
            Err(f) => f(&*self.open(caller, tab, access)?),
        }
    }

    /// Resolves `tab` and checks that `caller` may perform `access` on it.
    pub fn open(&self, caller: Pid, tab: &Term, access: Access) -> EtsResult<Arc<Table>> {
        let table = self.resolve(tab)?;
        table.check(caller, access)?;
        Ok(table)
    }

    /// `:ets.new(name, options)`: creates a table owned by `caller` with id `id` (a
    /// fresh runtime reference). Returns the name for a named table, else the ref.
    pub fn new_table(&self, caller: Pid, name: &Term, options: &Term, id: Ref) -> EtsResult<Term> {
        let name = name.as_atom().ok_or(EtsError::Arg(1, ArgReason::NotAtom))?;
        let options = parse_options(options)?;
        let mut tables = self.tables.write();
        if options.named && tables.by_name.contains_key(&name) {
            return Err(EtsError::Arg(1, ArgReason::NameExists));
        }
        let table = Arc::new(Table::new(id, name, options, caller));
        if table.options.named {
            tables.by_name.insert(name, id);
        }
        let handle = table.handle();
        tables.by_id.insert(id, table);
        Ok(handle)
    }

    /// `:ets.delete(tab)`: removes the table (write access needed). Returns `true`.
    pub fn delete_table(&self, caller: Pid, tab: &Term) -> EtsResult<Term> {
        let table = self.open(caller, tab, Access::Write)?;
        self.remove(&table);
        Ok(Term::bool(true))
    }

    fn remove(&self, table: &Table) {
        {
            let mut tables = self.tables.write();
            self.epoch.fetch_add(1, Ordering::Release);
            tables.by_id.remove(&table.id);
            if table.options.named {
                let name = table.name();
                if tables.by_name.get(&name) == Some(&table.id) {
                    tables.by_name.remove(&name);
                }
            }
        }
        // Unreachable now, but a thread may still remember it (see `Recent`): its rows
        // are freed here rather than whenever that thread moves on.
        table.rows.write().clear();
    }

    /// `:ets.whereis(name)`: the ref of the named table, or `:undefined`.
    pub fn whereis(&self, name: &Term) -> EtsResult<Term> {
        let name = name.as_atom().ok_or(EtsError::Arg(1, ArgReason::BadTableName))?;
        let tables = self.tables.read();
        Ok(tables.by_name.get(&name).map(|id| Term::Ref(*id)).unwrap_or_else(|| Term::atom("undefined")))
    }

    /// Bytes all tables hold (rows' words and large binaries), summed from the
    /// counts each table keeps: the session's memory limit includes them.
    pub fn bytes(&self) -> usize {
        self.tables.read().by_id.values().map(|t| t.rows.read().footprint().bytes()).sum()
    }

    /// `:ets.all()`: named tables by name, the others by ref, in creation order.
    pub fn all(&self) -> Term {
        Term::list(self.tables.read().by_id.values().map(|t| t.handle()).collect())
    }

    /// Every live table, in creation order (for summaries and persistence).
    pub fn tables(&self) -> Vec<Arc<Table>> {
        self.tables.read().by_id.values().cloned().collect()
    }

    /// `:ets.rename(tab, name)`: a named table moves to the new name. Returns the new handle.
    pub fn rename(&self, caller: Pid, tab: &Term, name: &Term) -> EtsResult<Term> {
        let new_name = name.as_atom().ok_or(EtsError::Arg(2, ArgReason::BadTableName))?;
        let table = self.open(caller, tab, Access::Write)?;
        let mut tables = self.tables.write();
        self.epoch.fetch_add(1, Ordering::Release);
        if table.options.named {
            if tables.by_name.contains_key(&new_name) {
                return Err(EtsError::Arg(2, ArgReason::NameExists));
            }
            tables.by_name.remove(&table.name());
            tables.by_name.insert(new_name, table.id);
        }
        *table.name.lock() = new_name;
        Ok(table.handle())
    }

    /// `:ets.give_away(tab, pid, data)`: only the owner may; the transfer message is
    /// queued for the runtime ([`EtsRegistry::drain_transfers`]). Returns `true`.
    ///
    /// Whether `pid` is alive is the runtime's knowledge: a gift to a process that
    /// has already exited must be followed by `owner_exited(pid)` when the runtime
    /// finds it cannot deliver the message, so the table is not leaked.
    pub fn give_away(&self, caller: Pid, tab: &Term, to: &Term, data: &Term) -> EtsResult<Term> {
        let table = self.resolve(tab)?;
        let Term::Pid(to) = to else { return Err(EtsError::Arg(2, ArgReason::NotPid)) };
        let owner = table.owner();
        if owner != caller {
            return Err(EtsError::Arg(2, ArgReason::NotOwner));
        }
        if *to == owner {
            return Err(EtsError::Arg(2, ArgReason::AlreadyOwner));
        }
        table.set_owner(*to);
        self.outbox.lock().push(Transfer { to: *to, tid: table.handle(), from: owner, data: data.clone() });
        Ok(Term::bool(true))
    }

    /// The transfer messages queued by `give_away` since the last call, oldest first.
    /// The runtime calls this after running a process and sends each
    /// [`Transfer::message`] to [`Transfer::to`].
    pub fn drain_transfers(&self) -> Vec<Transfer> {
        std::mem::take(&mut *self.outbox.lock())
    }

    /// `:ets.setopts(tab, opts)`: the owner changes the heir (`{:heir, pid, data}` or
    /// `{:heir, :none}`, alone or in a list). Returns `true`.
    pub fn setopts(&self, caller: Pid, tab: &Term, opts: &Term) -> EtsResult<Term> {
        let table = self.resolve(tab)?;
        let invalid = EtsError::Arg(2, ArgReason::InvalidOptions);
        let items = match opts {
            Term::Tuple(_) => vec![opts.clone()],
            _ => opts.list_to_vec().ok_or(invalid)?,
        };
        if table.owner() != caller {
            return Err(invalid);
        }
        let mut heir = None;
        for item in &items {
            heir = Some(super::options::parse_heir(item).ok_or(invalid)?);
        }
        if let Some(h) = heir {
            *table.heir.lock() = h;
        }
        Ok(Term::bool(true))
    }

    /// Called by the runtime when process `pid` exits: each table it owns goes to its
    /// heir (if the heir is another process) or is deleted. Returns the transfer
    /// messages to deliver. If a heir turns out to be dead too, the runtime calls
    /// `owner_exited` for it in turn, which deletes the table.
    pub fn owner_exited(&self, pid: Pid) -> Vec<Transfer> {
        let owned: Vec<Arc<Table>> =
            self.tables.read().by_id.values().filter(|t| t.owner() == pid).cloned().collect();
        let mut transfers = Vec::new();
        for table in owned {
            let heir = table.heir.lock().clone();
            match heir {
                Heir::Pid(heir_pid, data) if heir_pid != pid => {
                    table.set_owner(heir_pid);
                    transfers.push(Transfer { to: heir_pid, tid: table.handle(), from: pid, data });
                }
                _ => self.remove(&table),
            }
        }
        transfers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(items: Vec<Term>) -> Term {
        Term::list(items)
    }

    #[test]
    fn named_tables_are_reached_by_name_and_ref() {
        let reg = EtsRegistry::new();
        let h = reg.new_table(Pid(1), &Term::atom("config"), &opts(vec![Term::atom("named_table")]), Ref(7));
        assert_eq!(h, Ok(Term::atom("config")));
        assert_eq!(reg.whereis(&Term::atom("config")), Ok(Term::Ref(Ref(7))));
        assert!(reg.resolve(&Term::Ref(Ref(7))).is_ok());
        let again = reg.new_table(Pid(1), &Term::atom("config"), &opts(vec![Term::atom("named_table")]), Ref(8));
        assert_eq!(again, Err(EtsError::Arg(1, ArgReason::NameExists)));
        // An unnamed table may reuse the name.
        assert_eq!(reg.new_table(Pid(1), &Term::atom("config"), &Term::Nil, Ref(9)), Ok(Term::Ref(Ref(9))));
        assert_eq!(reg.all(), Term::list(vec![Term::atom("config"), Term::Ref(Ref(9))]));
    }

    #[test]
    fn rename_moves_the_name_and_delete_frees_it() {
        let reg = EtsRegistry::new();
        reg.new_table(Pid(1), &Term::atom("config"), &opts(vec![Term::atom("named_table")]), Ref(1)).ok();
        assert_eq!(reg.rename(Pid(1), &Term::atom("config"), &Term::atom("settings")), Ok(Term::atom("settings")));
        assert_eq!(reg.whereis(&Term::atom("config")), Ok(Term::atom("undefined")));
        assert_eq!(reg.resolve(&Term::atom("config")).err(), Some(EtsError::Arg(1, ArgReason::NoTable)));
        assert_eq!(reg.delete_table(Pid(1), &Term::atom("settings")), Ok(Term::bool(true)));
        assert_eq!(reg.delete_table(Pid(1), &Term::Ref(Ref(1))), Err(EtsError::Arg(1, ArgReason::NoTable)));
        assert_eq!(reg.resolve(&Term::Int(42)).err(), Some(EtsError::Arg(1, ArgReason::NotTableId)));
    }

    #[test]
    fn a_name_reused_after_delete_reaches_the_new_table() {
        let reg = EtsRegistry::new();
        let named = opts(vec![Term::atom("named_table")]);
        reg.new_table(Pid(1), &Term::atom("cache"), &named, Ref(1)).ok();
        // Resolved once, so this thread remembers the first table.
        assert_eq!(reg.resolve(&Term::atom("cache")).map(|t| t.id), Ok(Ref(1)));
        reg.delete_table(Pid(1), &Term::atom("cache")).ok();
        assert_eq!(reg.resolve(&Term::atom("cache")).err(), Some(EtsError::Arg(1, ArgReason::NoTable)));
        reg.new_table(Pid(1), &Term::atom("cache"), &named, Ref(2)).ok();
        assert_eq!(reg.resolve(&Term::atom("cache")).map(|t| t.id), Ok(Ref(2)));
        // Another runtime's table with the same name and id is another table.
        let other = EtsRegistry::new();
        assert!(other.resolve(&Term::atom("cache")).is_err());
    }

    #[test]
    fn a_thread_remembers_several_tables_and_each_handle_reaches_its_own() {
        let reg = EtsRegistry::new();
        let named = opts(vec![Term::atom("named_table")]);
        let names = ["t0", "t1", "t2", "t3", "t4", "t5"];
        for (i, name) in names.iter().enumerate() {
            reg.new_table(Pid(1), &Term::atom(name), &named, Ref(i as u64 + 1)).ok();
        }
        // More tables than the thread remembers, touched in turn, by name and by
        // ref: every handle must reach its own table, remembered or not.
        for _ in 0..3 {
            for (i, name) in names.iter().enumerate() {
                assert_eq!(reg.resolve(&Term::atom(name)).map(|t| t.id), Ok(Ref(i as u64 + 1)));
                assert_eq!(reg.resolve(&Term::Ref(Ref(i as u64 + 1))).map(|t| t.id), Ok(Ref(i as u64 + 1)));
                let seen = reg.with_open(Pid(1), &Term::atom(name), Access::Read, |t| Ok(t.id));
                assert_eq!(seen, Ok(Ref(i as u64 + 1)));
            }
        }
        // A remembered table, deleted and its name reused, is not reached again.
        reg.delete_table(Pid(1), &Term::atom("t5")).ok();
        reg.new_table(Pid(1), &Term::atom("t5"), &named, Ref(99)).ok();
        assert_eq!(reg.resolve(&Term::atom("t5")).map(|t| t.id), Ok(Ref(99)));
        assert_eq!(reg.resolve(&Term::Ref(Ref(6))).err(), Some(EtsError::Arg(1, ArgReason::NoTable)));
    }

    #[test]
    fn owner_exit_deletes_or_hands_to_the_heir() {
        let reg = EtsRegistry::new();
        reg.new_table(Pid(1), &Term::atom("plain"), &opts(vec![Term::atom("named_table")]), Ref(1)).ok();
        let heir = Term::tuple(vec![Term::atom("heir"), Term::Pid(Pid(2)), Term::atom("inheritance")]);
        reg.new_table(Pid(1), &Term::atom("kept"), &opts(vec![Term::atom("named_table"), heir]), Ref(2)).ok();
        let transfers = reg.owner_exited(Pid(1));
        assert_eq!(reg.whereis(&Term::atom("plain")), Ok(Term::atom("undefined")));
        assert_eq!(transfers.len(), 1);
        assert_eq!(
            transfers[0].message(),
            Term::tuple(vec![Term::atom("ETS-TRANSFER"), Term::atom("kept"), Term::Pid(Pid(1)), Term::atom("inheritance")])
        );
        assert_eq!(transfers[0].to, Pid(2));
        let kept = reg.resolve(&Term::atom("kept")).expect("inherited");
        assert_eq!(kept.owner(), Pid(2));
        // The heir option still names the new owner, so its exit deletes the table.
        assert!(reg.owner_exited(Pid(2)).is_empty());
        assert!(reg.resolve(&Term::atom("kept")).is_err());
    }

    #[test]
    fn give_away_checks_ownership_and_queues_the_message() {
        let reg = EtsRegistry::new();
        let t = reg.new_table(Pid(1), &Term::atom("t"), &opts(vec![Term::atom("public")]), Ref(1)).expect("new");
        let data = Term::atom("here_you_go");
        assert_eq!(reg.give_away(Pid(1), &t, &Term::Pid(Pid(1)), &data), Err(EtsError::Arg(2, ArgReason::AlreadyOwner)));
        assert_eq!(reg.give_away(Pid(1), &t, &Term::atom("x"), &data), Err(EtsError::Arg(2, ArgReason::NotPid)));
        assert_eq!(reg.give_away(Pid(1), &t, &Term::Pid(Pid(2)), &data), Ok(Term::bool(true)));
        assert_eq!(reg.give_away(Pid(1), &t, &Term::Pid(Pid(3)), &data), Err(EtsError::Arg(2, ArgReason::NotOwner)));
        let sent = reg.drain_transfers();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].message(), Term::tuple(vec![Term::atom("ETS-TRANSFER"), t, Term::Pid(Pid(1)), data]));
        assert!(reg.drain_transfers().is_empty());
    }

    #[test]
    fn setopts_is_for_the_owner_only() {
        let reg = EtsRegistry::new();
        let t = reg.new_table(Pid(1), &Term::atom("t"), &Term::Nil, Ref(1)).expect("new");
        let heir = Term::tuple(vec![Term::atom("heir"), Term::Pid(Pid(5)), Term::Int(1)]);
        assert_eq!(reg.setopts(Pid(2), &t, &heir), Err(EtsError::Arg(2, ArgReason::InvalidOptions)));
        assert_eq!(reg.setopts(Pid(1), &t, &heir), Ok(Term::bool(true)));
        assert_eq!(reg.owner_exited(Pid(1)).len(), 1);
    }
}

//! [`Table`]: one ETS table — its fixed options, its owner and heir, and its rows.
//!
//! Rows live in one `parking_lot::RwLock<Rows>` (see the research notes: at REPL
//! scale and 2 cores a concurrent map is not worth it; [`Rows`] is a hash index or a
//! tree by table type). Every public operation takes the lock once, so each is
//! atomic, including the insertion of a list of rows.

use super::error::{ArgReason, EtsError, EtsResult};
use super::key::Key;
use super::rows::Rows;
use crate::term::{Atom, Pid, Ref, Term};
use parking_lot::{Mutex, RwLock};
use std::sync::atomic::{AtomicU64, Ordering};

/// The four table types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableType {
    /// One row per key (exact key comparison).
    Set,
    /// One row per key, rows sorted by key, keys compared with `==`.
    OrderedSet,
    /// Several distinct rows per key.
    Bag,
    /// Several rows per key, identical rows allowed.
    DuplicateBag,
}

impl TableType {
    /// The option atom's text (`set`, `ordered_set`, `bag`, `duplicate_bag`).
    pub fn name(self) -> &'static str {
        match self {
            TableType::Set => "set",
            TableType::OrderedSet => "ordered_set",
            TableType::Bag => "bag",
            TableType::DuplicateBag => "duplicate_bag",
        }
    }

    /// True for the types that keep one row per key.
    pub fn is_set_like(self) -> bool {
        matches!(self, TableType::Set | TableType::OrderedSet)
    }
}

/// Who may read and write a table besides its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Everyone reads and writes.
    Public,
    /// Everyone reads; only the owner writes (the default).
    Protected,
    /// Only the owner reads and writes.
    Private,
}

impl Protection {
    /// The option atom's text.
    pub fn name(self) -> &'static str {
        match self {
            Protection::Public => "public",
            Protection::Protected => "protected",
            Protection::Private => "private",
        }
    }
}

/// What an operation does to the table, for the access check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads rows.
    Read,
    /// Changes rows.
    Write,
}

/// The heir option: who inherits the table when its owner exits.
#[derive(Debug, Clone)]
pub enum Heir {
    /// Nobody: the table is deleted with its owner.
    None,
    /// `pid` receives the table and `{:"ETS-TRANSFER", tid, owner, data}`.
    Pid(Pid, Term),
}

/// Options fixed at creation (`heir` and the owner change later, see [`Table`]).
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// set / ordered_set / bag / duplicate_bag.
    pub kind: TableType,
    /// public / protected / private.
    pub protection: Protection,
    /// 1-based position of the key in each row.
    pub keypos: usize,
    /// `named_table` given.
    pub named: bool,
    /// `{:heir, pid, data}` or `:none`.
    pub heir: Heir,
    /// `read_concurrency` (accepted and reported; the lock is the same).
    pub read_concurrency: bool,
    /// `write_concurrency`: `true`, `false` or `:auto` (accepted and reported).
    pub write_concurrency: Term,
    /// `compressed` (accepted and reported; rows are stored as they are).
    pub compressed: bool,
    /// `decentralized_counters` (accepted and reported).
    pub decentralized_counters: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            kind: TableType::Set,
            protection: Protection::Protected,
            keypos: 1,
            named: false,
            heir: Heir::None,
            read_concurrency: false,
            write_concurrency: Term::bool(false),
            compressed: false,
            decentralized_counters: false,
        }
    }
}

/// One table. Shared as `Arc<Table>` by the registry; deleted tables are removed from
/// the registry, so an operation that already resolved the table finishes on it.
#[derive(Debug)]
pub struct Table {
    /// The table id (`Term::Ref`).
    pub id: Ref,
    /// The name given to `new/2` (changed by `rename/2`).
    pub name: Mutex<Atom>,
    /// Creation options.
    pub options: TableOptions,
    owner: AtomicU64,
    /// The current heir (changed by `setopts/2`).
    pub heir: Mutex<Heir>,
    /// The rows.
    pub rows: RwLock<Rows>,
}

impl Table {
    /// A new empty table owned by `owner`.
    pub fn new(id: Ref, name: Atom, options: TableOptions, owner: Pid) -> Table {
        let heir = options.heir.clone();
        let rows = Rows::new(options.kind);
        Table {
            id,
            name: Mutex::new(name),
            options,
            owner: AtomicU64::new(owner.0),
            heir: Mutex::new(heir),
            rows: RwLock::new(rows),
        }
    }

    /// The owning process.
    pub fn owner(&self) -> Pid {
        Pid(self.owner.load(Ordering::Acquire))
    }

    /// Hands the table to `pid`.
    pub fn set_owner(&self, pid: Pid) {
        self.owner.store(pid.0, Ordering::Release);
    }

    /// The table's current name.
    pub fn name(&self) -> Atom {
        *self.name.lock()
    }

    /// The term that refers to this table: its name if named, else its reference.
    pub fn handle(&self) -> Term {
        if self.options.named { Term::Atom(self.name()) } else { Term::Ref(self.id) }
    }

    /// Checks that `caller` may perform `access` (the error names argument 1).
    pub fn check(&self, caller: Pid, access: Access) -> EtsResult<()> {
        let allowed = match (self.options.protection, access) {
            (Protection::Public, _) => true,
            (Protection::Protected, Access::Read) => true,
            _ => caller == self.owner(),
        };
        if allowed { Ok(()) } else { Err(EtsError::Arg(1, ArgReason::Access)) }
    }

    /// True if keys compare exactly (everything but ordered_set).
    pub fn exact_keys(&self) -> bool {
        self.options.kind != TableType::OrderedSet
    }

    /// The map key for the key term `key`.
    pub fn key(&self, key: &Term) -> Key {
        Key::new(key.clone(), self.exact_keys())
    }

    /// The key of `object`, or `Badarg` when it is shorter than the key position.
    /// `object` must already be known to be a tuple.
    pub fn key_of<'a>(&self, object: &'a Term) -> EtsResult<&'a Term> {
        match object {
            Term::Tuple(items) => items.get(self.options.keypos - 1).ok_or(EtsError::Badarg),
            _ => Err(EtsError::Badarg),
        }
    }
}

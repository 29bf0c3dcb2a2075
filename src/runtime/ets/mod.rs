//! ETS: Erlang term storage, tables shared by all processes of a runtime.
//!
//! A pure, thread-safe data structure (no tokio inside). Natives call
//! [`EtsRegistry`] with the caller's pid and get `Result<Term, EtsError>`; the
//! runtime calls [`EtsRegistry::owner_exited`] from its exit hook and delivers the
//! returned [`Transfer`]s, plus those queued by `give_away`
//! ([`EtsRegistry::drain_transfers`]).
//!
//! - [`error`]: [`EtsError`], with Elixir 1.14's exact ArgumentError texts.
//! - [`key`]: `Key`, exact order for set/bag, `==` order for ordered_set.
//! - [`table`]: [`table::Table`], options and access checks.
//! - [`footprint`]: a row's size (words, large binaries), walked without recursion.
//! - [`rows`]: [`rows::Rows`], row storage: a hash index (set, bags) or a tree (ordered_set).
//! - [`options`]: parsing `new/2`'s option list.
//! - [`registry`]: [`EtsRegistry`]: tables by id and name, ownership, heirs.
//! - [`objects`]: insert, lookup, delete, take, first/next/last/prev.
//! - [`update`]: update_element and update_counter.
//! - [`pattern`], [`expr`], [`match_spec`]: match patterns and specifications.
//! - [`select`]: match/select/select_reverse/count/delete/replace with continuations.
//! - [`info`]: info/1,2, memory, and the REPL's summaries and rows.
//! - [`persist`]: `tab2file` and `file2tab`.

pub mod error;
pub mod expr;
pub mod footprint;
pub mod info;
pub mod key;
pub mod match_spec;
pub mod objects;
pub mod options;
pub mod pattern;
pub mod persist;
pub mod registry;
pub mod rows;
pub mod select;
pub mod table;
pub mod update;


pub use error::{ArgReason, EtsError, EtsResult};
pub use info::TableSummary;
pub use match_spec::PatternBody;
pub use registry::{EtsRegistry, Transfer};

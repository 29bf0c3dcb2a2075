//! Layer 2 — the value universe: [`Term`], atoms, term order and equality, `inspect`.
//!
//! - [`atom`]: interned [`Atom`]s and the [`atom::ATOMS`] the runtime uses constantly.
//! - [`value`]: [`Term`] itself, list cells, maps, pids, refs and function values.
//! - [`binary`]: [`binary::Bin`], a binary's bytes: its own, or a window on another's.
//! - [`map`]: [`TermMap`], a map's entries: flat while small, a persistent tree when large.
//! - [`map_tree`]: [`map_tree::MapTree`], that persistent tree: a B+tree copied along one path per change.
//! - [`order`]: Erlang term order, `==` versus `===`.
//! - [`hash`]: `Hash` for terms, consistent with `===` (ETS key indexes).
//! - [`inspect`]: `inspect/1,2` exactly as Elixir 1.14 prints, pretty-printing included.
//! - [`doc`]: the pretty-printing algebra `inspect` renders with.
//! - [`atom_syntax`], [`escape`], [`float_format`], [`date`]: how atoms, quoted text,
//!   floats and dates are written.
//! - [`text`]: `to_string/1` (String.Chars) for interpolation and `IO.puts`.
//! - [`builtin_structs`]: fields and defaults of Elixir's own structs (Range, Date,
//!   the built-in exceptions), the one table every layer reads.
//! - [`calendar`]: Gregorian calendar arithmetic (leap years, month lengths, day counts).

pub mod atom;
pub mod atom_syntax;
pub mod binary;
pub mod builtin_structs;
pub mod calendar;
pub mod date;
pub mod doc;
pub mod escape;
pub mod float_format;
pub mod hash;
pub mod inspect;
pub mod map;
pub mod map_tree;
pub mod order;
pub mod text;
pub mod value;

pub use atom::{ATOMS, Atom};
pub use binary::Bin;
pub use map::TermMap;
pub use value::{Cons, Fun, FunKind, ListIter, Pid, Ref, Term};

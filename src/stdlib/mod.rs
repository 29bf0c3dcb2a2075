//! Layer 5 — the standard library: natives in Rust (one file per Elixir/Erlang
//! module) and the prelude, Elixir sources compiled into the binary (Enum, Stream,
//! and the OTP behaviours GenServer, Agent, Task, Supervisor...).
//!
//! Entry points other layers call directly (besides the registry):
//! - [`exception`]: `normalize`/`normalize_blamed` (raw error → struct), `message`,
//!   `banner`/`banner_blamed` (the uncaught-error line), `make_exception` (`raise`
//!   called as a function; the compiled `raise` goes to the VM's `Kernel.__exception__/2`),
//!   `is_builtin` (user exception modules are the VM's to build).
//! - [`date::date_from_iso`] for `~D[...]` literals; [`naive_date_time`]'s
//!   `naive_datetime_from_iso`, `time_from_iso` and `utc_datetime_from_iso` build the
//!   structs of `~N`, `~T` and `~U` (also reachable as `NaiveDateTime.from_iso8601!/1`,
//!   `Time.from_iso8601!/1`, `DateTime.from_iso8601/1`).
//! - [`regex`]: `Regex.compile!/2` is what the `~r` sigil compiles to; `Kernel.=~/2`.
//! - [`calendar_iso`]: ISO 8601 text and the `Calendar.ISO` natives, over the calendar
//!   arithmetic of [`crate::term::calendar`].
//! - `:otplab_file.read_lines/1` (in [`mod@file`]) for the prelude's `File.Stream`.
//! - [`float::float_to_text`] (Erlang's shortest float text) and
//!   [`kernel::chars_text`] (String.Chars) for interpolation.

pub mod prelude;
pub mod ets;
pub mod prelude_otp;

use crate::vm::NativeRegistry;

// First-order natives (no function arguments): one file per module, plus the
// shared argument decoding, arithmetic and range reading they are built on.
pub mod argument;
pub mod allocation;
/// Arithmetic lives with the VM (its `Op` instruction uses it); natives share it.
pub use crate::vm::arith;
pub mod atom;
pub mod base;
pub mod date;
pub mod date_time;
pub mod erlang;
pub mod exception;
pub mod external_term;
pub mod file;
pub mod float;
pub mod global;
pub mod integer;
pub mod io;
pub mod kernel;
pub mod keyword;
pub mod list;
pub mod lists;
pub mod map;
pub mod map_set;
pub mod maps;
pub mod math;
pub mod path;
pub mod portable_hash;
pub mod rand;
pub mod range;
pub mod regex;
pub mod calendar_iso;
pub mod naive_date_time;
pub mod uri;
pub mod binary;
pub mod queue;
pub mod erlang_string;
pub mod function;
pub mod gen_call;
pub mod string;
pub mod process;
pub mod timer;
pub mod system;
pub mod iex_shell;
pub mod iex_seq;
pub mod sequence_chart;
pub mod code;
pub mod iex_docs;
pub mod docs;
#[cfg(test)]
pub mod test_bench;
pub mod tuple;

/// Every native function of the standard library.
pub fn natives() -> NativeRegistry {
    let mut reg = NativeRegistry::new();
    crate::vm::builtins::register(&mut reg);
    crate::vm::spawn::register(&mut reg);
    // First-order natives.
    erlang::register(&mut reg);
    kernel::register(&mut reg);
    atom::register(&mut reg);
    base::register(&mut reg);
    date::register(&mut reg);
    date_time::register(&mut reg);
    exception::register(&mut reg);
    external_term::register(&mut reg);
    file::register(&mut reg);
    float::register(&mut reg);
    gen_call::register(&mut reg);
    global::register(&mut reg);
    integer::register(&mut reg);
    io::register(&mut reg);
    keyword::register(&mut reg);
    list::register(&mut reg);
    lists::register(&mut reg);
    map::register(&mut reg);
    map_set::register(&mut reg);
    maps::register(&mut reg);
    math::register(&mut reg);
    path::register(&mut reg);
    portable_hash::register(&mut reg);
    regex::register(&mut reg);
    calendar_iso::register(&mut reg);
    naive_date_time::register(&mut reg);
    uri::register(&mut reg);
    binary::register(&mut reg);
    queue::register(&mut reg);
    erlang_string::register(&mut reg);
    function::register(&mut reg);
    rand::register(&mut reg);
    string::register(&mut reg);
    ets::register(&mut reg);
    process::register(&mut reg);
    timer::register(&mut reg);
    system::register(&mut reg);
    iex_shell::register(&mut reg);
    iex_seq::register(&mut reg);
    code::register(&mut reg);
    iex_docs::register(&mut reg);
    tuple::register(&mut reg);
    reg
}

/// The Elixir prelude sources compiled at session start, in dependency order.
pub fn prelude_sources() -> Vec<(&'static str, &'static str)> {
    prelude::SOURCES.iter().chain(prelude_otp::SOURCES.iter()).copied().collect()
}

/// What Elixir prints on stderr for an exception that ends a script: the banner
/// (see [`banner`]), blamed as Elixir's top level blames it, then a line per
/// entry of `trace`.
pub fn uncaught(raise: &crate::vm::Raise, trace: &crate::term::Term) -> Vec<String> {
    let mut text = banner(raise);
    let blamed = match raise.class {
        crate::vm::Class::Error => exception::blame_function_clause(&raise.reason, trace),
        _ => None,
    };
    let trace = match blamed {
        Some((listed, trace)) => {
            text.push_str(&listed);
            trace
        }
        None => trace.clone(),
    };
    std::iter::once(text).chain(exception::stacktrace_lines(&trace)).collect()
}

/// The first stderr line Elixir prints for an uncaught exception in a script.
pub fn banner(raise: &crate::vm::Raise) -> String {
    let text = match &raise.blame {
        Some(b) => exception::banner_blamed(
            raise.class,
            &raise.reason,
            Some(exception::FailedCall { module: b.module.as_str(), function: b.function.as_str(), args: &b.args }),
        ),
        None => exception::banner(raise.class, &raise.reason),
    };
    // "Did you mean:" after an UndefinedFunctionError's message.
    match &raise.hint {
        Some(hint) => text + hint,
        None => text,
    }
}

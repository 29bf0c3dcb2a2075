//! The prelude: Elixir sources compiled into the binary at start-up. Every library
//! function that takes a function value lives here (natives may never call a
//! closure: the call could not suspend and would grow the Rust stack), together with
//! the dispatch over enumerables. See `prelude/README.md` for what is where.

/// `(file name, source)` for each prelude file, in the order they must be compiled:
/// modules that define structs (`MapSet`, `Stream`) come before the modules whose
/// patterns name those structs (`Enumerable`, `Enum`).
pub const SOURCES: &[(&str, &str)] = &[
    ("exceptions.ex", include_str!("prelude/exceptions.ex")),
    ("timer.ex", include_str!("prelude/timer.ex")),
    ("lists.ex", include_str!("prelude/lists.ex")),
    ("string_io.ex", include_str!("prelude/string_io.ex")),
    ("io.ex", include_str!("prelude/io.ex")),
    ("iex_helpers.ex", include_str!("prelude/iex_helpers.ex")),
    ("function.ex", include_str!("prelude/function.ex")),
    ("range.ex", include_str!("prelude/range.ex")),
    ("map_set.ex", include_str!("prelude/map_set.ex")),
    ("stream.ex", include_str!("prelude/stream.ex")),
    ("enumerable.ex", include_str!("prelude/enumerable.ex")),
    ("string_chars.ex", include_str!("prelude/string_chars.ex")),
    ("collectable.ex", include_str!("prelude/collectable.ex")),
    ("inspect.ex", include_str!("prelude/inspect.ex")),
    ("inspect_algebra.ex", include_str!("prelude/inspect_algebra.ex")),
    ("enum.ex", include_str!("prelude/enum.ex")),
    ("map.ex", include_str!("prelude/map.ex")),
    ("list.ex", include_str!("prelude/list.ex")),
    ("keyword.ex", include_str!("prelude/keyword.ex")),
    ("access.ex", include_str!("prelude/access.ex")),
    ("kernel.ex", include_str!("prelude/kernel.ex")),
    ("code.ex", include_str!("prelude/code.ex")),
    ("regex.ex", include_str!("prelude/regex.ex")),
    ("string.ex", include_str!("prelude/string.ex")),
    ("uri.ex", include_str!("prelude/uri.ex")),
    ("ex_unit/assertion_error.ex", include_str!("prelude/ex_unit/assertion_error.ex")),
    ("ex_unit/timeout_error.ex", include_str!("prelude/ex_unit/timeout_error.ex")),
    ("ex_unit/server.ex", include_str!("prelude/ex_unit/server.ex")),
    ("ex_unit/assertions.ex", include_str!("prelude/ex_unit/assertions.ex")),
    ("ex_unit/callbacks.ex", include_str!("prelude/ex_unit/callbacks.ex")),
    ("ex_unit/formatter.ex", include_str!("prelude/ex_unit/formatter.ex")),
    ("ex_unit/runner.ex", include_str!("prelude/ex_unit/runner.ex")),
    ("ex_unit/ex_unit.ex", include_str!("prelude/ex_unit/ex_unit.ex")),
    ("ex_unit/capture_io.ex", include_str!("prelude/ex_unit/capture_io.ex")),
    ("ex_unit/capture_log.ex", include_str!("prelude/ex_unit/capture_log.ex")),
];

#[cfg(test)]
mod tests {
    use super::SOURCES;

    #[test]
    fn every_file_defines_one_module_and_is_listed_once() {
        let mut names: Vec<&str> = SOURCES.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SOURCES.len());
        for (name, source) in SOURCES {
            let modules = source.matches("\ndefmodule ").count()
                + usize::from(source.starts_with("defmodule "))
                + usize::from(source.starts_with("defprotocol "));
            // exceptions.ex gathers Elixir's message-only exceptions, one small module each.
            let expected = if *name == "exceptions.ex" { 7 } else { 1 };
            assert_eq!(modules, expected, "{name}");
        }
    }

    #[test]
    fn struct_modules_precede_their_users() {
        let position = |file: &str| SOURCES.iter().position(|(name, _)| *name == file);
        assert!(position("stream.ex") < position("enumerable.ex"));
        assert!(position("map_set.ex") < position("enumerable.ex"));
        assert!(position("map_set.ex") < position("enum.ex"));
    }
}

//! [`EtsError`]: why an ETS call rejected its arguments.
//!
//! BEAM reports a bad ETS call as `badarg` plus "extended error information" naming
//! the argument at fault; Elixir 1.14 turns that into an `ArgumentError` whose message
//! lists it. The texts below are the ones `erl_erts_errors` produces (checked against
//! real Elixir 1.14), so [`EtsError::message`] is exactly what the learner would see.

/// What an ETS call got wrong. The stdlib layer turns it into an `ArgumentError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EtsError {
    /// A plain `badarg` without extended information (Elixir prints "argument error"),
    /// e.g. a row shorter than the table's key position.
    #[error("argument error")]
    Badarg,
    /// Argument number `.0` (1-based) is wrong for the reason `.1`.
    #[error("{}", message_for(*.0, *.1))]
    Arg(u8, ArgReason),
}

/// The reason attached to one argument, worded as `erl_erts_errors` words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgReason {
    /// No table with that name or id exists (any more).
    NoTable,
    /// The argument is neither an atom nor a table reference.
    NotTableId,
    /// The caller may not read (private) or write (protected, private) the table.
    Access,
    /// The operation does not apply to this table type (e.g. update_counter on a bag).
    WrongType,
    /// A single object that is not a tuple.
    NotTuple,
    /// `{}` cannot be stored.
    EmptyTuple,
    /// A list containing a non-tuple, or an improper list.
    NotTupleOrList,
    /// A named table with that name already exists.
    NameExists,
    /// An unknown or malformed option.
    InvalidOptions,
    /// A table name that is not an atom (in `new/2`).
    NotAtom,
    /// Options that are not a list.
    NotList,
    /// A table name that is not an atom (in `rename/2`, `whereis/1`).
    BadTableName,
    /// `update_element/3`: not `{pos, value}` or a list of them, or position < 1.
    BadElementSpec,
    /// Updating the key position.
    SameAsKeypos,
    /// A position outside the object, a bad limit, or a bag for `update_element`.
    OutOfRange,
    /// `lookup_element/3`: the position is past the end of the object.
    PosGreaterThanSize,
    /// The key is not in the table (update_counter without default, lookup_element, next on a set).
    KeyMissing,
    /// `update_counter`: the field is not an integer.
    NotInteger,
    /// `update_counter`: the position is outside the object.
    CounterPosOutOfRange,
    /// `update_counter`: not an integer, `{pos, incr}`, `{pos, incr, threshold, set}` or a list of them.
    BadUpdateOp,
    /// A match pattern or match specification that does not compile.
    BadMatchSpec,
    /// `give_away/3` by a process that does not own the table.
    NotOwner,
    /// `give_away/3` to the table's current owner.
    AlreadyOwner,
    /// `give_away/3` to a process that has exited.
    TerminatedPid,
    /// A pid was expected.
    NotPid,
    /// `info/2` with an unknown item.
    BadInfoItem,
    /// `select/1` or `match/1` with something that is not a continuation.
    BadContinuation,
}

impl ArgReason {
    /// The reason's text after `* Nth argument: `.
    pub fn text(self) -> &'static str {
        use ArgReason::*;
        match self {
            NoTable => "the table identifier does not refer to an existing ETS table",
            NotTableId => "not an atom or a table identifier",
            Access => "the table identifier refers to an ETS table with insufficient access rights",
            WrongType => {
                "the table identifier refers to an ETS table of a type not supported by this operation"
            }
            NotTuple => "not a tuple",
            EmptyTuple => "is an empty tuple",
            NotTupleOrList => "not a non-empty tuple or a list of non-empty tuples",
            NameExists => "table name already exists",
            InvalidOptions => "invalid options",
            NotAtom => "not an atom",
            NotList => "not a list",
            BadTableName => "invalid table name (must be an atom)",
            BadElementSpec => "is not a valid element specification",
            SameAsKeypos => "the position is the same as the key position",
            OutOfRange => "out of range",
            PosGreaterThanSize => "position is greater than the size of the object",
            KeyMissing => "not a key that exists in the table",
            NotInteger => "the value in the given position, in the object, is not an integer",
            CounterPosOutOfRange => "the position in the update operation is out of range",
            BadUpdateOp => "not a valid update operation",
            BadMatchSpec => "not a valid match specification",
            NotOwner => "the current process is not the owner",
            AlreadyOwner => "the process is already the owner of the table",
            TerminatedPid => "the pid refers to a terminated process",
            NotPid => "not a pid",
            BadInfoItem => "not a valid info item",
            BadContinuation => "invalid continuation",
        }
    }
}

fn ordinal(n: u8) -> String {
    match n {
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}

fn message_for(position: u8, reason: ArgReason) -> String {
    format!(
        "errors were found at the given arguments:\n\n  * {} argument: {}\n",
        ordinal(position),
        reason.text()
    )
}

impl EtsError {
    /// The `ArgumentError` message Elixir 1.14 prints for this error.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// Shorthand for the result of every registry call.
pub type EtsResult<T> = Result<T, EtsError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_elixir_1_14() {
        assert_eq!(
            EtsError::Arg(1, ArgReason::NoTable).message(),
            "errors were found at the given arguments:\n\n  * 1st argument: the table identifier does not refer to an existing ETS table\n"
        );
        assert_eq!(
            EtsError::Arg(3, ArgReason::SameAsKeypos).message(),
            "errors were found at the given arguments:\n\n  * 3rd argument: the position is the same as the key position\n"
        );
        assert_eq!(
            EtsError::Arg(4, ArgReason::NotTuple).message(),
            "errors were found at the given arguments:\n\n  * 4th argument: not a tuple\n"
        );
        assert_eq!(EtsError::Badarg.message(), "argument error");
    }
}

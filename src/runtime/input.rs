//! Where `IO.gets` reads from, and who ends the program on `System.halt`: both
//! belong to the program hosting the runtime (the `cli` layer), so the runtime
//! only holds what that program installed. A session without them (the grader)
//! reads end of file and halts only the calling process.

use std::sync::Arc;

/// Lines of standard input, as the hosting program reads them.
pub trait InputSource: Send + Sync + 'static {
    /// The next line with its newline, or `None` at end of input. Blocks the
    /// calling scheduler thread until a line is typed (as BEAM's `:user` blocks
    /// the caller; the virtual clock's single thread waits with it).
    fn read_line(&self) -> Option<String>;
}

/// Ends the hosting program with an exit status (`System.halt/1`). Does not return
/// when the program really halts.
pub type HaltHook = Arc<dyn Fn(i32) + Send + Sync>;

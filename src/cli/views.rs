//! REPL entries that draw on the terminal rather than evaluate to a value:
//! `observer()` (the full-screen live view) and `timeline(fun)` (runs `fun`, then
//! draws the lifetimes of what it spawned as the grader draws a timed check). They
//! are recognised only alone on a line; elsewhere `IEx.Helpers` says where they work.

use crate::course::timeline::Timeline;
use crate::session::{Evaluation, LifeEvent, Session, SessionError};
use crate::syntax::ast::{CallTarget, NodeKind};

/// A view entry and what it asks for.
enum ViewEntry<'a> {
    Observer,
    Timeline(&'a str),
}

/// Recognises `observer()` and `timeline(EXPR)` written alone.
fn recognise(entry: &str) -> Option<ViewEntry<'_>> {
    let entry = entry.trim();
    let nodes = crate::syntax::parse(entry).ok()?;
    let [node] = nodes.as_slice() else { return None };
    let NodeKind::Call { target: CallTarget::Local(name), args, parens: true } = &node.kind else { return None };
    match (name.as_str(), args.len()) {
        ("observer", 0) => Some(ViewEntry::Observer),
        ("timeline", 1) => {
            let inner = entry.strip_prefix("timeline(")?.strip_suffix(')')?;
            Some(ViewEntry::Timeline(inner))
        }
        _ => None,
    }
}

/// Carries out `entry` when it is a view; `None` when it is ordinary code.
pub fn run(entry: &str, session: &mut Session) -> Option<Result<Evaluation, SessionError>> {
    match recognise(entry)? {
        ViewEntry::Observer => {
            // The entry has a number like any other, for `v/1`.
            session.runtime().record_shell_result(None);
            if let Err(e) = super::observer::run(session) {
                eprintln!("observer: {e}");
            }
            Some(Ok(Evaluation::Value(crate::term::Term::atom("do not show this result in output"))))
        }
        ViewEntry::Timeline(fun) => Some(timeline(fun, session)),
    }
}

/// Runs `(fun).()` in the shell, then draws the lanes of the processes it spawned.
fn timeline(fun: &str, session: &mut Session) -> Result<Evaluation, SessionError> {
    let runtime = session.runtime().clone();
    let journal = runtime.journal();
    journal.start();
    let started = runtime.now_ms();
    let result = session.eval(&format!("({fun}).()"));
    let ended = runtime.now_ms();
    let mut entries = journal.take();
    journal.stop();
    // A fresh shell (the first entry) is not something `fun` spawned.
    let shell = runtime.shell();
    entries.retain(|e| !(Some(e.pid) == shell && e.event == LifeEvent::Spawned));
    let timeline = Timeline::from_journal(&entries, started, ended);
    if result.is_ok() {
        if timeline.is_empty() {
            println!("(it spawned no processes)");
        } else {
            super::timeline::draw(&timeline, 2, super::screen::width());
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_calls_alone_on_a_line_are_views() {
        assert!(matches!(recognise(" observer() "), Some(ViewEntry::Observer)));
        assert!(matches!(recognise("timeline(fn -> 1 end)"), Some(ViewEntry::Timeline("fn -> 1 end"))));
        assert!(recognise("x = observer()").is_none());
        assert!(recognise("observer").is_none());
        assert!(recognise("timeline(a, b)").is_none());
        assert!(recognise("IEx.Helpers.observer()").is_none());
    }
}

//! The interactive shell: iex-style prompts, continuation lines, history.

use super::completion::{ReplHelper, Vocabulary};
use super::sink::PromptSink;
use crate::session::{Clock, Evaluation, Interrupter, Session, SessionConfig};
use parking_lot::Mutex;
use rustyline::error::ReadlineError;
use std::io::IsTerminal;
use std::sync::Arc;

/// The line editor, with completion and a history file.
type Editor = rustyline::Editor<ReplHelper, rustyline::history::FileHistory>;

/// Commands layered over the REPL (the drill's `check`, `hint`...): they see each
/// line typed at a fresh prompt before it is evaluated.
pub trait ReplCommands {
    /// Called with the new session, at start and after every [`Command::Restart`].
    fn begin(&mut self, session: &mut Session);
    /// `Some` when `line` is one of the commands (it has been carried out).
    fn command(&mut self, line: &str, session: &mut Session) -> Option<Command>;
    /// Called after an entry was evaluated; `ok` is false when it raised.
    fn evaluated(&mut self, entry: &str, ok: bool);
}

/// What the REPL does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Read the next line.
    Done,
    /// Start a fresh session (bindings and processes gone), then read on.
    Restart,
}

/// Runs the REPL until Ctrl-D; returns the exit status.
pub fn start(clock: Clock) -> anyhow::Result<i32> {
    start_with(clock, None)
}

/// Runs the REPL after loading `file` (when given) as `iex FILE.exs` does: the
/// file runs to its end, its modules stay defined, and an error in it is printed
/// before the prompt.
pub fn start_loading(clock: Clock, file: Option<&str>) -> anyhow::Result<i32> {
    start_inner(clock, None, file)
}

/// Runs the REPL with `commands` seeing every line first.
pub fn start_with(clock: Clock, commands: Option<&mut dyn ReplCommands>) -> anyhow::Result<i32> {
    start_inner(clock, commands, None)
}

/// Runs `file` in `session` before the prompt, printing what went wrong, if anything.
fn load_file(session: &mut Session, file: &str) {
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("** (Code.LoadError) could not load {file}. Reason: {e}");
            return;
        }
    };
    session.set_source_file(file);
    match session.run_script(&source) {
        Ok(Evaluation::Value(_)) => {}
        Ok(Evaluation::Raised(r)) => {
            for line in session.uncaught(&r) {
                eprintln!("{line}");
            }
        }
        Ok(Evaluation::ShellExited { reason, .. }) => {
            eprintln!("** (exit) {}", crate::stdlib::exception::format_exit(&reason));
        }
        Err(e) => eprintln!("{}", e.banner(file)),
    }
    session.set_source_file("iex");
}

fn start_inner(clock: Clock, mut commands: Option<&mut dyn ReplCommands>, load: Option<&str>) -> anyhow::Result<i32> {
    let sink = Arc::new(PromptSink::default());
    let new_session = || {
        let session = Session::new(SessionConfig { clock, output: sink.clone(), argv: vec![] })?;
        session.set_source_file("iex");
        session.set_input(Arc::new(super::stdin::StdinLines));
        session.on_halt(super::stdin::halt_hook());
        Ok::<Session, crate::session::SessionError>(session)
    };
    let mut session = new_session()?;
    if let Some(file) = load {
        load_file(&mut session, file);
    }
    if let Some(c) = commands.as_mut() {
        c.begin(&mut session);
    }
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .max_history_size(1000)?
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor = rustyline::Editor::with_config(config)?;
    let vocabulary = Arc::new(parking_lot::RwLock::new(Vocabulary::of(&session)));
    editor.set_helper(Some(ReplHelper { vocabulary: vocabulary.clone() }));
    let history = dirs::data_dir().map(|d| d.join("otplab").join("history.txt"));
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(h);
    }
    // Each accepted entry is appended to the file at once: a terminal closed or
    // killed mid-session loses nothing.
    let remember = |editor: &mut Editor, entry: &str| {
        let _ = editor.add_history_entry(entry);
        if let Some(h) = &history {
            let _ = editor.append_history(h);
        }
    };
    if std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && let Ok(printer) = editor.create_external_printer()
    {
        sink.attach(Box::new(printer));
    }
    let interrupter = Arc::new(Mutex::new(session.interrupter()));
    watch_ctrl_c(interrupter.clone());
    println!("otplab {} (Elixir subset on a BEAM-like runtime) - Ctrl-D to exit", env!("CARGO_PKG_VERSION"));
    let mut counter = 1;
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { format!("iex({counter})> ") } else { format!("...({counter})> ") };
        sink.set_prompting(true);
        let read = editor.readline(&prompt);
        sink.set_prompting(false);
        match read {
            Ok(line) => {
                if !pending.is_empty() {
                    pending.push('\n');
                }
                pending.push_str(&line);
                if pending.trim().is_empty() {
                    pending.clear();
                    continue;
                }
                if let Some(c) = commands.as_mut()
                    && !pending.contains('\n')
                    && let Some(done) = c.command(pending.trim(), &mut session)
                {
                    remember(&mut editor, pending.as_str());
                    pending.clear();
                    if done == Command::Restart {
                        session = new_session()?;
                        *interrupter.lock() = session.interrupter();
                        *vocabulary.write() = Vocabulary::of(&session);
                        c.begin(&mut session);
                    }
                    continue;
                }
                let view = if pending.contains('\n') { None } else { super::views::run(&pending, &mut session) };
                match view.unwrap_or_else(|| session.eval(&pending)) {
                    Err(e) if e.is_incomplete() => continue,
                    result => {
                        remember(&mut editor, pending.as_str());
                        if let Some(c) = commands.as_mut() {
                            c.evaluated(&pending, matches!(result, Ok(Evaluation::Value(_))));
                        }
                        match result {
                            // IEx's helpers that print (i/1, h/1) return this to show nothing more.
                            Ok(Evaluation::Value(v)) if v.is_atom_named("do not show this result in output") => {}
                            Ok(Evaluation::Value(v)) => {
                                let opts = crate::term::inspect::InspectOpts { pretty: true, ..Default::default() };
                                println!("{}", crate::term::inspect::inspect_with(&v, &opts));
                            }
                            Ok(Evaluation::Raised(r)) => {
                                // The terminal echoed `^C` without a newline.
                                if r.reason.is_atom_named("interrupted") && std::io::stdin().is_terminal() {
                                    eprintln!();
                                }
                                eprintln!("{}", crate::stdlib::banner(&r))
                            }
                            Ok(Evaluation::ShellExited { pid, reason }) => {
                                eprintln!("{}", crate::session::exit_banner(pid, &reason))
                            }
                            Err(e) => eprintln!("{}", e.banner("iex")),
                        }
                        pending.clear();
                        counter += 1;
                        *vocabulary.write() = Vocabulary::of(&session);
                    }
                }
            }
            Err(ReadlineError::Interrupted) => {
                pending.clear();
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(0)
}

/// Ctrl-C while an entry runs (the terminal is not in raw mode then, so it is a
/// SIGINT) stops that entry instead of killing otplab; at the prompt rustyline
/// reads it as a key. `interrupter` follows the current session across restarts.
///
/// The handler is installed here, before the first prompt, not lazily on the
/// watcher thread: rustyline saves the SIGINT action it finds when a prompt opens
/// and puts it back when the line is read, so a handler installed while a prompt
/// waits would be undone by the next Enter (and Ctrl-C would kill otplab again).
/// Without a signal handler, Ctrl-C keeps its default effect.
fn watch_ctrl_c(interrupter: Arc<Mutex<Interrupter>>) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_io().build() else {
        return;
    };
    let registered = {
        let _inside = rt.enter();
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
    };
    let Ok(mut sigint) = registered else {
        return;
    };
    let watcher = std::thread::Builder::new().name("otplab-ctrl-c".into()).spawn(move || {
        rt.block_on(async move {
            while sigint.recv().await.is_some() {
                interrupter.lock().interrupt();
            }
        });
    });
    drop(watcher);
}

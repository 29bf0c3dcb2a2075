//! `observer()` at the prompt: a full-screen live view of the session (crossterm's
//! alternate screen, raw mode) with three tabs — processes (sortable by
//! reductions, memory, mailbox), the supervision tree, ETS tables (rows paged) —
//! and a detail view of one process (its state, links, mailbox). `k` kills the
//! selected process; `q` leaves, and the prompt finds the session as it was
//! (bindings and processes untouched; the screen is restored).
//!
//! Invariant: raw mode and the alternate screen are left on every way out
//! (including an I/O error), by [`ScreenGuard`]'s drop.

use super::observer_snapshot::{self as snap, SortKey};
use crate::session::Session;
use crate::term::Pid;
use crate::term::inspect::inspect;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, style, terminal};
use std::io::Write;
use std::time::Duration;

/// How often the view is read again while no key is pressed.
const REFRESH: Duration = Duration::from_millis(500);

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Processes,
    Tree,
    Tables,
}

/// What the screen shows and where the cursor is.
struct View {
    tab: Tab,
    sort: SortKey,
    /// The selected line of the list (0-based, below the header).
    selected: usize,
    /// The first line shown (scrolling).
    top: usize,
    /// A process's detail or a table's rows, scrolled to this line, over the list.
    detail: Option<(Detail, usize)>,
    /// A line said at the bottom (what `k` did).
    status: String,
}

/// What the detail view shows.
#[derive(Debug, Clone)]
enum Detail {
    Process(Pid),
    Table(crate::term::Ref, String),
}

/// Restores the terminal when dropped.
struct ScreenGuard;

impl Drop for ScreenGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
        let _ = terminal::disable_raw_mode();
    }
}

/// Runs the observer until `q` (or Esc at the top level, or Ctrl-C).
pub fn run(session: &mut Session) -> anyhow::Result<()> {
    session.runtime().journal().count_reductions(true);
    let result = run_screen(session);
    session.runtime().journal().count_reductions(false);
    result
}

fn run_screen(session: &mut Session) -> anyhow::Result<()> {
    terminal::enable_raw_mode()?;
    let _guard = ScreenGuard;
    execute!(std::io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
    let mut view = View { tab: Tab::Processes, sort: SortKey::Reductions, selected: 0, top: 0, detail: None, status: String::new() };
    loop {
        let (columns, rows) = terminal::size().unwrap_or((80, 24));
        let (columns, rows) = (usize::from(columns.max(40)), usize::from(rows.max(10)));
        let (lines, pids) = content(session, &view);
        draw(&mut view, &lines, columns, rows)?;
        if !event::poll(REFRESH)? {
            continue;
        }
        let Event::Key(key) = event::read()? else { continue };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        if ctrl_c || key.code == KeyCode::Char('q') {
            return Ok(());
        }
        if !act(session, &mut view, key.code, &pids, rows) {
            return Ok(());
        }
    }
}

/// The lines of the current view (header first for lists) and, for each list
/// line, the process it shows.
fn content(session: &mut Session, view: &View) -> (Vec<String>, Vec<Option<Pid>>) {
    if let Some((detail, _)) = &view.detail {
        let lines = match detail {
            Detail::Process(pid) => snap::process_detail(session, *pid),
            Detail::Table(id, title) => table_rows(session, *id, title),
        };
        return (lines, Vec::new());
    }
    match view.tab {
        Tab::Processes => {
            let rows = snap::processes(session, view.sort);
            let pids = rows.iter().map(|r| Some(r.pid)).collect();
            (snap::process_lines(&rows, view.sort), pids)
        }
        Tab::Tree => {
            let (lines, pids): (Vec<String>, Vec<Option<Pid>>) = snap::tree_lines(session).into_iter().unzip();
            let mut all = vec!["supervision tree".to_string()];
            all.extend(lines);
            (all, pids)
        }
        Tab::Tables => {
            let tables = snap::tables(session);
            (snap::table_lines(&tables), tables.iter().map(|_| None).collect())
        }
    }
}

/// A table's rows, one per line, under a title.
fn table_rows(session: &Session, id: crate::term::Ref, title: &str) -> Vec<String> {
    match session.runtime().ets().rows(id) {
        Some(rows) => {
            let mut lines = vec![format!("{title}: {} rows", rows.len())];
            lines.extend(rows.iter().map(inspect));
            lines
        }
        None => vec![format!("{title} no longer exists")],
    }
}

/// Carries out one key; false when the observer should close.
fn act(session: &mut Session, view: &mut View, code: KeyCode, pids: &[Option<Pid>], rows: usize) -> bool {
    let page = rows.saturating_sub(5).max(1);
    if let Some((detail, scroll)) = &mut view.detail {
        match code {
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Left => view.detail = None,
            KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
            KeyCode::Up => *scroll = scroll.saturating_sub(1),
            KeyCode::Char('k') => {
                if let Detail::Process(pid) = detail {
                    view.status = kill(session, *pid);
                }
            }
            KeyCode::PageDown | KeyCode::Char(' ') | KeyCode::Char('n') => *scroll += page,
            KeyCode::PageUp | KeyCode::Char('p') => *scroll = scroll.saturating_sub(page),
            _ => {}
        }
        return true;
    }
    let count = match view.tab {
        Tab::Tables => snap::tables(session).len(),
        _ => pids.len(),
    };
    match code {
        KeyCode::Esc => return false,
        KeyCode::Char('1') => switch(view, Tab::Processes),
        KeyCode::Char('2') => switch(view, Tab::Tree),
        KeyCode::Char('3') => switch(view, Tab::Tables),
        KeyCode::Tab => {
            let next = match view.tab {
                Tab::Processes => Tab::Tree,
                Tab::Tree => Tab::Tables,
                Tab::Tables => Tab::Processes,
            };
            switch(view, next);
        }
        KeyCode::Char('s') => view.sort = view.sort.next(),
        KeyCode::Char('r') => view.sort = SortKey::Reductions,
        KeyCode::Char('m') => view.sort = SortKey::Memory,
        KeyCode::Char('b') => view.sort = SortKey::Mailbox,
        KeyCode::Down | KeyCode::Char('j') => view.selected = (view.selected + 1).min(count.saturating_sub(1)),
        KeyCode::Up => view.selected = view.selected.saturating_sub(1),
        KeyCode::PageDown => view.selected = (view.selected + page).min(count.saturating_sub(1)),
        KeyCode::PageUp => view.selected = view.selected.saturating_sub(page),
        KeyCode::Enter | KeyCode::Right => {
            if view.tab == Tab::Tables {
                if let Some(t) = snap::tables(session).get(view.selected) {
                    let title = if t.named { format!(":{}", t.name) } else { inspect(&crate::term::Term::Ref(t.id)) };
                    view.detail = Some((Detail::Table(t.id, title), 0));
                }
            } else if let Some(Some(pid)) = pids.get(view.selected) {
                view.detail = Some((Detail::Process(*pid), 0));
            }
        }
        KeyCode::Char('k') => {
            if let Some(Some(pid)) = pids.get(view.selected) {
                view.status = kill(session, *pid);
            }
        }
        _ => {}
    }
    true
}

/// Kills `pid` (`Process.exit(pid, :kill)`); what to say about it.
fn kill(session: &Session, pid: Pid) -> String {
    let text = crate::runtime::logger::pid_text(pid);
    if session.runtime().kill(pid) { format!("killed {text}") } else { format!("{text} had already exited") }
}

fn switch(view: &mut View, tab: Tab) {
    view.tab = tab;
    view.selected = 0;
    view.top = 0;
}

/// Draws the tab bar, the lines (the selected one reversed) and the key help.
fn draw(view: &mut View, lines: &[String], columns: usize, rows: usize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    queue!(out, terminal::Clear(terminal::ClearType::All), cursor::MoveTo(0, 0))?;
    let tab = |t: Tab, name: &str| if view.tab == t { format!("[{name}]") } else { format!(" {name} ") };
    let bar = format!(
        "otplab observer  {} {} {}",
        tab(Tab::Processes, "1 processes"),
        tab(Tab::Tree, "2 tree"),
        tab(Tab::Tables, "3 ets")
    );
    write_line(&mut out, 0, &bar, columns, false)?;
    let body = rows.saturating_sub(3);
    match &mut view.detail {
        Some((_, scroll)) => {
            *scroll = (*scroll).min(lines.len().saturating_sub(1));
            for (i, line) in lines.iter().skip(*scroll).take(body).enumerate() {
                write_line(&mut out, i + 1, line, columns, false)?;
            }
        }
        None => {
            let header = lines.first().map(String::as_str).unwrap_or("");
            write_line(&mut out, 1, header, columns, false)?;
            let list = &lines[1.min(lines.len())..];
            view.selected = view.selected.min(list.len().saturating_sub(1));
            let visible = body.saturating_sub(1).max(1);
            if view.selected < view.top {
                view.top = view.selected;
            } else if view.selected >= view.top + visible {
                view.top = view.selected + 1 - visible;
            }
            for (i, line) in list.iter().enumerate().skip(view.top).take(visible) {
                write_line(&mut out, i - view.top + 2, line, columns, i == view.selected)?;
            }
        }
    }
    let help = if view.detail.is_some() {
        format!("up/down scroll  n/p page  k kill  esc back  q quit   {}", view.status)
    } else {
        format!("1/2/3 tab  up/down select  enter details  s sort  k kill  q quit   {}", view.status)
    };
    write_line(&mut out, rows - 1, &help, columns, false)?;
    out.flush()?;
    Ok(())
}

/// Writes `text`, cut to the screen's width, on screen row `row`.
fn write_line(out: &mut impl Write, row: usize, text: &str, columns: usize, selected: bool) -> anyhow::Result<()> {
    let row = u16::try_from(row).unwrap_or(u16::MAX);
    queue!(out, cursor::MoveTo(0, row))?;
    let text = snap::cut(text, columns);
    if selected {
        queue!(out, style::PrintStyledContent(style::Stylize::reverse(text)))?;
    } else {
        queue!(out, style::Print(text))?;
    }
    Ok(())
}

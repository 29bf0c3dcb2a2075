//! What the observer screen shows, read from a session at one instant: the live
//! processes (with reductions counted since the observer opened), the supervision
//! tree and the ETS tables; and the pure layout of each into lines of a given width.

use crate::runtime::ets::info::TableSummary;
use crate::runtime::logger::pid_text;
use crate::session::{Evaluation, Session};
use crate::term::inspect::inspect;
use crate::term::{Pid, Term};

/// One live process.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessRow {
    /// Its pid.
    pub pid: Pid,
    /// Its registered name, inspected, if any.
    pub name: Option<String>,
    /// The module it runs (a GenServer's callback module), inspected, if known.
    pub module: Option<String>,
    /// `running`, `runnable`, `waiting` or `exiting`.
    pub status: String,
    /// Reductions since the observer opened.
    pub reductions: u64,
    /// Bytes the runtime accounts to it.
    pub memory: usize,
    /// Queued messages.
    pub mailbox: usize,
}

/// How the process list is ordered (largest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Most reductions first.
    Reductions,
    /// Most memory first.
    Memory,
    /// Longest mailbox first.
    Mailbox,
}

impl SortKey {
    /// The next key, for the key that cycles them.
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Reductions => SortKey::Memory,
            SortKey::Memory => SortKey::Mailbox,
            SortKey::Mailbox => SortKey::Reductions,
        }
    }

    /// Its name in the header.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Reductions => "reductions",
            SortKey::Memory => "memory",
            SortKey::Mailbox => "mailbox",
        }
    }
}

/// The module a process runs, from `$initial_call` in its dictionary.
fn initial_module(dictionary: &[(Term, Term)]) -> Option<String> {
    dictionary.iter().find_map(|(k, v)| match (k, v) {
        (Term::Atom(k), Term::Tuple(mfa)) if k.as_str() == "$initial_call" => mfa.first().map(inspect),
        _ => None,
    })
}

/// Every live process, ordered by `key` (ties by pid).
pub fn processes(session: &Session, key: SortKey) -> Vec<ProcessRow> {
    let rt = session.runtime();
    let reductions = rt.journal().reductions();
    let mut rows: Vec<ProcessRow> = rt
        .processes()
        .into_iter()
        .filter_map(|pid| {
            let info = rt.process_info(pid)?;
            Some(ProcessRow {
                pid,
                name: info.registered_name.map(|n| inspect(&Term::Atom(n))),
                module: if rt.shell() == Some(pid) { Some("shell".into()) } else { initial_module(&info.dictionary) },
                status: inspect(&info.status.atom()).trim_start_matches(':').to_string(),
                reductions: reductions.get(&pid).copied().unwrap_or(0),
                memory: info.memory,
                mailbox: info.message_queue_len,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let (x, y) = match key {
            SortKey::Reductions => (a.reductions, b.reductions),
            SortKey::Memory => (a.memory as u64, b.memory as u64),
            SortKey::Mailbox => (a.mailbox as u64, b.mailbox as u64),
        };
        y.cmp(&x).then(a.pid.cmp(&b.pid))
    });
    rows
}

/// The process list as lines: a header, then one line per row.
pub fn process_lines(rows: &[ProcessRow], key: SortKey) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<14} {:<16} {:<18} {:<8} {:>10} {:>9} {:>7}",
        "pid", "name", "module", "status", "reductions", "memory", "mailbox"
    )];
    if let Some(head) = lines.first_mut() {
        head.push_str(&format!("  sorted by {}", key.name()));
    }
    for r in rows {
        lines.push(format!(
            "{:<14} {:<16} {:<18} {:<8} {:>10} {:>9} {:>7}",
            pid_text(r.pid),
            cut(r.name.as_deref().unwrap_or(""), 16),
            cut(r.module.as_deref().unwrap_or(""), 18),
            r.status,
            r.reductions,
            memory_text(r.memory),
            r.mailbox
        ));
    }
    lines
}

/// `512 B`, `2.3 KB`, `1.5 MB`.
pub fn memory_text(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// `text` cut to `max` characters, the last an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    text.chars().take(max.saturating_sub(1)).chain(['…']).collect()
}

/// The state of `pid` as `:sys.get_state/2` gives it, when the process is a
/// GenServer (it has `$initial_call`) that answers within half a second.
pub fn server_state(session: &mut Session, pid: Pid) -> Option<Term> {
    let info = session.runtime().process_info(pid)?;
    initial_module(&info.dictionary)?;
    match session.eval_with(":sys.get_state(p, 500)", &[("p", Term::Pid(pid))]) {
        Ok(Evaluation::Value(v)) => Some(v),
        _ => None,
    }
}

/// The children of a supervisor's state, as (id, pid) in start order; an empty
/// list for anything that is not a supervisor's state.
fn children_of(state: &Term) -> Vec<(Option<Term>, Option<Pid>)> {
    let Term::Map(map) = state else { return Vec::new() };
    let Some(children) = map.get(&Term::atom("children")) else { return Vec::new() };
    children
        .list_iter()
        .filter_map(|child| match child {
            Term::Map(c) => {
                let pid = match c.get(&Term::atom("pid")) {
                    Some(Term::Pid(p)) => Some(*p),
                    _ => None,
                };
                Some((c.get(&Term::atom("id")).cloned(), pid))
            }
            _ => None,
        })
        .collect()
}

/// The supervision tree of every supervisor no other supervisor supervises, as
/// lines, each with the pid it shows (for selection).
pub fn tree_lines(session: &mut Session) -> Vec<(String, Option<Pid>)> {
    let runtime = session.runtime().clone();
    let candidates: Vec<Pid> = runtime
        .processes()
        .into_iter()
        .filter(|pid| {
            runtime.process_info(*pid).is_some_and(|i| {
                matches!(initial_module(&i.dictionary).as_deref(), Some("Supervisor.Server" | "DynamicSupervisor.Server"))
            })
        })
        .collect();
    let supervisors: Vec<(Pid, Term)> =
        candidates.into_iter().filter_map(|pid| server_state(session, pid).map(|s| (pid, s))).collect();
    let supervised: Vec<Pid> = supervisors.iter().flat_map(|(_, s)| children_of(s)).filter_map(|(_, p)| p).collect();
    let mut lines = Vec::new();
    for (pid, _) in supervisors.iter().filter(|(p, _)| !supervised.contains(p)) {
        branch(session, &supervisors, *pid, String::new(), String::new(), &mut lines);
    }
    if lines.is_empty() {
        lines.push(("no supervisors are running".to_string(), None));
    }
    lines
}

/// Adds `pid` (shown after `lead`) and, for a supervisor, its children below it.
fn branch(
    session: &Session,
    supervisors: &[(Pid, Term)],
    pid: Pid,
    lead: String,
    indent: String,
    lines: &mut Vec<(String, Option<Pid>)>,
) {
    let state = supervisors.iter().find(|(p, _)| *p == pid).map(|(_, s)| s);
    let mut text = format!("{lead}{}", describe(session, pid));
    if let Some(Term::Map(m)) = state {
        let field = |k: &str| m.get(&Term::atom(k)).map(inspect).unwrap_or_default();
        text.push_str(&format!(
            "  {}, at most {} restarts in {} s",
            field("strategy").trim_start_matches(':'),
            field("intensity"),
            field("period")
        ));
    }
    lines.push((text, Some(pid)));
    let Some(state) = state else { return };
    let children = children_of(state);
    for (i, (id, child)) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        let id = id.as_ref().map(|t| format!("id {}  ", inspect(t))).unwrap_or_default();
        let lead = format!("{indent}{}{id}", if last { "└─ " } else { "├─ " });
        let below = format!("{indent}{}", if last { "   " } else { "│  " });
        match child {
            Some(c) => branch(session, supervisors, *c, lead, below, lines),
            None => lines.push((format!("{lead}not running"), None)),
        }
    }
}

/// `:name #PID<0.N.0> Module  status, mailbox N, memory`.
fn describe(session: &Session, pid: Pid) -> String {
    let Some(info) = session.runtime().process_info(pid) else { return format!("{} (exited)", pid_text(pid)) };
    let name = info.registered_name.map(|n| format!("{} ", inspect(&Term::Atom(n)))).unwrap_or_default();
    let module = initial_module(&info.dictionary).map(|m| format!(" {m}")).unwrap_or_default();
    format!(
        "{name}{}{module}  {}, mailbox {}, {}",
        pid_text(pid),
        inspect(&info.status.atom()).trim_start_matches(':'),
        info.message_queue_len,
        memory_text(info.memory)
    )
}

/// The ETS tables, in creation order.
pub fn tables(session: &Session) -> Vec<TableSummary> {
    session.runtime().ets().summaries()
}

/// The table list as lines: a header, then one line per table.
pub fn table_lines(tables: &[TableSummary]) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<24} {:<13} {:<10} {:>8} {:>10}  {}",
        "table", "type", "protection", "rows", "words", "owner"
    )];
    for t in tables {
        let id = if t.named { format!(":{}", t.name) } else { format!("{} ({})", inspect(&Term::Ref(t.id)), t.name) };
        lines.push(format!(
            "{:<24} {:<13} {:<10} {:>8} {:>10}  {}",
            cut(&id, 24),
            t.kind,
            t.protection,
            t.size,
            t.memory,
            pid_text(t.owner)
        ));
    }
    lines
}

/// What the detail view of a process shows: its state (for a GenServer), its
/// links, monitors and queued messages.
pub fn process_detail(session: &mut Session, pid: Pid) -> Vec<String> {
    let Some(info) = session.runtime().process_info(pid) else {
        return vec![format!("{} has exited", pid_text(pid))];
    };
    let mut lines = vec![describe(session, pid), String::new()];
    match server_state(session, pid) {
        Some(state) => {
            lines.push("state (:sys.get_state):".to_string());
            let opts = crate::term::inspect::InspectOpts { pretty: true, ..Default::default() };
            lines.extend(crate::term::inspect::inspect_with(&state, &opts).lines().map(|l| format!("  {l}")));
        }
        None => lines.push("state: not a GenServer (no :sys.get_state)".to_string()),
    }
    let pids = |ps: &[Pid]| if ps.is_empty() { "none".to_string() } else { ps.iter().map(|p| pid_text(*p)).collect::<Vec<_>>().join(", ") };
    lines.push(format!("links: {}", pids(&info.links)));
    let watched: Vec<Pid> = info.monitors.iter().map(|(_, p)| *p).collect();
    lines.push(format!("monitors: {}", pids(&watched)));
    lines.push(format!("monitored by: {}", pids(&info.monitored_by)));
    lines.push(format!("trap_exit: {}", info.trap_exit));
    lines.push(format!("mailbox ({} messages):", info.messages.len()));
    lines.extend(info.messages.iter().take(200).map(|m| format!("  {}", inspect(m))));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_shown_in_the_largest_fitting_unit() {
        assert_eq!(memory_text(512), "512 B");
        assert_eq!(memory_text(2355), "2.3 KB");
        assert_eq!(memory_text(3 * 1_048_576), "3.0 MB");
    }

    #[test]
    fn sort_keys_cycle_through_all_three() {
        let k = SortKey::Reductions;
        assert_eq!(k.next().next().next(), k);
        assert_eq!(k.next().name(), "memory");
    }
}

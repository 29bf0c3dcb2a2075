//! Selective receive: `RecvPeek`, `RecvNext`, `RecvAccept` and `RecvWait`.
//!
//! The compiled `receive` scans the mailbox from its save index: peek a message,
//! try the patterns, skip to the next (`RecvNext`) or take it (`RecvAccept`).
//! When the scan has seen every message, `RecvWait` parks the process until a
//! new one arrives or the `after` deadline passes; on resume it re-scans only the
//! new messages (the runtime keeps the save index).

use super::Next;
use super::data::put;
use crate::runtime::{ProcessContext, Step};
use crate::term::{ATOMS, Term};
use crate::vm::code::{Label, Reg};
use crate::vm::machine::{Receiving, State};
use crate::vm::raise::Raise;

/// `RecvPeek`: `dst` = the message at the save index, or go to `empty`; a scan
/// whose every clause needs the value in `mark` starts after the messages older
/// than it, when it is the process's latest reference, and with `at` passes over
/// the messages that do not hold that value as that tuple item.
#[inline]
pub(in crate::vm) fn op_recv_peek(w: &mut [Term], cx: &mut ProcessContext, dst: Reg, empty: Label, (mark, at): (Option<Reg>, Option<u32>), next: usize) -> usize {
    let pinned = mark.map(|m| &w[m as usize]);
    let marked = match pinned {
        Some(Term::Ref(r)) => Some(*r),
        _ => None,
    };
    let item = at.zip(pinned).map(|(i, v)| (i as usize, v));
    match cx.recv_peek(marked, item) {
        Some(m) => {
            put(&mut w[dst as usize], m);
            next
        }
        None => empty as usize,
    }
}

/// `RecvNext`: the message did not match; advance the save index and peek again.
#[inline]
pub(in crate::vm) fn op_recv_next(cx: &mut ProcessContext, peek: Label) -> usize {
    cx.recv_skip();
    peek as usize
}

/// `RecvAccept`: the message matched; take it out of the mailbox.
#[inline]
pub(in crate::vm) fn op_recv_accept(cx: &mut ProcessContext, recv: &mut Receiving, next: usize) -> usize {
    cx.recv_accept();
    *recv = Receiving::default();
    next
}

impl State {
    /// `RecvWait`: park until a message arrives (then peek again) or the timeout
    /// in `timeout` (ms, or `:infinity`; `None` for none) expires (then go to
    /// `expired`). The deadline is fixed the first time the wait is reached.
    pub(in crate::vm) fn op_recv_wait(
        &mut self,
        cx: &mut ProcessContext,
        pc: usize,
        timeout: Option<Reg>,
        peek: Label,
        expired: Label,
    ) -> Result<Next, Raise> {
        if self.recv.waiting {
            // Resumed: look at whatever arrived first.
            self.recv.waiting = false;
            return Ok(Next::At(peek as usize));
        }
        // A deadline set just now comes with the time it was set from: reading the
        // clock again to see whether it has passed cost every `GenServer.call` a
        // second clock read.
        let (deadline, now) = match (self.recv.deadline, timeout) {
            (Some(d), _) => (Some(d), None),
            (None, None) => (None, None),
            (None, Some(r)) => match &self.regs[self.base + r as usize] {
                Term::Int(ms) if *ms >= 0 => {
                    let now = cx.now_ms();
                    let d = now.saturating_add(*ms as u64);
                    self.recv.deadline = Some(d);
                    (Some(d), Some(now))
                }
                Term::Atom(a) if *a == ATOMS.infinity => (None, None),
                other => {
                    let err = Raise::error(Term::pair(Term::atom("timeout_value"), other.clone()));
                    self.pc = pc;
                    return Err(err);
                }
            },
        };
        if let Some(d) = deadline
            && now.unwrap_or_else(|| cx.now_ms()) >= d
        {
            self.recv.deadline = None;
            cx.recv_reset();
            return Ok(Next::At(expired as usize));
        }
        self.recv.waiting = true;
        self.pc = pc;
        Ok(Next::Stop(Step::Wait { deadline_ms: deadline }))
    }
}

//! Records: `Record.defrecord(:user, name: "x", age: 0)` (and `defrecordp`) in a
//! module body, then `user(...)` in expressions and patterns, expanded where they
//! are written as Elixir's record macros expand: a tuple tagged with the record's
//! name, one element per field in declaration order.
//!
//! - `user()`, `user(name: "a")`: a new record (defaults for the fields not given);
//!   in a pattern the fields not given match anything.
//! - `user(rec, :name)`: a field; `user(rec, age: 3)`: an updated record;
//!   `user(:age)`: the field's index in the tuple.

use super::error::{CResult, CompileError};
use super::expr::Compiler;
use crate::syntax::ast::{CallTarget, Node, NodeKind};

/// One record definition: its tag and fields with their default expressions.
#[derive(Clone, Debug)]
pub struct RecordDef {
    /// The atom in the tuple's first element.
    pub tag: String,
    /// Field names and defaults, in order.
    pub fields: Vec<(String, Node)>,
}

impl<'m> Compiler<'m> {
    /// Records `Record.defrecord(name, [tag,] fields)` if `item` is one.
    pub fn define_record(&mut self, item: &Node) -> CResult<bool> {
        let NodeKind::Call { target: CallTarget::Remote(m, f), args, .. } = &item.kind else { return Ok(false) };
        if !matches!(&m.kind, NodeKind::Alias(s) if s.len() == 1 && s[0] == "Record") || !matches!(f.as_str(), "defrecord" | "defrecordp") {
            return Ok(false);
        }
        let (name, tag, fields) = match args.as_slice() {
            [n, fields] => (n, n, fields),
            [n, t, fields] => (n, t, fields),
            _ => return Err(CompileError::invalid(item.span, "Record.defrecord expects a name and fields")),
        };
        let (NodeKind::Atom(name), NodeKind::Atom(tag)) = (&name.kind, &tag.kind) else {
            return Err(CompileError::invalid(item.span, "Record.defrecord expects atoms for the name and tag"));
        };
        let NodeKind::List { items, .. } = &fields.kind else {
            return Err(CompileError::invalid(fields.span, "Record.defrecord expects a keyword list of fields"));
        };
        let mut out = Vec::new();
        for i in items {
            match &i.kind {
                NodeKind::Tuple(p) if p.len() == 2 => match &p[0].kind {
                    NodeKind::Atom(k) => out.push((k.clone(), p[1].clone())),
                    _ => return Err(CompileError::invalid(i.span, "record field names must be atoms")),
                },
                NodeKind::Atom(k) => out.push((k.clone(), Node::new(NodeKind::Atom("nil".into()), i.span))),
                _ => return Err(CompileError::invalid(i.span, "invalid record field")),
            }
        }
        self.records.insert(name.clone(), RecordDef { tag: tag.clone(), fields: out });
        Ok(true)
    }

    /// The expansion of `node` if it is a call of a record macro of this module.
    pub fn record_expansion(&self, node: &Node, in_pattern: bool) -> Option<CResult<Node>> {
        let NodeKind::Call { target: CallTarget::Local(name), args, .. } = &node.kind else { return None };
        let def = self.records.get(name)?;
        if self.module.locals.contains_key(&(name.clone(), args.len() as u32)) {
            return None;
        }
        Some(expand(def, node, args, in_pattern))
    }
}

fn expand(def: &RecordDef, node: &Node, args: &[Node], in_pattern: bool) -> CResult<Node> {
    let span = node.span;
    let n = |kind| Node::new(kind, span);
    let keyword = |a: &Node| -> Option<Vec<(String, Node)>> {
        let NodeKind::List { items, tail: None } = &a.kind else { return None };
        items
            .iter()
            .map(|i| match &i.kind {
                NodeKind::Tuple(p) if p.len() == 2 => match &p[0].kind {
                    NodeKind::Atom(k) => Some((k.clone(), p[1].clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    };
    let index = |field: &str| -> CResult<usize> {
        def.fields
            .iter()
            .position(|(f, _)| f == field)
            .map(|i| i + 1)
            .ok_or_else(|| CompileError::invalid(span, format!("record {} does not have the key: :{field}", def.tag)))
    };
    let build = |given: Vec<(String, Node)>| -> CResult<Node> {
        for (k, _) in &given {
            index(k)?;
        }
        let mut items = vec![n(NodeKind::Atom(def.tag.clone()))];
        for (f, default) in &def.fields {
            let value = given.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone());
            items.push(match (value, in_pattern) {
                (Some(v), _) => v,
                (None, true) => n(NodeKind::Var("_".into())),
                (None, false) => default.clone(),
            });
        }
        Ok(n(NodeKind::Tuple(items)))
    };
    match args {
        [] => build(vec![]),
        [a] if keyword(a).is_some() => build(keyword(a).unwrap_or_default()),
        [Node { kind: NodeKind::Atom(field), .. }] if !in_pattern => Ok(n(NodeKind::Int(index(field)? as i64))),
        [rec, Node { kind: NodeKind::Atom(field), .. }] if !in_pattern => Ok(n(NodeKind::Call {
            target: CallTarget::Local("elem".into()),
            args: vec![rec.clone(), n(NodeKind::Int(index(field)? as i64))],
            parens: true,
        })),
        [rec, kw] if !in_pattern && keyword(kw).is_some() => {
            let mut out = rec.clone();
            for (k, v) in keyword(kw).unwrap_or_default() {
                out = n(NodeKind::Call {
                    target: CallTarget::Local("put_elem".into()),
                    args: vec![out, n(NodeKind::Int(index(&k)? as i64)), v],
                    parens: true,
                });
            }
            Ok(out)
        }
        _ => Err(CompileError::unsupported(span, format!("this use of the record {}", def.tag))),
    }
}

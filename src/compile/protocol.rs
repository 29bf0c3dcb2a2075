//! Protocols: `defprotocol`, `defimpl` (also `for: [A, B]` and inside a module) and
//! `@derive`, compiled the way Elixir defines them.
//!
//! - `defprotocol P` becomes module `P` whose functions dispatch on their first
//!   argument: `P.f(x, y)` is `P.impl_for!(x).f(x, y)`. `impl_for/1` asks the VM
//!   (`:otplab_protocol.impl_for/3`) for the implementation module: `P.<Struct>` for a
//!   struct, `P.<Type>` for a built-in type (`Integer`, `List`, `BitString`...), then
//!   `P.Any` when the protocol sets `@fallback_to_any true`; the answer is that module's
//!   `__impl__(:target)` (itself, or `P.Any` for a derived implementation). Protocols are never
//!   consolidated, so an implementation defined later (in the REPL) is found at once.
//! - `defimpl P, for: T` becomes module `P.T` with `@protocol` and `@for` set and
//!   `__impl__/1` defined, as in Elixir.
//! - `@derive P` (or `{P, opts}`) before `defstruct` defines `P.<Module>` whose
//!   target is `P.Any`; `@derive Inspect` without options is Elixir's default and needs nothing,
//!   `{Inspect, only: [...] | except: [...]}` gets an implementation that shows only
//!   those fields (`#User<name: "x", ...>`).
//!
//! The generated functions are written as Elixir source and parsed (with the span
//! of the form that asked for them), which keeps them readable and identical to what
//! a learner could write.

use super::builder::FunBuilder;
use super::error::{CResult, CompileError};
use super::expr::{Compiler, alias_atom, map_children};
use super::module::body_items;
use crate::syntax::ast::{CallTarget, Node, NodeKind};
use crate::syntax::Span;
use crate::term::Atom;
use crate::vm::code::Reg;

/// One function a protocol declares: its name and arity.
struct ProtocolFun {
    name: String,
    arity: usize,
}

impl<'m> Compiler<'m> {
    /// `defprotocol name do def f(x, ...) ... end`.
    pub fn defprotocol(&mut self, b: &mut FunBuilder, span: Span, name: &Node, kw: &Node) -> CResult<Reg> {
        let (full, short) = self.module_name_of(name)?;
        let mut funs: Vec<ProtocolFun> = Vec::new();
        let mut fallback = false;
        let mut items: Vec<Node> = Vec::new();
        for item in body_items(kw, span) {
            match &item.kind {
                NodeKind::Call { target: CallTarget::Local(d), args, .. } if d == "def" && args.len() == 1 => {
                    let (fname, arity) = match &args[0].kind {
                        NodeKind::Call { target: CallTarget::Local(n), args, .. } => (n.clone(), args.len()),
                        NodeKind::Var(n) => (n.clone(), 0),
                        _ => return Err(CompileError::invalid(item.span, "invalid function head in defprotocol")),
                    };
                    if arity == 0 {
                        return Err(CompileError::invalid(
                            item.span,
                            "protocol functions expect at least one argument",
                        ));
                    }
                    funs.push(ProtocolFun { name: fname, arity });
                }
                NodeKind::Call { target: CallTarget::Local(d), .. } if d == "def" => {
                    return Err(CompileError::invalid(
                        item.span,
                        "protocol functions cannot have a body: declare them with def name(args)",
                    ));
                }
                NodeKind::Attribute { name, value: Some(v) } if name == "fallback_to_any" => {
                    fallback = matches!(&v.kind, NodeKind::Atom(a) if a == "true");
                }
                _ => items.push(item.clone()),
            }
        }
        let functions: Vec<String> = funs.iter().map(|f| format!("{}: {}", keyword_key(&f.name), f.arity)).collect();
        let mut src = format!(
            "def impl_for(data) do\n\
               case :otplab_protocol.impl_for(__MODULE__, data, {fallback}) do\n\
                 nil -> nil\n\
                 impl -> impl.__impl__(:target)\n\
               end\n\
             end\n\
             def impl_for!(data) do\n\
               case impl_for(data) do\n\
                 nil -> raise Protocol.UndefinedError, protocol: __MODULE__, value: data, description: \"\"\n\
                 impl -> impl\n\
               end\n\
             end\n\
             def __protocol__(:module), do: __MODULE__\n\
             def __protocol__(:functions), do: [{}]\n\
             def __protocol__(:consolidated?), do: false\n\
             def __protocol__(:impls), do: :not_consolidated\n",
            functions.join(", ")
        );
        for f in &funs {
            let args: Vec<String> = (1..=f.arity).map(|i| format!("arg{i}")).collect();
            src.push_str(&format!("def {}({}), do: impl_for!(arg1).{}({})\n", f.name, args.join(", "), f.name, args.join(", ")));
        }
        items.extend(generated(&src, span)?);
        let (dst, _) = self.define_module_at(b, span, full, short.as_deref(), &items, Vec::new())?;
        Ok(dst)
    }

    /// `defimpl protocol, for: type(s) do ... end` (`for:` defaults to the enclosing module).
    pub fn defimpl(&mut self, b: &mut FunBuilder, span: Span, args: &[Node]) -> CResult<Reg> {
        let Some(proto) = args.first() else {
            return Err(CompileError::invalid(span, "defimpl expects a protocol"));
        };
        let protocol = match &proto.kind {
            NodeKind::Alias(segs) => alias_atom(&self.module, segs),
            _ => return Err(CompileError::invalid(proto.span, "defimpl expects a protocol name such as String.Chars")),
        };
        let mut for_node = None;
        let mut do_node = None;
        for a in &args[1..] {
            if let NodeKind::List { items, .. } = &a.kind {
                for i in items {
                    if let NodeKind::Tuple(p) = &i.kind
                        && p.len() == 2
                        && let NodeKind::Atom(k) = &p[0].kind
                    {
                        match k.as_str() {
                            "for" => for_node = Some(p[1].clone()),
                            "do" => do_node = Some(i.clone()),
                            _ => {}
                        }
                    }
                }
            }
        }
        let targets: Vec<Atom> = match &for_node {
            None => match self.module.name {
                Some(m) => vec![m],
                None => return Err(CompileError::invalid(span, "defimpl/3 expects a :for option when declared outside a module")),
            },
            Some(n) => match &n.kind {
                NodeKind::List { items, .. } => items.iter().map(|i| self.module_atom_of(i)).collect::<CResult<_>>()?,
                _ => vec![self.module_atom_of(n)?],
            },
        };
        let kw = Node::new(NodeKind::List { items: do_node.into_iter().collect(), tail: None }, span);
        let items = body_items(&kw, span);
        let mut last = None;
        for target in targets {
            let (dst, _) = self.define_impl(b, span, protocol, target, &items, None)?;
            last = Some(dst);
        }
        match last {
            Some(r) => Ok(r),
            None => self.constant(b, crate::term::Term::nil()),
        }
    }

    /// Defines module `protocol.target` from `items`, with `@protocol`, `@for` and `__impl__/1`.
    /// `implementation` is the module whose functions serve the calls (`__impl__(:target)`):
    /// the module itself, or `P.Any` for a derived implementation.
    fn define_impl(
        &mut self,
        b: &mut FunBuilder,
        span: Span,
        protocol: Atom,
        target: Atom,
        items: &[Node],
        implementation: Option<Atom>,
    ) -> CResult<(Reg, std::sync::Arc<crate::vm::code::ModuleCode>)> {
        let name = Atom::new(&format!("{}.{}", protocol.as_str(), elixir_name(target)));
        let mut all = items.to_vec();
        all.extend(generated(
            &format!(
                "def __impl__(:for), do: :\"{}\"\ndef __impl__(:protocol), do: :\"{}\"\ndef __impl__(:target), do: :\"{}\"\n",
                target.as_str(),
                protocol.as_str(),
                implementation.unwrap_or(name).as_str()
            ),
            span,
        )?);
        let attributes = vec![
            ("protocol".to_string(), Node::new(NodeKind::Atom(protocol.as_str().to_string()), span)),
            ("for".to_string(), Node::new(NodeKind::Atom(target.as_str().to_string()), span)),
        ];
        self.define_module_at(b, span, name, None, &all, attributes)
    }

    /// Defines the implementations `@derive` asked for, once `module`'s struct exists.
    pub fn derive(&mut self, b: &mut FunBuilder, span: Span, module: Atom, derive: &Node, fields: &[Atom]) -> CResult<()> {
        let entries: Vec<&Node> = match &derive.kind {
            NodeKind::List { items, .. } => items.iter().collect(),
            _ => vec![derive],
        };
        for entry in entries {
            let (proto, opts) = match &entry.kind {
                NodeKind::Tuple(p) if p.len() == 2 => (&p[0], Some(&p[1])),
                _ => (entry, None),
            };
            let protocol = self.module_atom_of(proto)?;
            if protocol.as_str() == "Elixir.Inspect" {
                if let Some(opts) = opts {
                    let src = inspect_derived(entry.span, opts, fields)?;
                    let items = generated(&src, entry.span)?;
                    self.define_impl(b, span, protocol, module, &items, None)?;
                }
                continue;
            }
            let any = Atom::new(&format!("{}.Any", protocol.as_str()));
            let known = self.compiled_exports.contains_key(&any) || self.modules.is_defined(any);
            if !known {
                return Err(CompileError::invalid(
                    entry.span,
                    format!(
                        "could not load module {}.Any, cannot derive {} for {}",
                        elixir_name(protocol),
                        elixir_name(protocol),
                        elixir_name(module)
                    ),
                ));
            }
            // As in Elixir, the derived module only names `P.Any` as its target.
            self.define_impl(b, span, protocol, module, &[], Some(any))?;
        }
        Ok(())
    }

    /// The atom of a module name written as an alias, `__MODULE__` or an atom.
    fn module_atom_of(&self, n: &Node) -> CResult<Atom> {
        match &n.kind {
            NodeKind::Alias(segs) => Ok(alias_atom(&self.module, segs)),
            NodeKind::Atom(a) => Ok(Atom::new(a)),
            NodeKind::Var(v) | NodeKind::Call { target: CallTarget::Local(v), .. } if v == "__MODULE__" => {
                self.module.name.ok_or_else(|| CompileError::invalid(n.span, "__MODULE__ is nil outside a module"))
            }
            _ => Err(CompileError::invalid(n.span, "expected a module name such as MyApp.User")),
        }
    }

    /// The full name of a module being defined (nested under the current module) and
    /// its first segment as written.
    fn module_name_of(&self, name: &Node) -> CResult<(Atom, Option<String>)> {
        match &name.kind {
            NodeKind::Alias(segs) => Ok((
                match self.module.name {
                    Some(outer) => Atom::new(&format!("{}.{}", outer.as_str(), segs.join("."))),
                    None => alias_atom(&self.module, segs),
                },
                segs.first().cloned(),
            )),
            NodeKind::Atom(a) => Ok((Atom::new(a), None)),
            _ => Err(CompileError::invalid(name.span, "invalid module name: expected an alias such as MyApp.Size")),
        }
    }
}

/// A module atom as Elixir writes it (`Elixir.Foo.Bar` → `Foo.Bar`).
fn elixir_name(a: Atom) -> String {
    let s = a.as_str();
    s.strip_prefix("Elixir.").unwrap_or(s).to_string()
}

/// A function name as a keyword key (`member?: 2`, `"+": 2`).
fn keyword_key(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '?' || c == '!') {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// The source of `Inspect.<Module>.inspect/2` for `@derive {Inspect, only: [...]}` or
/// `except:`: `#Name<field: value, ...>` with the hidden fields as `...` (Elixir's form).
fn inspect_derived(span: Span, opts: &Node, fields: &[Atom]) -> CResult<String> {
    let list = |key: &str| -> CResult<Option<Vec<String>>> {
        match super::control::kw_get(opts, key) {
            None => Ok(None),
            Some(Node { kind: NodeKind::List { items, .. }, .. }) => items
                .iter()
                .map(|i| match &i.kind {
                    NodeKind::Atom(a) => Ok(a.clone()),
                    _ => Err(CompileError::invalid(i.span, format!("@derive Inspect expects :{key} to be a list of atoms"))),
                })
                .collect::<CResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(CompileError::invalid(span, format!("@derive Inspect expects :{key} to be a list of atoms"))),
        }
    };
    let all: Vec<String> = fields.iter().map(|f| f.as_str().to_string()).collect();
    let shown: Vec<String> = match (list("only")?, list("except")?) {
        (Some(only), _) => all.iter().filter(|f| only.contains(f)).cloned().collect(),
        (None, Some(except)) => all.iter().filter(|f| !except.contains(f)).cloned().collect(),
        (None, None) => all.clone(),
    };
    let hidden = shown.len() < all.len();
    let shown_list: Vec<String> = shown.iter().map(|f| format!(":{f}")).collect();
    Ok(format!(
        "def inspect(struct, opts), do: Inspect.Any.__derived__(struct, [{}], {hidden}, opts)\n",
        shown_list.join(", ")
    ))
}

/// Parses generated source, giving every node `span` (errors then point at the form
/// that asked for the code).
pub fn generated(src: &str, span: Span) -> CResult<Vec<Node>> {
    let nodes = crate::syntax::parse(src)
        .map_err(|e| CompileError::invalid(span, format!("internal error in generated code: {e:?}")))?;
    Ok(nodes.iter().map(|n| respan(n, span)).collect())
}

fn respan(n: &Node, span: Span) -> Node {
    let mut out = map_children(n, &|c| respan(c, span));
    out.span = span;
    out
}

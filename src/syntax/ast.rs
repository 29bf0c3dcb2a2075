//! The abstract syntax tree: a small, typed mirror of Elixir's own quoted form.
//!
//! Like Elixir, the parser does not know what `if`, `def` or `case` mean: they are
//! ordinary calls whose last argument is a keyword list built from the `do`-block
//! (`[do: ..., else: ...]`). Only `compile` gives them meaning. This keeps the parser
//! small and faithful (parenthesis-less calls, one-line `do:` forms and blocks parse
//! the same way) and lets the compiler report "X is not supported by otplab" for
//! forms it does not implement.
//!
//! Invariants the compiler relies on:
//! - keyword entries (`a: 1` in a list, call or map) are `Tuple([Atom("a"), value])`
//!   inside a `List`; a trailing keyword argument of a call is one `List` argument.
//! - a `do ... end` block becomes a trailing `List` of keyword tuples with keys
//!   `do`, `else`, `after`, `rescue`, `catch`; a block body that consists of `->`
//!   clauses is `Clauses`, any other body is a single node (a `Block` when it has
//!   several expressions; an empty body is `Atom("nil")`).
//! - `expr.name` without parentheses is `Call { target: Remote(expr, name), parens: false }`;
//!   the compiler decides between a zero-arity remote call (alias on the left) and
//!   map field access.

use super::span::Span;
use num_bigint::BigInt;

/// A node with the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// Where it starts (1-based line and column).
    pub span: Span,
}

impl Node {
    /// Builds a node.
    pub fn new(kind: NodeKind, span: Span) -> Node {
        Node { kind, span }
    }
}

/// The kinds of syntax node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// An integer literal that fits in i64 (`1_000`, `0xFF`, `?a`).
    Int(i64),
    /// An integer literal too large for i64.
    BigInt(BigInt),
    /// A float literal (`1.5`, `1.0e10`).
    Float(f64),
    /// An atom (`:ok`, `:"quoted atom"`, `true`, `false`, `nil`, keyword keys).
    Atom(String),
    /// A string without interpolation, escapes already processed.
    Str(String),
    /// A string without interpolation whose bytes are not UTF-8 (`"\xFF"`).
    Bytes(Vec<u8>),
    /// A charlist without interpolation (`'abc'`).
    Charlist(String),
    /// A string or charlist with `#{...}` interpolation, heredocs included.
    Interpolated {
        /// Literal text and interpolated expressions, in order.
        parts: Vec<InterpPart>,
        /// True for a charlist (`'a#{b}'`).
        charlist: bool,
    },
    /// A sigil: `~w(a b)a`, `~D[2020-01-01]`, `~s(...)`, `~r/.../`.
    Sigil {
        /// The sigil letter (`w`, `D`, `s`, `S`, `W`, `r`, `c`...).
        letter: char,
        /// Contents; lower-case sigils interpolate and process escapes, upper-case do not.
        parts: Vec<InterpPart>,
        /// Trailing modifier letters (`a` in `~w(...)a`).
        modifiers: String,
    },
    /// A variable or `_`/`_name` (underscore names included as written).
    Var(String),
    /// An alias `Foo.Bar` as its segments (`["Foo", "Bar"]`); `__MODULE__` is a `Call`
    /// to the local `__MODULE__` with no arguments.
    Alias(Vec<String>),
    /// A list: items and an optional improper tail (`[a, b | t]`).
    List {
        /// The elements before any `|`.
        items: Vec<Node>,
        /// The tail after `|`, if written.
        tail: Option<Box<Node>>,
    },
    /// A tuple `{a, b}`.
    Tuple(Vec<Node>),
    /// A map literal or update: `%{k => v, a: 1}` or `%{base | k: v}`.
    Map {
        /// The map being updated, for `%{base | ...}`.
        base: Option<Box<Node>>,
        /// Key-value pairs in source order (`a: 1` gives key `Atom("a")`).
        pairs: Vec<(Node, Node)>,
    },
    /// A struct literal or update: `%Name{a: 1}`, `%Name{base | a: 1}`, `%__MODULE__{}`.
    Struct {
        /// The struct's module (an `Alias`, or a `__MODULE__` call).
        name: Box<Node>,
        /// The struct being updated.
        base: Option<Box<Node>>,
        /// Field-value pairs.
        pairs: Vec<(Node, Node)>,
    },
    /// A bitstring `<<a, rest::binary>>`.
    Bitstring(Vec<BitSegment>),
    /// A unary operator application.
    UnaryOp {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Node>,
    },
    /// A binary operator application (including `=`, `|>`, `when`, `<-`, `\\`, `..`, `//`).
    BinaryOp {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Node>,
        /// Right operand.
        rhs: Box<Node>,
    },
    /// A module attribute read `@name` or write `@name value` (the value is `Some`).
    Attribute {
        /// The attribute's name.
        name: String,
        /// The value for a definition (`@timeout 5000`).
        value: Option<Box<Node>>,
    },
    /// A call of a named function: local `foo(x)`, remote `Mod.foo(x)` / `expr.foo`,
    /// including every special form (`if`, `def`, `case`...). The `do`-block, if any,
    /// is the last argument (see the module docs).
    Call {
        /// Who is called.
        target: CallTarget,
        /// Arguments in order; trailing keywords and do-blocks are a final `List`.
        args: Vec<Node>,
        /// Whether the call was written with parentheses (`foo()` vs `foo`); a
        /// parenthesis-less local call without arguments may be a variable to the
        /// compiler only when this is false.
        parens: bool,
    },
    /// A call of an anonymous function value: `f.(x)`.
    FunCall {
        /// The function expression.
        fun: Box<Node>,
        /// The arguments.
        args: Vec<Node>,
    },
    /// Access syntax `expr[key]`.
    Access {
        /// The container.
        container: Box<Node>,
        /// The key.
        key: Box<Node>,
    },
    /// An anonymous function `fn ... end` with one or more clauses.
    Fn(Vec<Clause>),
    /// A `->` clause list: the body of `case`, `receive`, `cond`, `rescue`, `catch`,
    /// `else` and `after` (of `receive`) blocks.
    Clauses(Vec<Clause>),
    /// Several expressions in sequence (a block, a parenthesised `(a; b)`).
    Block(Vec<Node>),
    /// A capture `&expr` (`&(&1 + 1)`, `&Mod.fun/2`, `&fun/1`, `& &1.field`).
    Capture(Box<Node>),
    /// A capture placeholder `&1`, `&2`...
    CaptureArg(u32),
}

/// One clause `args when guard -> body`.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The patterns left of `->` (a `case` clause has exactly one; `cond` has one
    /// condition expression; a `fn` clause has one per parameter; `catch` may have two).
    pub args: Vec<Node>,
    /// The guard after `when`, if any.
    pub guard: Option<Node>,
    /// The body right of `->` (a `Block` for several expressions, `Atom("nil")` if empty).
    pub body: Node,
    /// Position of the clause's first token.
    pub span: Span,
}

/// Who a `Call` calls.
#[derive(Debug, Clone, PartialEq)]
pub enum CallTarget {
    /// A local name: `foo(x)`, `if`, `def`, `IO`-less `puts`.
    Local(String),
    /// A dotted call `left.name(...)`: `left` is an `Alias`, an atom (`:ets`), a
    /// variable, `__MODULE__` or any expression.
    Remote(Box<Node>, String),
}

/// A piece of an interpolated string or sigil.
#[derive(Debug, Clone, PartialEq)]
pub enum InterpPart {
    /// Literal text (escapes processed unless the sigil is upper-case).
    Lit(String),
    /// Literal bytes that are not UTF-8 (see [`crate::syntax::lexer::Piece::Bytes`]).
    Bytes(Vec<u8>),
    /// An interpolated expression `#{...}`.
    Expr(Node),
}

/// One segment of a bitstring: `value`, `value::binary`, `value::size(8)`, `c::utf8`.
#[derive(Debug, Clone, PartialEq)]
pub struct BitSegment {
    /// The value or pattern.
    pub value: Node,
    /// The type and size specifiers after `::`, as written (`binary`, `integer`,
    /// `utf8`, `size(8)`, `8`), split on `-`.
    pub specs: Vec<Node>,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `not x`
    Not,
    /// `!x`
    Bang,
    /// `^x` (pin)
    Pin,
}

/// Binary operators, loosest-binding last in Elixir's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `**`
    Pow,
    /// `++`
    Concat,
    /// `--`
    Subtract,
    /// `<>`
    StrConcat,
    /// `..`
    Range,
    /// `//` (range step: `a..b//s` is `Step(Range(a, b), s)`)
    Step,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `|>`
    Pipe,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `===`
    StrictEq,
    /// `!==`
    StrictNe,
    /// `=~`
    Match_,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// `and`
    And,
    /// `or`
    Or,
    /// `=` (match)
    Match,
    /// `when` (guards in heads; only valid inside `def`/clauses)
    When,
    /// `<-` (generators in `for`/`with`)
    Arrow,
    /// `\\` (default argument)
    Default,
    /// `::` (type in a bitstring segment; elsewhere unsupported)
    Type,
    /// `|` outside a list or map (e.g. in a type); unsupported by the compiler
    Pipe_,
}

impl BinaryOp {
    /// The operator as written in source, for error messages.
    pub fn as_str(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Mul => "*",
            Div => "/",
            Add => "+",
            Sub => "-",
            Pow => "**",
            Concat => "++",
            Subtract => "--",
            StrConcat => "<>",
            Range => "..",
            Step => "//",
            In => "in",
            NotIn => "not in",
            Pipe => "|>",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            Ge => ">=",
            Eq => "==",
            Ne => "!=",
            StrictEq => "===",
            StrictNe => "!==",
            Match_ => "=~",
            AndAnd => "&&",
            OrOr => "||",
            And => "and",
            Or => "or",
            Match => "=",
            When => "when",
            Arrow => "<-",
            Default => "\\\\",
            Type => "::",
            Pipe_ => "|",
        }
    }
}

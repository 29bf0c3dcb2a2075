//! `:rand` with Erlang's default algorithm, exsss (Xorshift116** on 58-bit words,
//! seeded through splitmix64), reproducing BEAM's sequences bit for bit:
//! after `:rand.seed(:exsss, 42)`, `:rand.uniform(100)` gives 94 as in Erlang.
//!
//! State is per process and lives where Erlang keeps it, in the process dictionary
//! under `:rand_seed`, so it is freed with the process (pids repeat across the
//! sessions of one `grade --all` run; a table keyed by pid would leak and share).
//! A process that never seeds gets a seed from the host clock and its pid on first use.

use super::argument::{badarg, small_int};
use crate::term::Term;
use crate::vm::{Control, NativeCtx, NativeRegistry, NativeResult};
use num_bigint::BigInt;

const MASK58: u64 = (1 << 58) - 1;

/// The exsss state `[s0 | s1]`, both 58-bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exsss(u64, u64);

fn splitmix64_next(x0: u64) -> (u64, u64) {
    let x = x0.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let z0 = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z1 = (z0 ^ (z0 >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z1 ^ (z1 >> 31), x)
}

/// A non-zero 58-bit word from the splitmix64 stream, and the stream's next state.
fn seed58(mut x: u64) -> (u64, u64) {
    loop {
        let (z, next) = splitmix64_next(x);
        x = next;
        if z & MASK58 != 0 {
            return (z & MASK58, x);
        }
    }
}

impl Exsss {
    /// `:rand.seed(:exsss, integer)`.
    pub fn from_integer(seed: u64) -> Exsss {
        let (s0, x1) = seed58(seed);
        let (s1, _) = seed58(x1);
        Exsss(s0, s1)
    }

    /// The next 58-bit output.
    pub fn next_word(&mut self) -> u64 {
        let Exsss(s1, s0) = *self;
        let s1_1 = s1 ^ ((s1 << 24) & MASK58);
        let new_s1 = s1_1 ^ s0 ^ (s1_1 >> 11) ^ (s0 >> 41);
        *self = Exsss(s0, new_s1);
        // The ** scrambler: ((s0 * 5) rotl 7) * 9, all on 58 bits.
        let va = s0.wrapping_add(s0 << 2) & MASK58;
        let vb = ((va << 7) & MASK58) | (va >> 51);
        vb.wrapping_add(vb << 3) & MASK58
    }

    /// `:rand.uniform/0`: a float in [0, 1) with 53 random bits.
    pub fn uniform_float(&mut self) -> f64 {
        (self.next_word() >> 5) as f64 * 2f64.powi(-53)
    }

    /// `:rand.uniform(n)` for `1 <= n < 2^58`: rejection sampling as Erlang does.
    pub fn uniform_int(&mut self, n: u64) -> u64 {
        let max_minus_n = (1u64 << 58) - n;
        loop {
            let v = self.next_word();
            if v < n {
                return v + 1;
            }
            let i = v % n;
            if v - i <= max_minus_n {
                return i + 1;
            }
        }
    }
}

/// The process dictionary key Erlang keeps the state under.
fn seed_key() -> Term {
    Term::atom("rand_seed")
}

/// Runs `f` on the calling process's state, kept (as in Erlang) in its process
/// dictionary under `:rand_seed`: it is the process's own, and goes when the process
/// exits. A process that never seeded gets a seed from the host clock and its pid.
fn with_state<R>(cx: &mut NativeCtx<'_>, f: impl FnOnce(&mut Exsss) -> R) -> R {
    let stored = cx.process.dict_get(&seed_key()).as_ref().and_then(state_of_term);
    let mut state = stored.unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Exsss::from_integer(nanos ^ cx.process.pid().0.rotate_left(32))
    });
    let out = f(&mut state);
    cx.process.dict_put(seed_key(), state_term(state));
    out
}

/// Reads back a state [`state_term`] wrote (`None` for anything else a program put
/// under `:rand_seed`, which then reseeds, as a fresh process would).
fn state_of_term(t: &Term) -> Option<Exsss> {
    let Term::Tuple(pair) = t else { return None };
    let Term::Cons(words) = pair.get(1)? else { return None };
    match (&words.head, &words.tail) {
        (Term::Int(s0), Term::Int(s1)) if *s0 > 0 && *s1 > 0 => Some(Exsss(*s0 as u64 & MASK58, *s1 as u64 & MASK58)),
        _ => None,
    }
}

/// The state term `seed/2` returns: `{%{type: :exsss, bits: 58}, [s0 | s1]}`
/// (Erlang's map also holds the algorithm's functions, which have no meaning here).
fn state_term(s: Exsss) -> Term {
    Term::pair(
        Term::map([
            (Term::atom("bits"), Term::Int(58)),
            (Term::atom("type"), Term::atom("exsss")),
        ]),
        Term::cons(Term::Int(s.0 as i64), Term::Int(s.1 as i64)),
    )
}

fn seed(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    if !(a[0].is_atom_named("exsss") || a[0].is_atom_named("default")) {
        // Other algorithms (exrop, exs1024s...) would silently give other numbers.
        return Err(Control::Raise(crate::vm::Raise::argument_error(format!(
            "otplab's :rand supports only the :exsss algorithm, got: {}",
            crate::term::inspect::inspect(&a[0])
        ))));
    }
    let state = match &a[1] {
        Term::Int(i) => Exsss::from_integer(*i as u64),
        Term::BigInt(b) => {
            let masked: BigInt = (**b).clone() & BigInt::from(u64::MAX);
            Exsss::from_integer(num_traits::ToPrimitive::to_u64(&masked).unwrap_or(0))
        }
        Term::Tuple(t) if t.len() == 3 => {
            // {A1, A2, A3}: chained through splitmix64; the last two words are the
            // state (checked against OTP 25's output for {1, 2, 3}).
            let parts: Option<Vec<i64>> = t.iter().map(small_int).collect();
            let p = parts.ok_or_else(badarg)?;
            let (_, x1) = seed58(p[0] as u64);
            let (z2, x2) = seed58((p[1] as u64) ^ x1);
            let (z3, _) = seed58((p[2] as u64) ^ x2);
            Exsss(z2, z3)
        }
        _ => return Err(badarg()),
    };
    cx.process.dict_put(seed_key(), state_term(state));
    Ok(state_term(state))
}

fn uniform(cx: &mut NativeCtx<'_>, a: &[Term]) -> NativeResult {
    match a.first() {
        None => Ok(Term::Float(with_state(cx, Exsss::uniform_float))),
        Some(Term::Int(n)) if *n >= 1 => Ok(Term::Int(
            with_state(cx, |s| s.uniform_int(*n as u64)) as i64,
        )),
        Some(_) => Err(Control::Raise(crate::vm::Raise::error(Term::atom(
            "function_clause",
        )))),
    }
}

/// Registers `:rand`.
pub fn register(reg: &mut NativeRegistry) {
    reg.add("rand", "seed", 2, seed);
    reg.add("rand", "uniform", 0, uniform);
    reg.add("rand", "uniform", 1, uniform);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_matches_erlang() {
        // :rand.seed(:exsss, 7) => {_, [273560573251292631 | 21458996443244060]}
        assert_eq!(
            Exsss::from_integer(7),
            Exsss(273560573251292631, 21458996443244060)
        );
    }

    #[test]
    fn sequence_matches_erlang() {
        // :rand.seed(:exsss, 42); [:rand.uniform(100), :rand.uniform(100), :rand.uniform(),
        // :rand.uniform(1000000)] => [94, 31, 0.008882807305278462, 290198]
        let mut s = Exsss::from_integer(42);
        assert_eq!(s.uniform_int(100), 94);
        assert_eq!(s.uniform_int(100), 31);
        assert_eq!(s.uniform_float(), 0.008882807305278462);
        assert_eq!(s.uniform_int(1_000_000), 290198);
    }

    #[test]
    fn tuple_seeds_match_erlang() {
        // :rand.seed(:exsss, {1, 2, 3}); :rand.uniform(10) => 7
        let bench = crate::stdlib::test_bench::run(
            "rand",
            "seed",
            vec![
                Term::atom("exsss"),
                Term::tuple(vec![Term::Int(1), Term::Int(2), Term::Int(3)]),
            ],
        );
        let Ok(Term::Tuple(state)) = bench.0 else {
            panic!("seed failed")
        };
        let Term::Cons(c) = &state[1] else {
            panic!("no state list")
        };
        let (Term::Int(s0), Term::Int(s1)) = (&c.head, &c.tail) else {
            panic!("bad words")
        };
        assert_eq!(Exsss(*s0 as u64, *s1 as u64).uniform_int(10), 7);
    }
}

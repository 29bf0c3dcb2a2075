//! `:ets.tab2file/2` and `:ets.file2tab/1` in otplab's own small binary format.
//!
//! A file is the magic line `OTPLAB-ETS 1\n` followed by one encoded term
//! `{name, type, protection, keypos, named, rows}`. Terms are tagged: `i` i64, `g`
//! bignum, `f` f64, `a` atom, `n` `[]`, `l` list (count, items, tail), `t` tuple, `B`
//! binary, `m` map; lengths are u32 little-endian. Pids, references and funs have no
//! meaning outside the running session, so a table holding one cannot be saved
//! (`{:error, {:unsupported_term, term}}`), rather than be saved wrongly.

use super::registry::EtsRegistry;
use super::table::Access;
use crate::term::{Atom, Pid, Ref, Term};
use num_bigint::BigInt;

const MAGIC: &[u8] = b"OTPLAB-ETS 1\n";

/// Why a table could not be saved or loaded: the `reason` of `{:error, reason}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistError(pub Term);

fn io_reason(e: &std::io::Error) -> PersistError {
    use std::io::ErrorKind::*;
    let posix = match e.kind() {
        NotFound => "enoent",
        PermissionDenied => "eacces",
        AlreadyExists => "eexist",
        IsADirectory => "eisdir",
        _ => "eio",
    };
    PersistError(Term::atom(posix))
}

fn put_len(out: &mut Vec<u8>, n: usize) -> Result<(), PersistError> {
    let n = u32::try_from(n).map_err(|_| PersistError(Term::atom("too_large")))?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

/// Appends the encoding of `t` to `out`.
fn encode(t: &Term, out: &mut Vec<u8>) -> Result<(), PersistError> {
    match t {
        Term::Int(i) => {
            out.push(b'i');
            out.extend_from_slice(&i.to_le_bytes());
        }
        Term::BigInt(b) => {
            let bytes = b.to_signed_bytes_le();
            out.push(b'g');
            put_len(out, bytes.len())?;
            out.extend_from_slice(&bytes);
        }
        Term::Float(f) => {
            out.push(b'f');
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Term::Atom(a) => {
            out.push(b'a');
            put_len(out, a.as_str().len())?;
            out.extend_from_slice(a.as_str().as_bytes());
        }
        Term::Nil => out.push(b'n'),
        Term::Cons(_) => {
            let mut iter = t.list_iter();
            let items: Vec<&Term> = iter.by_ref().collect();
            out.push(b'l');
            put_len(out, items.len())?;
            for item in items {
                encode(item, out)?;
            }
            encode(iter.rest(), out)?;
        }
        Term::Tuple(items) => {
            out.push(b't');
            put_len(out, items.len())?;
            for item in items.iter() {
                encode(item, out)?;
            }
        }
        Term::Binary(b) => {
            out.push(b'B');
            put_len(out, b.len())?;
            out.extend_from_slice(b);
        }
        Term::Map(m) => {
            out.push(b'm');
            put_len(out, m.len())?;
            for (k, v) in m.iter() {
                encode(k, out)?;
                encode(v, out)?;
            }
        }
        Term::Pid(_) | Term::Ref(_) | Term::Fun(_) => {
            return Err(PersistError(Term::pair(Term::atom("unsupported_term"), t.clone())));
        }
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
}

fn badfile() -> PersistError {
    PersistError(Term::atom("badfile"))
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], PersistError> {
        if self.bytes.len() < n {
            return Err(badfile());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn eight(&mut self) -> Result<[u8; 8], PersistError> {
        self.take(8)?.try_into().map_err(|_| badfile())
    }

    fn len(&mut self) -> Result<usize, PersistError> {
        let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| badfile())?;
        Ok(u32::from_le_bytes(b) as usize)
    }

    fn term(&mut self) -> Result<Term, PersistError> {
        let tag = self.take(1)?[0];
        Ok(match tag {
            b'i' => Term::Int(i64::from_le_bytes(self.eight()?)),
            b'g' => {
                let n = self.len()?;
                Term::from_bigint(BigInt::from_signed_bytes_le(self.take(n)?))
            }
            b'f' => Term::Float(f64::from_bits(u64::from_le_bytes(self.eight()?))),
            b'a' => {
                let n = self.len()?;
                Term::Atom(Atom::new(std::str::from_utf8(self.take(n)?).map_err(|_| badfile())?))
            }
            b'n' => Term::Nil,
            b'l' => {
                let n = self.len()?;
                let items = (0..n).map(|_| self.term()).collect::<Result<Vec<_>, _>>()?;
                let tail = self.term()?;
                Term::list_with_tail(items, tail)
            }
            b't' => {
                let n = self.len()?;
                Term::tuple((0..n).map(|_| self.term()).collect::<Result<Vec<_>, _>>()?)
            }
            b'B' => {
                let n = self.len()?;
                Term::bytes(self.take(n)?.to_vec())
            }
            b'm' => {
                let n = self.len()?;
                let mut pairs = Vec::with_capacity(n);
                for _ in 0..n {
                    pairs.push((self.term()?, self.term()?));
                }
                Term::map(pairs)
            }
            _ => return Err(badfile()),
        })
    }
}

impl EtsRegistry {
    /// `:ets.tab2file(tab, path)`: writes the table's options and rows to `path`.
    /// Table errors are `Err(EtsError)` (raised); file and term problems are the
    /// inner `Err` (returned to the learner as `{:error, reason}`).
    pub fn tab2file(
        &self,
        caller: Pid,
        tab: &Term,
        path: &str,
    ) -> super::error::EtsResult<Result<(), PersistError>> {
        let table = self.open(caller, tab, Access::Read)?;
        let o = &table.options;
        let header = Term::tuple(vec![
            Term::Atom(table.name()),
            Term::atom(o.kind.name()),
            Term::atom(o.protection.name()),
            Term::Int(o.keypos as i64),
            Term::bool(o.named),
            Term::list(table.rows.read().all()),
        ]);
        let mut bytes = MAGIC.to_vec();
        if let Err(e) = encode(&header, &mut bytes) {
            return Ok(Err(e));
        }
        Ok(std::fs::write(path, bytes).map_err(|e| io_reason(&e)))
    }

    /// `:ets.file2tab(path)`: recreates a saved table owned by `caller` with id `id`.
    /// Returns the table handle, or the reason it failed (`:badfile`, `:enoent`,
    /// `:cannot_create_table` when a named table of that name exists).
    pub fn file2tab(&self, caller: Pid, path: &str, id: Ref) -> Result<Term, PersistError> {
        let bytes = std::fs::read(path).map_err(|e| io_reason(&e))?;
        let body = bytes.strip_prefix(MAGIC).ok_or_else(badfile)?;
        let mut reader = Reader { bytes: body };
        let header = reader.term()?;
        let Term::Tuple(parts) = &header else { return Err(badfile()) };
        let [name, kind, protection, keypos, named, rows] = &parts[..] else { return Err(badfile()) };
        let mut options = vec![kind.clone(), protection.clone(), Term::pair(Term::atom("keypos"), keypos.clone())];
        if named.is_atom_named("true") {
            options.push(Term::atom("named_table"));
        }
        let handle = self
            .new_table(caller, name, &Term::list(options), id)
            .map_err(|_| PersistError(Term::atom("cannot_create_table")))?;
        self.insert(caller, &handle, rows).map_err(|_| badfile())?;
        Ok(handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_through_a_file() {
        let reg = EtsRegistry::new();
        let opts = Term::list(vec![Term::atom("ordered_set"), Term::atom("named_table")]);
        let t = reg.new_table(Pid(1), &Term::atom("saved"), &opts, Ref(1)).expect("new");
        let rows = Term::list(vec![
            Term::tuple(vec![Term::Int(1), Term::string("one"), Term::Float(1.5)]),
            Term::tuple(vec![Term::Int(2), Term::map([(Term::atom("k"), Term::list(vec![Term::Int(1)]))]), Term::from_bigint(BigInt::from(1u8) << 80)]),
        ]);
        reg.insert(Pid(1), &t, &rows).expect("insert");
        let path = std::env::temp_dir().join(format!("otplab-ets-{}.tab", std::process::id()));
        let path = path.to_string_lossy().to_string();
        assert_eq!(reg.tab2file(Pid(1), &t, &path), Ok(Ok(())));
        assert_eq!(reg.file2tab(Pid(1), &path, Ref(2)), Err(PersistError(Term::atom("cannot_create_table"))));
        reg.delete_table(Pid(1), &t).expect("delete");
        let back = reg.file2tab(Pid(2), &path, Ref(3)).expect("loaded");
        assert_eq!(back, Term::atom("saved"));
        assert_eq!(reg.tab2list(Pid(2), &back), Ok(rows));
        assert_eq!(reg.info_item(&back, &Term::atom("type")), Ok(Term::atom("ordered_set")));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn pids_cannot_be_saved_and_garbage_is_a_badfile() {
        let reg = EtsRegistry::new();
        let t = reg.new_table(Pid(1), &Term::atom("p"), &Term::Nil, Ref(1)).expect("new");
        reg.insert(Pid(1), &t, &Term::pair(Term::atom("me"), Term::Pid(Pid(1)))).expect("insert");
        let path = std::env::temp_dir().join(format!("otplab-ets-pid-{}.tab", std::process::id()));
        let path = path.to_string_lossy().to_string();
        assert!(matches!(reg.tab2file(Pid(1), &t, &path), Ok(Err(_))));
        std::fs::write(&path, b"not a table").expect("write");
        assert_eq!(reg.file2tab(Pid(1), &path, Ref(2)), Err(badfile()));
        let _ = std::fs::remove_file(&path);
        assert_eq!(reg.file2tab(Pid(1), "/nonexistent/dir/x.tab", Ref(3)), Err(PersistError(Term::atom("enoent"))));
    }
}

//! [`Confinement`]: which directories a session's code may read and write (the
//! grader confines an answer to the unit's fixtures, read-only). `File` natives
//! ask the runtime before every access; a path outside is refused with `:eacces`
//! as if the OS had refused it.

use super::system::Runtime;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The directories a session may touch; a session without one is unconfined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confinement {
    /// Directories whose files may be read (writable ones may be read too).
    pub readable: Vec<PathBuf>,
    /// Directories whose files may be written, created or removed.
    pub writable: Vec<PathBuf>,
}

impl Confinement {
    /// True when `path` may be accessed (`write`: for writing). Lexical: a path
    /// with `..` is refused rather than resolved.
    pub fn allows(&self, path: &Path, write: bool) -> bool {
        let Ok(absolute) = std::path::absolute(path) else { return false };
        if absolute.components().any(|c| matches!(c, Component::ParentDir)) {
            return false;
        }
        let under = |roots: &[PathBuf]| roots.iter().any(|r| absolute.starts_with(r));
        under(&self.writable) || (!write && under(&self.readable))
    }
}

impl Runtime {
    /// Confines the session's file access from now on.
    pub fn confine(&self, confinement: Confinement) {
        *self.inner.confinement.write() = Some(Arc::new(confinement));
    }

    /// The session's confinement, if any.
    pub fn confinement(&self) -> Option<Arc<Confinement>> {
        self.inner.confinement.read().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_under_readable_roots_only_and_writes_nowhere_else() {
        let rules = Confinement { readable: vec![PathBuf::from("/course/fixtures")], writable: vec![] };
        assert!(rules.allows(Path::new("/course/fixtures/pipeline/a.csv"), false));
        assert!(!rules.allows(Path::new("/course/fixtures/pipeline/a.csv"), true));
        assert!(!rules.allows(Path::new("/course/fixtures/../src/main.rs"), false));
        assert!(!rules.allows(Path::new("/home/learner/.local/share/otplab/progress.ron"), false));
    }
}

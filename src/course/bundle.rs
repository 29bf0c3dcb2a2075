//! The course compiled into the binary. `build.rs` embeds every file of `drills/`,
//! `exercises/` and `fixtures/`; [`unpack`] writes them to a folder named after their
//! content hash, so a binary copied anywhere (a CI image, a learner's `~/bin`) has its
//! whole course, and checks that read `fixtures_dir` find real files.
//!
//! Invariant: a file in the unpacked folder either holds exactly the embedded bytes or
//! does not exist yet. Each file is written to a temporary name and renamed into place,
//! so two graders unpacking at once never read a half-written unit.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rustc_hash::FxHasher;

use super::catalog::CatalogError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/course_bundle.rs"));
}

/// Every embedded course file as (path relative to the course root, contents).
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// A hash of every embedded path and byte: the unpacked folder's name, so two builds
/// with different courses never share a folder.
fn content_hash() -> u64 {
    let mut hasher = FxHasher::default();
    for (path, bytes) in files() {
        hasher.write(path.as_bytes());
        hasher.write_u8(0);
        hasher.write(bytes);
        hasher.write_u8(0);
    }
    hasher.finish()
}

/// Writes the embedded course under the user's cache folder (the system's temporary
/// folder when there is none) and returns the course root, ready for
/// [`super::catalog::Catalog::load`]. Files already present with the right bytes are
/// left alone; missing or altered ones are (re)written.
pub fn unpack() -> Result<PathBuf, CatalogError> {
    let base = dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join("otplab");
    let root = base.join(format!("course-{:016x}", content_hash()));
    unpack_into(&root)?;
    Ok(root)
}

/// Writes the embedded course into `root` (see [`unpack`]).
pub fn unpack_into(root: &Path) -> Result<(), CatalogError> {
    for (relative, bytes) in files() {
        let path = root.join(relative);
        if std::fs::read(&path).is_ok_and(|existing| existing == *bytes) {
            continue;
        }
        write_atomically(&path, bytes).map_err(|source| CatalogError::Read { path: path.clone(), source })?;
    }
    Ok(())
}

/// Writes `bytes` to a sibling temporary file, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".tmp-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::catalog::Catalog;

    #[test]
    fn the_embedded_course_holds_every_unit_of_the_source_tree() {
        let source_root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let from_source = Catalog::load(&source_root).expect("the source course loads");
        let scratch = std::env::temp_dir().join(format!("otplab-bundle-test-{}", std::process::id()));
        unpack_into(&scratch).expect("unpacks");
        let from_bundle = Catalog::load(&scratch).expect("the unpacked course loads");
        let ids = |catalog: &Catalog| catalog.entries().iter().map(|e| e.unit.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&from_bundle), ids(&from_source));
        assert!(!ids(&from_bundle).is_empty());
        // A file altered on disk is put back on the next unpack.
        let (first, bytes) = files()[0];
        std::fs::write(scratch.join(first), b"tampered").expect("writes");
        unpack_into(&scratch).expect("unpacks again");
        assert_eq!(std::fs::read(scratch.join(first)).expect("reads"), bytes);
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

//! Compiles the course into the binary: every file under `drills/`, `exercises/` and
//! `fixtures/` becomes an `include_bytes!` entry of `$OUT_DIR/course_bundle.rs`, read by
//! `course::bundle`. `include_bytes!` makes rustc rebuild when a file changes, and the
//! `rerun-if-changed` lines on the folders make Cargo rerun this script when a file is
//! added or removed, so the embedded course never goes stale.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

/// The folders that make up the course, relative to the crate root.
const COURSE_FOLDERS: [&str; 3] = ["drills", "exercises", "fixtures"];

fn main() -> io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let mut files = Vec::new();
    for folder in COURSE_FOLDERS {
        println!("cargo:rerun-if-changed={folder}");
        collect(&root, &root.join(folder), &mut files)?;
    }
    files.sort();
    let mut out = String::from("/// Every course file: (path relative to the course root, contents).\n");
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for relative in &files {
        let absolute = root.join(relative);
        writeln!(out, "    ({relative:?}, include_bytes!({:?})),", absolute.display().to_string())
            .map_err(io::Error::other)?;
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    fs::write(out_dir.join("course_bundle.rs"), out)
}

/// Adds every file under `dir` to `files` as a '/'-separated path relative to `root`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) -> io::Result<()> {
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    for item in listing {
        let path = item?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let parts: Vec<String> =
                relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            files.push(parts.join("/"));
        }
    }
    Ok(())
}

//! `otplab check ID FILE --watch`: check the answer, then check it again every time
//! the file is saved. Saving is noticed by polling the file's modification time and
//! length (no watcher crate: a poll every few hundred ms is instant enough for a
//! person and works the same on every file system); an unchanged text is not
//! checked again.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::grade::{grade_file, load_catalog};
use crate::course::grade::GradeOptions;
use crate::course::report::human;

/// How often the file is looked at.
const POLL: Duration = Duration::from_millis(250);

/// Checks `file` against `unit` on every save; stops after `times` checks when given.
/// Returns the last check's exit code (0 pass, 1 fail, 2 unusable).
pub fn watch_command(unit: &str, file: &str, times: Option<u32>) -> anyhow::Result<i32> {
    let catalog = load_catalog()?;
    if catalog.get(unit).is_none() {
        eprintln!("otplab: unknown unit `{unit}`; `otplab drills` lists them");
        return Ok(2);
    }
    let path = Path::new(file);
    let mut checked = 0;
    let mut last_text: Option<String> = None;
    let mut last_stamp: Option<(SystemTime, u64)> = None;
    loop {
        let stamp = std::fs::metadata(path).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
        if stamp.is_some() && stamp != last_stamp {
            last_stamp = stamp;
            let text = std::fs::read_to_string(path).ok();
            if text.is_some() && text != last_text {
                last_text = text;
                let code = match grade_file(&catalog, unit, path, GradeOptions::default()) {
                    Ok(report) => {
                        print!("{}", human(&report));
                        super::grade::record_progress(std::slice::from_ref(&report));
                        super::grade::exit_code(std::slice::from_ref(&report))
                    }
                    Err(message) => {
                        eprintln!("otplab: {message}");
                        2
                    }
                };
                checked += 1;
                if times.is_some_and(|n| checked >= n) {
                    return Ok(code);
                }
                println!("-- watching {file}: save it to check again (Ctrl-C stops)");
            }
        }
        std::thread::sleep(POLL);
    }
}

//! The learner's progress: the ids of the units whose answer passed, kept in a
//! small RON file (`<data dir>/otplab/progress.ron`). A missing, unreadable or
//! corrupt file means "nothing passed yet", never a crash.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The units passed so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Ids of the passed units.
    pub passed: BTreeSet<String>,
}

/// Why progress could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// The file or its folder could not be written.
    #[error("could not save progress to {path}: {source}")]
    Write {
        /// The progress file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Serialisation failed.
    #[error("could not encode progress: {0}")]
    Encode(#[from] ron::Error),
}

impl Progress {
    /// The default progress file, when the platform has a data directory.
    pub fn default_path() -> Option<PathBuf> {
        dirs::data_dir().map(|dir| dir.join("otplab").join("progress.ron"))
    }

    /// Reads `path`; anything wrong with it gives empty progress.
    pub fn load(path: &Path) -> Progress {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| ron::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the progress to `path`, creating its folder.
    pub fn save(&self, path: &Path) -> Result<(), ProgressError> {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| ProgressError::Write { path: path.to_path_buf(), source })?;
        }
        std::fs::write(path, text).map_err(|source| ProgressError::Write { path: path.to_path_buf(), source })
    }

    /// Records that `unit` passed.
    pub fn mark_passed(&mut self, unit: &str) {
        self.passed.insert(unit.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_corruption() {
        let dir = std::env::temp_dir().join(format!("otplab-progress-{}", std::process::id()));
        let path = dir.join("progress.ron");
        assert_eq!(Progress::load(&path), Progress::default());
        let mut progress = Progress::default();
        progress.mark_passed("tasks-awaited");
        progress.save(&path).expect("save");
        assert_eq!(Progress::load(&path), progress);
        std::fs::write(&path, "(passed: [oops").expect("write");
        assert_eq!(Progress::load(&path), Progress::default());
        let _ = std::fs::remove_dir_all(dir);
    }
}

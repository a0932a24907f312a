//! Profile storage: where a profile's files live, the single-instance lock, settings
//! written crash-safely (temp file + fsync + rename), and the drill results log.
use crate::core::scheduler::SchedulerConfig;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Per-profile settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// New cards per study day.
    pub new_per_day: u32,
    /// Scheduler settings.
    pub scheduler: SchedulerConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            new_per_day: 20,
            scheduler: SchedulerConfig::default(),
        }
    }
}

/// The `*.json` files directly in `dir`, sorted (none when it cannot be read).
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
}

/// Writes `bytes` to `path` atomically: a temp file beside it, fsync, rename, fsync dir.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// As [`write_atomic`], streaming the contents through `fill` (no copy in memory).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let written = (|| {
        let mut w = io::BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Why a profile could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Another process holds the lock.
    #[error(
        "profile {profile:?} is already open in another muster (lock file {lock}); close it first, or use --profile NAME for a different deputy"
    )]
    Locked {
        /// Profile name.
        profile: String,
        /// Lock file.
        lock: String,
    },
    /// Bad profile name.
    #[error("profile name {0:?} must be 1–40 letters, digits, '-' or '_'")]
    BadName(String),
    /// I/O failure with the path involved.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: io::Error,
    },
}

/// An open, locked profile.
#[derive(Debug)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// Its folder.
    pub dir: PathBuf,
    _lock: File,
}

/// The default data folder (`$XDG_DATA_HOME/muster` on Linux).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "muster")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".muster"))
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ProfileError + '_ {
    move |source| ProfileError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Profile {
    /// Opens profile `name` under `data_dir`, taking its lock (refused if held).
    pub fn open(data_dir: &Path, name: &str) -> Result<Profile, ProfileError> {
        let ok = !name.is_empty()
            && name.len() <= 40
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(ProfileError::BadName(name.to_string()));
        }
        let dir = data_dir.join("profiles").join(name);
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let lock_path = dir.join("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(ProfileError::Locked {
                    profile: name.to_string(),
                    lock: lock_path.display().to_string(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&lock_path)(e)),
        }
        Ok(Profile {
            name: name.to_string(),
            dir,
            _lock: lock,
        })
    }

    /// The review log path.
    pub fn review_log_path(&self) -> PathBuf {
        self.dir.join("reviews.jsonl")
    }

    /// The drill results log path.
    pub fn drills_path(&self) -> PathBuf {
        self.dir.join("drills.jsonl")
    }

    /// Loads settings (defaults when absent; an error names the file when malformed).
    pub fn settings(&self) -> Result<Settings, String> {
        let p = self.dir.join("settings.json");
        match std::fs::read_to_string(&p) {
            Ok(t) => serde_json::from_str(&t)
                .map_err(|e| format!("{}:{}:{}: {e}", p.display(), e.line(), e.column())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(format!("{}: {e}", p.display())),
        }
    }

    /// Saves settings crash-safely.
    pub fn save_settings(&self, s: &Settings) -> io::Result<()> {
        let json = serde_json::to_string_pretty(s).map_err(io::Error::other)?;
        write_atomic(&self.dir.join("settings.json"), json.as_bytes())
    }
}

/// One finished drill, appended to `drills.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillResult {
    /// Unix ms.
    pub t: i64,
    /// Scenario id.
    pub scenario: String,
    /// Total score 0–1.
    pub score: f32,
    /// Steps scored below 1.
    pub missed: Vec<String>,
}

/// Appends a line to a JSONL file with fsync.
pub fn append_line<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let mut line = serde_json::to_string(value).map_err(io::Error::other)?;
    line.push('\n');
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

/// Reads drill results, skipping unreadable lines.
pub fn read_drills(path: &Path) -> Vec<DrillResult> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_is_refused_then_allowed_after_drop() {
        let dir = tempfile::tempdir().expect("tmp");
        let a = Profile::open(dir.path(), "deputy").expect("first");
        let err = Profile::open(dir.path(), "deputy").expect_err("second refused");
        assert!(err.to_string().contains("already open"), "{err}");
        assert!(Profile::open(dir.path(), "other").is_ok());
        drop(a);
        assert!(Profile::open(dir.path(), "deputy").is_ok());
    }

    #[test]
    fn bad_profile_names_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        for n in ["", "../x", "a b", &"x".repeat(41)] {
            assert!(matches!(
                Profile::open(dir.path(), n),
                Err(ProfileError::BadName(_))
            ));
        }
    }

    #[test]
    fn settings_round_trip_atomically() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = Profile::open(dir.path(), "d").expect("open");
        assert_eq!(p.settings().expect("default"), Settings::default());
        let s = Settings {
            new_per_day: 5,
            ..Settings::default()
        };
        p.save_settings(&s).expect("save");
        assert_eq!(p.settings().expect("load"), s);
        std::fs::write(p.dir.join("settings.json"), "{\"new_per_day\": \"x\"}").expect("w");
        assert!(p.settings().expect_err("bad").contains("settings.json:1:"));
    }

    #[test]
    fn drills_append_and_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("d.jsonl");
        let r = DrillResult {
            t: 1,
            scenario: "s".into(),
            score: 0.5,
            missed: vec!["base".into()],
        };
        append_line(&path, &r).expect("append");
        assert_eq!(read_drills(&path), vec![r]);
    }
}

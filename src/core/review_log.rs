//! The append-only review log: the source of truth for a profile's progress. One JSON
//! line per event, flushed and fsync'd before the next card shows; a torn last line
//! (crash mid-write) is detected, reported once and cut off.
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// An answer with a rating.
    #[default]
    Review,
    /// Cancels the review of the same card at time `of`.
    Undo,
    /// Card suspended until unsuspended.
    Suspend,
    /// Card back in rotation.
    Unsuspend,
    /// Card hidden until the next study day.
    Bury,
    /// Scenario drill missed a rule: card made due now.
    MakeDue,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Unix time in milliseconds.
    pub t: i64,
    /// Deck id.
    pub deck: String,
    /// Card item key (card id, or `id::cN` for a cloze item).
    pub card: String,
    /// Event kind.
    #[serde(default, skip_serializing_if = "is_review")]
    pub op: Op,
    /// Rating 1–4 for reviews.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub r: u8,
    /// Time spent answering, milliseconds.
    #[serde(default, skip_serializing_if = "is_zero64")]
    pub ms: u64,
    /// For `undo`: the `t` of the review it cancels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<i64>,
}

fn is_review(op: &Op) -> bool {
    *op == Op::Review
}
fn is_zero(v: &u8) -> bool {
    *v == 0
}
fn is_zero64(v: &u64) -> bool {
    *v == 0
}

/// What loading found besides the entries.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LoadReport {
    /// A torn final line was cut off (its byte length).
    pub repaired_torn_tail: Option<usize>,
    /// Lines that could not be read (1-based line numbers), kept in the file.
    pub bad_lines: Vec<usize>,
}

/// An open, append-only review log.
#[derive(Debug)]
pub struct ReviewLog {
    path: PathBuf,
    file: File,
}

/// The log's entries with undone reviews removed, in file order.
pub fn effective(entries: &[Entry]) -> impl Iterator<Item = &Entry> {
    let undone: HashSet<(&str, &str, i64)> = entries
        .iter()
        .filter(|e| e.op == Op::Undo)
        .filter_map(|e| e.of.map(|of| (e.deck.as_str(), e.card.as_str(), of)))
        .collect();
    entries.iter().filter(move |e| {
        e.op != Op::Undo
            && !(e.op == Op::Review && undone.contains(&(e.deck.as_str(), e.card.as_str(), e.t)))
    })
}

/// Parses log text; returns entries, the byte length of the valid prefix, and the report.
pub fn parse(text: &str) -> (Vec<Entry>, usize, LoadReport) {
    let mut entries = Vec::new();
    let mut report = LoadReport::default();
    let mut offset = 0;
    let mut good_end = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        let complete = line.ends_with('\n');
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim().is_empty() {
            if complete {
                good_end = offset;
            }
            continue;
        }
        match serde_json::from_str::<Entry>(body) {
            Ok(e) if complete => {
                entries.push(e);
                good_end = offset;
            }
            // The last line without its newline is torn even if it parses: the
            // newline is written in the same call, so the write did not finish.
            _ if !complete => report.repaired_torn_tail = Some(line.len()),
            _ => {
                report.bad_lines.push(i + 1);
                good_end = offset;
            }
        }
    }
    (entries, good_end, report)
}

impl ReviewLog {
    /// Opens (creating if needed) the log at `path`, reading every entry. A torn last
    /// line is truncated away and reported.
    pub fn open(path: &Path) -> io::Result<(ReviewLog, Vec<Entry>, LoadReport)> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(&bytes);
        let (entries, good_end, report) = parse(&text);
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        if report.repaired_torn_tail.is_some() && good_end <= bytes.len() {
            file.set_len(good_end as u64)?;
            file.sync_all()?;
        }
        Ok((
            ReviewLog {
                path: path.to_path_buf(),
                file,
            },
            entries,
            report,
        ))
    }

    /// Appends one entry and fsyncs it before returning.
    pub fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(t: i64, card: &str, r: u8) -> Entry {
        Entry {
            t,
            deck: "d".into(),
            card: card.into(),
            op: Op::Review,
            r,
            ms: 1000,
            of: None,
        }
    }

    #[test]
    fn append_then_reopen_round_trips() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("p/reviews.jsonl");
        let (mut log, e, _) = ReviewLog::open(&p).expect("open");
        assert!(e.is_empty());
        log.append(&entry(1, "a", 3)).expect("append");
        log.append(&entry(2, "b", 1)).expect("append");
        drop(log);
        let (_, e, rep) = ReviewLog::open(&p).expect("reopen");
        assert_eq!(e, vec![entry(1, "a", 3), entry(2, "b", 1)]);
        assert_eq!(rep, LoadReport::default());
    }

    #[test]
    fn torn_tail_is_repaired_once_and_appends_continue() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("reviews.jsonl");
        let good = serde_json::to_string(&entry(1, "a", 3)).expect("json") + "\n";
        std::fs::write(&p, format!("{good}{{\"t\":2,\"deck\":\"d\",\"ca")).expect("write");
        let (mut log, e, rep) = ReviewLog::open(&p).expect("open");
        assert_eq!(e.len(), 1);
        assert!(rep.repaired_torn_tail.is_some());
        assert_eq!(std::fs::read_to_string(&p).expect("read"), good);
        log.append(&entry(3, "c", 4)).expect("append");
        drop(log);
        let (_, e, rep) = ReviewLog::open(&p).expect("reopen");
        assert_eq!(e.len(), 2);
        assert_eq!(rep, LoadReport::default(), "reported only once");
    }

    #[test]
    fn complete_but_unterminated_line_counts_as_torn() {
        let (e, end, rep) = parse("{\"t\":1,\"deck\":\"d\",\"card\":\"a\",\"r\":3}");
        assert!(e.is_empty());
        assert_eq!(end, 0);
        assert!(rep.repaired_torn_tail.is_some());
    }

    #[test]
    fn bad_middle_line_is_kept_and_reported() {
        let good = serde_json::to_string(&entry(1, "a", 3)).expect("json");
        let text = format!("{good}\ngarbage\n{good}\n");
        let (e, end, rep) = parse(&text);
        assert_eq!(e.len(), 2);
        assert_eq!(end, text.len());
        assert_eq!(rep.bad_lines, vec![2]);
    }

    #[test]
    fn undo_cancels_exactly_one_review() {
        let mut u = entry(3, "a", 0);
        u.op = Op::Undo;
        u.of = Some(2);
        let all = vec![entry(1, "a", 3), entry(2, "a", 1), u, entry(4, "b", 3)];
        let kept: Vec<i64> = effective(&all).map(|e| e.t).collect();
        assert_eq!(kept, vec![1, 4]);
    }
}

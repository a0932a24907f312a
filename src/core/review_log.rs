//! The append-only review log: the source of truth for a profile's progress. One JSON
//! line per event, flushed and fsync'd before the next card shows; a torn last line
//! (crash mid-write) is detected, reported once and cut off.
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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
    /// Undo lines whose review was not in the bytes replayed.
    pub unmatched_undo: usize,
}

/// An open, append-only review log.
#[derive(Debug)]
pub struct ReviewLog {
    path: PathBuf,
    file: File,
}

/// One log line, borrowing its strings from the text where it can.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntryRef<'a> {
    /// Unix ms.
    pub t: i64,
    /// Deck id.
    #[serde(borrow)]
    pub deck: Cow<'a, str>,
    /// Item key.
    #[serde(borrow)]
    pub card: Cow<'a, str>,
    /// Event kind.
    #[serde(default)]
    pub op: Op,
    /// Rating.
    #[serde(default)]
    pub r: u8,
    /// Answer time.
    #[serde(default)]
    pub ms: u64,
    /// Undone review time.
    #[serde(default)]
    pub of: Option<i64>,
}

impl EntryRef<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> Entry {
        Entry {
            t: self.t,
            deck: self.deck.to_string(),
            card: self.card.to_string(),
            op: self.op,
            r: self.r,
            ms: self.ms,
            of: self.of,
        }
    }
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

/// Walks the complete lines of log bytes, calling `f` with each readable entry.
/// Returns the byte length of the valid prefix (a torn last line excluded) and the
/// report. Line numbers in the report count from `first_line`.
pub fn scan<'a>(
    bytes: &'a [u8],
    first_line: usize,
    mut f: impl FnMut(EntryRef<'a>),
) -> (usize, LoadReport) {
    let mut report = LoadReport::default();
    let mut offset = 0;
    let mut good_end = 0;
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        offset += line.len();
        let complete = line.last() == Some(&b'\n');
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.iter().all(u8::is_ascii_whitespace) {
            if complete {
                good_end = offset;
            }
            continue;
        }
        let parsed = std::str::from_utf8(body)
            .ok()
            .and_then(|t| serde_json::from_str::<EntryRef<'a>>(t).ok());
        match parsed {
            Some(e) if complete => {
                f(e);
                good_end = offset;
            }
            // The last line without its newline is torn even if it parses: the
            // newline is written in the same call, so the write did not finish.
            _ if !complete => report.repaired_torn_tail = Some(line.len()),
            _ => {
                report.bad_lines.push(first_line + i);
                good_end = offset;
            }
        }
    }
    (good_end, report)
}

/// Calls `f` with every effective entry of `bytes` (reviews cancelled by an undo in the
/// same bytes are skipped; undo lines themselves are not passed on).
pub fn replay<'a>(
    bytes: &'a [u8],
    first_line: usize,
    mut f: impl FnMut(&EntryRef<'a>),
) -> (usize, LoadReport) {
    let mut undone: HashSet<(String, String, i64)> = HashSet::new();
    // Undo lines are rare: find them first with a cheap substring test.
    for line in bytes.split(|b| *b == b'\n') {
        if line.windows(6).any(|w| w == b"\"undo\"")
            && let Some(e) = std::str::from_utf8(line)
                .ok()
                .and_then(|t| serde_json::from_str::<EntryRef<'_>>(t).ok())
            && let (Op::Undo, Some(of)) = (e.op, e.of)
        {
            undone.insert((e.deck.to_string(), e.card.to_string(), of));
        }
    }
    let (end, mut report) = scan(bytes, first_line, |e| {
        let cancelled = e.op == Op::Review
            && !undone.is_empty()
            && undone.remove(&(e.deck.to_string(), e.card.to_string(), e.t));
        if e.op != Op::Undo && !cancelled {
            f(&e);
        }
    });
    report.unmatched_undo = undone.len();
    (end, report)
}

/// Parses log text into owned entries (all of them, undo lines included).
pub fn parse(text: &str) -> (Vec<Entry>, usize, LoadReport) {
    let mut entries = Vec::new();
    let (end, report) = scan(text.as_bytes(), 1, |e| entries.push(e.to_owned()));
    (entries, end, report)
}

impl ReviewLog {
    /// Opens (creating if needed) the log at `path` and reads it from byte `from`
    /// (0 for all of it; a `from` past the end reads all of it). A torn last line is
    /// truncated away and reported. Returns the bytes read and where they start.
    pub fn open_from(path: &Path, from: u64) -> io::Result<(ReviewLog, Vec<u8>, u64, LoadReport)> {
        use std::io::{Read, Seek, SeekFrom};
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let len = file.metadata()?.len();
        let start = if from <= len { from } else { 0 };
        file.seek(SeekFrom::Start(start))?;
        let mut bytes = Vec::with_capacity((len - start) as usize);
        file.read_to_end(&mut bytes)?;
        // Only the torn-tail check is needed here; entries are read by the caller.
        let (good_end, report) = scan_tail(&bytes);
        if report.repaired_torn_tail.is_some() {
            file.set_len(start + good_end as u64)?;
            file.sync_all()?;
            bytes.truncate(good_end);
        }
        Ok((
            ReviewLog {
                path: path.to_path_buf(),
                file,
            },
            bytes,
            start,
            report,
        ))
    }

    /// Wraps an already open file (e.g. a device in tests of a full disk).
    pub fn from_file(path: &Path, file: File) -> ReviewLog {
        ReviewLog {
            path: path.to_path_buf(),
            file,
        }
    }

    /// Opens the log and reads every entry (undo lines included).
    pub fn open(path: &Path) -> io::Result<(ReviewLog, Vec<Entry>, LoadReport)> {
        let (log, bytes, _, mut report) = Self::open_from(path, 0)?;
        let mut entries = Vec::new();
        let (_, r) = scan(&bytes, 1, |e| entries.push(e.to_owned()));
        report.bad_lines = r.bad_lines;
        Ok((log, entries, report))
    }

    /// Appends one entry and fsyncs it before returning.
    pub fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()
    }

    /// Current length of the log in bytes.
    pub fn byte_len(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A hash identifying the log's first `end` bytes (from its last 4 KiB and its
/// length), so a cache can tell whether the log it was made from is still there.
pub fn prefix_hash(path: &Path, end: u64) -> Option<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    if f.metadata().ok()?.len() < end {
        return None;
    }
    let start = end.saturating_sub(4096);
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut buf = vec![0u8; (end - start) as usize];
    f.read_exact(&mut buf).ok()?;
    Some(crate::core::study::key_hash(
        &String::from_utf8_lossy(&buf),
        &end.to_string(),
    ))
}

/// Checks only whether the last line is torn: (valid length, report).
fn scan_tail(bytes: &[u8]) -> (usize, LoadReport) {
    let mut report = LoadReport::default();
    if bytes.is_empty() || bytes.last() == Some(&b'\n') {
        return (bytes.len(), report);
    }
    let good_end = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    report.repaired_torn_tail = Some(bytes.len() - good_end);
    (good_end, report)
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

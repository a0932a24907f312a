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

/// Calls `f` for each complete line of the file from byte `from`, reading 1 MiB at a
/// time; returns the number of lines seen. A last line without its newline is left out.
fn for_each_line(path: &Path, from: u64, mut f: impl FnMut(&[u8])) -> io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut chunk = vec![0u8; 1 << 20];
    let mut lines = 0;
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            return Ok(lines);
        }
        buf.extend_from_slice(&chunk[..n]);
        let cut = buf.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        for line in buf[..cut].split_inclusive(|b| *b == b'\n') {
            f(line);
            lines += 1;
        }
        buf.drain(..cut);
    }
}

/// Replays the log file from byte `from` (0: all of it) without holding it in
/// memory: undo lines are collected in a first pass, then every effective entry is
/// passed to `f` in a second. A `from` past the end replays everything.
pub fn replay_file(
    path: &Path,
    from: u64,
    mut f: impl FnMut(&EntryRef<'_>),
) -> io::Result<LoadReport> {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(LoadReport::default()),
        Err(e) => return Err(e),
    };
    let from = if from <= len { from } else { 0 };
    let mut undone: HashSet<(String, String, i64)> = HashSet::new();
    for_each_line(path, from, |line| {
        if line.windows(6).any(|w| w == b"\"undo\"")
            && let Some(e) = std::str::from_utf8(line)
                .ok()
                .and_then(|t| serde_json::from_str::<EntryRef<'_>>(t).ok())
            && let (Op::Undo, Some(of)) = (e.op, e.of)
        {
            undone.insert((e.deck.to_string(), e.card.to_string(), of));
        }
    })?;
    let mut report = LoadReport::default();
    let mut n = 0;
    for_each_line(path, from, |line| {
        n += 1;
        let (_, r) = scan(line, n, |e| {
            let cancelled = e.op == Op::Review
                && !undone.is_empty()
                && undone.remove(&(e.deck.to_string(), e.card.to_string(), e.t));
            if e.op != Op::Undo && !cancelled {
                f(&e);
            }
        });
        report.bad_lines.extend(r.bad_lines);
    })?;
    report.unmatched_undo = undone.len();
    Ok(report)
}

/// Parses log text into owned entries (all of them, undo lines included).
pub fn parse(text: &str) -> (Vec<Entry>, usize, LoadReport) {
    let mut entries = Vec::new();
    let (end, report) = scan(text.as_bytes(), 1, |e| entries.push(e.to_owned()));
    (entries, end, report)
}

impl ReviewLog {
    /// Opens (creating if needed) the log at `path` for appending. A torn last line
    /// (a write cut short by a crash) is cut off; its length is returned so it can be
    /// reported once. Only the end of the file is read.
    pub fn open_append(path: &Path) -> io::Result<(ReviewLog, Option<usize>)> {
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
        let mut repaired = None;
        if len > 0 {
            // Look backwards for the last newline, 64 KiB at a time.
            let mut end = len;
            let mut good_end = 0;
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                while end > 0 {
                    let start = end.saturating_sub(64 * 1024);
                    let mut buf = vec![0u8; (end - start) as usize];
                    file.seek(SeekFrom::Start(start))?;
                    file.read_exact(&mut buf)?;
                    if let Some(p) = buf.iter().rposition(|b| *b == b'\n') {
                        good_end = start + p as u64 + 1;
                        break;
                    }
                    end = start;
                }
                file.set_len(good_end)?;
                file.sync_all()?;
                repaired = Some((len - good_end) as usize);
            }
        }
        Ok((
            ReviewLog {
                path: path.to_path_buf(),
                file,
            },
            repaired,
        ))
    }

    /// Wraps an already open file (e.g. a device in tests of a full disk).
    pub fn from_file(path: &Path, file: File) -> ReviewLog {
        ReviewLog {
            path: path.to_path_buf(),
            file,
        }
    }

    /// Opens the log and reads every entry (undo lines included): for tools and tests;
    /// the app streams the log with [`replay_file`] instead.
    pub fn open(path: &Path) -> io::Result<(ReviewLog, Vec<Entry>, LoadReport)> {
        let (log, repaired) = Self::open_append(path)?;
        let bytes = std::fs::read(path)?;
        let mut entries = Vec::new();
        let (_, mut report) = scan(&bytes, 1, |e| entries.push(e.to_owned()));
        report.repaired_torn_tail = repaired;
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
    fn replay_file_streams_across_chunks_skips_undone_and_reports_bad_lines() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("reviews.jsonl");
        let mut text = String::new();
        // More than one 1 MiB chunk, so lines straddle chunk boundaries.
        for i in 0..20_000 {
            text.push_str(
                &serde_json::to_string(&entry(i, &format!("card-{}", i % 700), 3)).expect("json"),
            );
            text.push('\n');
        }
        assert!(text.len() > 1 << 20);
        text.push_str("not json\n");
        let mut undo = entry(30_000, "card-5", 0);
        undo.op = Op::Undo;
        undo.of = Some(5);
        text.push_str(&serde_json::to_string(&undo).expect("json"));
        text.push('\n');
        std::fs::write(&p, &text).expect("write");
        let mut seen = Vec::new();
        let report = replay_file(&p, 0, |e| seen.push(e.t)).expect("replay");
        assert_eq!(seen.len(), 19_999, "one review undone");
        assert!(!seen.contains(&5));
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "in file order");
        assert_eq!(report.bad_lines, vec![20_001]);
        assert_eq!(report.unmatched_undo, 0);
        // From the middle: the undo's review is before the start, so it is unmatched.
        let half = text
            .find("card-5\"")
            .map(|i| text[i..].find('\n').map_or(0, |j| i + j + 1))
            .unwrap_or(0);
        let report = replay_file(&p, half as u64, |_| {}).expect("replay");
        assert_eq!(report.unmatched_undo, 1);
        assert_eq!(
            replay_file(&dir.path().join("none.jsonl"), 0, |_| {}).expect("missing"),
            LoadReport::default()
        );
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

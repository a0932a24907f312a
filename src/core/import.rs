//! Importer for numbered Q/A text copied from a flashcard web page: finds the cards,
//! reports empty/header cards and repeated cards, and suggests topic tags. Pure and total:
//! any input gives `Ok` or an [`ImportError`] naming a 1-based line, never a panic.
//!
//! The page text has two shapes, both handled card by card:
//!
//! ```text
//! 2                       25
//! Q                       Can a bureau commander waive the 24 hour notice?
//!                         Yes
//! Manual Chapter 4?       26
//!                         ...
//! A
//!
//! Personnel Administration.
//!
//! How well did you know this?
//! 1
//! Not at all
//! 2 3 4 5 (one a line)
//! Perfectly
//! ```
//!
//! A card number is a bare number on a line of its own that is the previous number + 1
//! (the first one may be any number). The self-rating block ("How well did you know
//! this?" then 1, Not at all, 2, 3, 4, 5, Perfectly) is dropped, so its digits are never
//! card numbers. Answers may be numbers: a bare number in the answer position is an
//! answer, and so is the expected next number when the same number follows again on the
//! next non-blank line, or when it stands after an "A" marker with the rating block next.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One card taken from the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedCard {
    /// The number the page gives the card.
    pub number: u32,
    /// The question, lines joined with single spaces; never empty.
    pub front: String,
    /// The answer, lines joined with single spaces and "- " list items with "; "; never empty.
    pub back: String,
    /// 1-based line of the card's number.
    pub line: usize,
}

/// A card left out because an earlier card asks the same question with the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    /// Number of the card left out.
    pub number: u32,
    /// Number of the earlier card that was kept.
    pub duplicate_of: u32,
    /// Question of the card left out, as it appears on the page.
    pub front: String,
}

/// A numbered item that is not a card (empty card, table header row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The item's number on the page.
    pub number: u32,
    /// 1-based line of the item's number.
    pub line: usize,
    /// Why it was left out.
    pub reason: String,
}

/// Everything read from one flashcard page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashcardImport {
    /// First line before the cards, e.g. "2025 CCSO Manual Chapter 4 Flashcards".
    pub title: Option<String>,
    /// The count the page states, e.g. 321 from "(321 cards)".
    pub declared_count: Option<u32>,
    /// Cards to study, in page order, without duplicates and skipped items.
    pub cards: Vec<ImportedCard>,
    /// Cards left out as repeats of earlier cards.
    pub duplicates: Vec<Duplicate>,
    /// Numbered items that are not cards.
    pub skipped: Vec<Skipped>,
}

/// Why a page could not be imported; each variant names the 1-based line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// No line holds a card number (the line is the last line read).
    /// No numbered item has both a question and an answer.
    #[error("line {line}: no numbered cards with a question and an answer found")]
    NoCards {
        /// Last line of the text (1 for empty text).
        line: usize,
    },
    /// The text ends right after a card number (a copy cut short).
    #[error("line {line}: the text ends right after card number {number}")]
    EndsAfterNumber {
        /// Line of the card's number.
        line: usize,
        /// The card's number.
        number: u32,
    },
    /// A card number that is not the previous number + 1 follows a complete card.
    #[error("line {line}: expected card {expected}, found {found}")]
    OutOfSequence {
        /// Line of the unexpected number.
        line: usize,
        /// The number that should come next.
        expected: u32,
        /// The number found instead.
        found: u32,
    },
    /// A card has question text but no answer text.
    #[error("line {line}: card {number} has a question but no answer")]
    MissingAnswer {
        /// Line of the card's number.
        line: usize,
        /// The card's number.
        number: u32,
    },
    /// A card has answer text (after an "A" marker) but no question text.
    #[error("line {line}: card {number} has an answer but no question")]
    MissingQuestion {
        /// Line of the card's number.
        line: usize,
        /// The card's number.
        number: u32,
    },
    /// The page states a card count that differs from the numbered items found
    /// (usually a copy cut short).
    #[error(
        "line {line}: the page declares {declared} cards but {found} numbered cards were found"
    )]
    CountMismatch {
        /// Line of the declared count.
        line: usize,
        /// The stated count.
        declared: u32,
        /// Numbered items found, including empty and skipped ones.
        found: u32,
    },
}

/// The rating widget every early card carries, after its prompt line.
const RATING_PROMPT: &str = "how well did you know this?";
const RATING_STEPS: [&str; 7] = ["1", "not at all", "2", "3", "4", "5", "perfectly"];

/// Reads flashcard-page text into cards; see the module docs for the accepted shapes.
///
/// Errors: no numbered cards, text ending right after a number, a number out of
/// sequence after a complete card, a card with a question but no answer (or the
/// reverse), a stated count that differs from the numbered items found. Empty cards and "Topic / Details" header rows are skipped;
/// repeated cards (same question, same or near-same answer) go to `duplicates`.
pub fn parse_flashcards(text: &str) -> Result<FlashcardImport, ImportError> {
    let lines: Vec<&str> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                trim_line(l.trim_start_matches('\u{feff}'))
            } else {
                trim_line(l)
            }
        })
        .collect();

    let mut header: Vec<(usize, &str)> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut pending: Option<Pending> = None;
    // Index into RATING_STEPS of the next rating line to drop, while inside a rating block.
    let mut rating: Option<usize> = None;

    for (idx, &t) in lines.iter().enumerate() {
        let line_no = idx + 1;
        if let Some(step) = rating {
            if t.is_empty() {
                continue;
            }
            if RATING_STEPS
                .get(step)
                .is_some_and(|s| t.eq_ignore_ascii_case(s))
            {
                rating = if step + 1 < RATING_STEPS.len() {
                    Some(step + 1)
                } else {
                    None
                };
                continue;
            }
            rating = None;
        }
        let Some(card) = pending.as_mut() else {
            match card_number(t) {
                Some(n) => pending = Some(Pending::new(n, line_no)),
                None => header.push((line_no, t)),
            }
            continue;
        };
        if t.eq_ignore_ascii_case(RATING_PROMPT) {
            card.touched = true;
            rating = Some(0);
            continue;
        }
        match card_number(t) {
            Some(n) if n == card.number + 1 => {
                // Still waiting for an answer: the number is the answer if the same
                // number follows, or if it stands after an "A" marker and the rating
                // block follows.
                let answer_is_number = !card.has_answer() && {
                    let next = lines.iter().skip(idx + 1).find(|l| !l.is_empty());
                    next.is_some_and(|l| {
                        card_number(l) == Some(n)
                            || (card.a_marker.is_some() && l.eq_ignore_ascii_case(RATING_PROMPT))
                    })
                };
                if answer_is_number {
                    card.push(t);
                } else if let Some(done) = pending.replace(Pending::new(n, line_no)) {
                    items.push(done.finish()?);
                }
            }
            Some(n) if card.has_answer() => {
                return Err(ImportError::OutOfSequence {
                    line: line_no,
                    expected: card.number + 1,
                    found: n,
                });
            }
            _ => card.push(t),
        }
    }
    if let Some(done) = pending {
        if !done.touched {
            return Err(ImportError::EndsAfterNumber {
                line: done.line,
                number: done.number,
            });
        }
        items.push(done.finish()?);
    }
    if !items.iter().any(|i| matches!(i, Item::Card(_))) {
        return Err(ImportError::NoCards {
            line: lines.len().max(1),
        });
    }

    let (title, declared) = read_header(&header);
    if let Some((line, declared)) = declared {
        let found = u32::try_from(items.len()).unwrap_or(u32::MAX);
        if found != declared {
            return Err(ImportError::CountMismatch {
                line,
                declared,
                found,
            });
        }
    }

    let mut out = FlashcardImport {
        title,
        declared_count: declared.map(|(_, n)| n),
        cards: Vec::new(),
        duplicates: Vec::new(),
        skipped: Vec::new(),
    };
    // Normalized front -> indices into `out.cards` (kept cards only).
    let mut by_front: HashMap<String, Vec<usize>> = HashMap::new();
    for item in items {
        let card = match item {
            Item::Skip(s) => {
                out.skipped.push(s);
                continue;
            }
            Item::Card(c) => c,
        };
        let key = normalize(&card.front);
        let earlier = by_front.get(&key).and_then(|idxs| {
            idxs.iter()
                .filter_map(|&i| out.cards.get(i))
                .find(|kept| answers_match(&kept.back, &card.back))
                .map(|kept| kept.number)
        });
        if let Some(duplicate_of) = earlier {
            out.duplicates.push(Duplicate {
                number: card.number,
                duplicate_of,
                front: card.front,
            });
        } else {
            by_front.entry(key).or_default().push(out.cards.len());
            out.cards.push(card);
        }
    }
    Ok(out)
}

/// A numbered item once its text is complete.
enum Item {
    Card(ImportedCard),
    Skip(Skipped),
}

/// The numbered item being read: its text lines (blank lines kept as paragraph breaks,
/// Q/A markers and rating lines removed).
struct Pending<'a> {
    number: u32,
    line: usize,
    lines: Vec<&'a str>,
    nonblank: usize,
    /// The body opened with a "Q" marker.
    qa: bool,
    /// Index into `lines` where the "A" marker stood.
    a_marker: Option<usize>,
    answer_nonblank: usize,
    /// Anything at all (text, marker, rating block) followed the number.
    touched: bool,
}

impl<'a> Pending<'a> {
    fn new(number: u32, line: usize) -> Self {
        Pending {
            number,
            line,
            lines: Vec::new(),
            nonblank: 0,
            qa: false,
            a_marker: None,
            answer_nonblank: 0,
            touched: false,
        }
    }

    fn push(&mut self, t: &'a str) {
        if t.is_empty() {
            self.lines.push(t);
            return;
        }
        self.touched = true;
        if self.nonblank == 0 && !self.qa && t == "Q" {
            self.qa = true;
            return;
        }
        if self.qa && self.a_marker.is_none() && t == "A" {
            self.a_marker = Some(self.lines.len());
            return;
        }
        self.lines.push(t);
        self.nonblank += 1;
        if self.a_marker.is_some() {
            self.answer_nonblank += 1;
        }
    }

    /// Whether answer text has begun, so a stray number can no longer be an answer.
    fn has_answer(&self) -> bool {
        if self.qa {
            self.answer_nonblank > 0
        } else {
            self.nonblank >= 2
        }
    }

    fn finish(self) -> Result<Item, ImportError> {
        let (question, answer) = self.split();
        let front = join_text(question);
        let back = join_text(answer);
        let skip = |reason: &str| {
            Ok(Item::Skip(Skipped {
                number: self.number,
                line: self.line,
                reason: reason.to_string(),
            }))
        };
        match (front.is_empty(), back.is_empty()) {
            (true, true) => return skip("empty card: no question and no answer"),
            (true, false) => {
                return Err(ImportError::MissingQuestion {
                    line: self.line,
                    number: self.number,
                });
            }
            (false, true) => {
                return Err(ImportError::MissingAnswer {
                    line: self.line,
                    number: self.number,
                });
            }
            (false, false) => {}
        }
        if is_header_row(&front, &back) {
            return skip(&format!(
                "table header row (\"{front}\" / \"{back}\"), not a card"
            ));
        }
        Ok(Item::Card(ImportedCard {
            number: self.number,
            front,
            back,
            line: self.line,
        }))
    }

    /// Question and answer lines (blank lines included; joining skips them). With Q/A
    /// markers the "A" marker splits them; without, a blank line splits them, else the
    /// question runs through the first line holding a "?" (if that is not the last
    /// line), else it is the first line.
    fn split(&self) -> (&[&'a str], &[&'a str]) {
        let lines = self.lines.as_slice();
        if self.qa {
            return lines.split_at(self.a_marker.unwrap_or(lines.len()).min(lines.len()));
        }
        let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
        let end = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(start, |e| e + 1);
        let body = lines.get(start..end).unwrap_or(&[]);
        if let Some(gap) = body.iter().position(|l| l.is_empty()) {
            return body.split_at(gap);
        }
        let last = body.len().saturating_sub(1);
        let q_end = body
            .iter()
            .take(last)
            .position(|l| l.contains('?'))
            .unwrap_or(0);
        body.split_at((q_end + 1).min(body.len()))
    }
}

/// A card number: 1 to 9 ASCII digits alone on the line (so `n + 1` never overflows).
fn card_number(t: &str) -> Option<u32> {
    if t.is_empty() || t.len() > 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Title (first header line that is not the count) and the declared count with its line.
fn read_header(header: &[(usize, &str)]) -> (Option<String>, Option<(usize, u32)>) {
    let mut title = None;
    let mut declared = None;
    for &(line, t) in header.iter().filter(|(_, t)| !t.is_empty()) {
        match declared_count(t) {
            Some(n) if declared.is_none() => declared = Some((line, n)),
            Some(_) => {}
            None if title.is_none() => title = Some(collapse_ws(t)),
            None => {}
        }
    }
    (title, declared)
}

/// "(321 cards)", "321 cards", "(1 card)", "12 terms" -> the number.
fn declared_count(t: &str) -> Option<u32> {
    let inner = t
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(t);
    let mut words = inner.split_whitespace();
    let n = words.next().and_then(card_number)?;
    let unit = words.next()?.to_lowercase();
    let unit_ok = matches!(unit.as_str(), "card" | "cards" | "term" | "terms");
    (unit_ok && words.next().is_none()).then_some(n)
}

/// A "Topic / Details" style column header copied as if it were a card.
fn is_header_row(front: &str, back: &str) -> bool {
    if front.len() > 16 || back.len() > 16 {
        return false;
    }
    let f = normalize(front);
    let b = normalize(back);
    matches!(f.as_str(), "topic" | "term" | "question")
        && matches!(b.as_str(), "details" | "definition" | "answer")
}

/// `str::trim`, with a byte-level fast path for the common all-ASCII edges.
fn trim_line(l: &str) -> &str {
    let t = l.trim_ascii();
    let b = t.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(e)) if f.is_ascii() && e.is_ascii() => t,
        _ => t.trim(),
    }
}

/// Runs of whitespace become one space; ends trimmed.
fn collapse_ws(s: &str) -> String {
    // Fast path (memchr-based searches): already single-spaced ASCII.
    let b = s.as_bytes();
    let edges_ok = !b.first().is_some_and(u8::is_ascii_whitespace)
        && !b.last().is_some_and(u8::is_ascii_whitespace);
    let plain = edges_ok
        && s.is_ascii()
        && !s.contains("  ")
        && !s.contains('\t')
        && !s.contains('\r')
        && !s.contains('\n')
        && !s.contains('\x0b')
        && !s.contains('\x0c');
    if plain {
        return s.to_string();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Joins card lines: plain lines with single spaces; a line starting "- " (or "• ",
/// "* ") is a list whose items (split on " - " within the line) are joined with "; ",
/// their trailing ".", ";" or "," dropped except on the last item.
fn join_text(lines: &[&str]) -> String {
    const BULLETS: [&str; 3] = ["- ", "• ", "* "];
    let mut text = lines.iter().filter(|l| !l.is_empty());
    if let (Some(only), None) = (text.next(), text.next())
        && !BULLETS.iter().any(|b| only.starts_with(b))
    {
        return collapse_ws(only);
    }
    // (is a list item, text)
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for raw in lines {
        let line = collapse_ws(raw);
        if line.is_empty() {
            continue;
        }
        let bullet = BULLETS.iter().find_map(|b| line.strip_prefix(b));
        if let Some(rest) = bullet {
            for item in rest.split(" - ").map(str::trim).filter(|s| !s.is_empty()) {
                pieces.push((true, item.to_string()));
            }
        } else if let Some((_, last)) = pieces.last_mut() {
            // Continues the previous paragraph or list item.
            last.push(' ');
            last.push_str(&line);
        } else {
            pieces.push((false, line));
        }
    }
    let count = pieces.len();
    let mut out = String::new();
    for (i, (_, text)) in pieces.into_iter().enumerate() {
        if i + 1 < count {
            let cut = text.trim_end_matches(['.', ';', ',']);
            out.push_str(if cut.is_empty() { &text } else { cut });
            out.push_str(if cut.ends_with(':') { " " } else { "; " });
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// Comparison form of a question or answer: lowercase, apostrophes dropped, every other
/// non-alphanumeric character (so ";" "-" "," alike) a space, spaces collapsed, leading
/// "what is", "what are" and "the" dropped.
fn normalize(s: &str) -> String {
    let mut flat = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{2bc}') {
            continue;
        }
        if c.is_alphanumeric() {
            flat.extend(c.to_lowercase());
        } else {
            flat.push(' ');
        }
    }
    let words: Vec<&str> = flat.split_whitespace().collect();
    let mut rest: &[&str] = &words;
    loop {
        rest = match rest {
            ["what", "is" | "are", tail @ ..] | ["the", tail @ ..] => tail,
            _ => break,
        };
    }
    rest.join(" ")
}

/// Whether two answers say the same thing: equal once normalized, or (for answers of six
/// words or more) the same numbers and at least 85% of distinct words shared, which
/// absorbs rewordings like "loss of leave or loss of pay" / "loss of leave or pay".
fn answers_match(a: &str, b: &str) -> bool {
    let (na, nb) = (normalize(a), normalize(b));
    if na == nb {
        return true;
    }
    let wa: std::collections::BTreeSet<&str> = na.split(' ').collect();
    let wb: std::collections::BTreeSet<&str> = nb.split(' ').collect();
    if wa.len() < 6 || wb.len() < 6 {
        return false;
    }
    let numbers = |w: &std::collections::BTreeSet<&str>| -> Vec<String> {
        w.iter()
            .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
            .map(|t| t.to_string())
            .collect()
    };
    if numbers(&wa) != numbers(&wb) {
        return false;
    }
    let shared = wa.intersection(&wb).count();
    let union = wa.union(&wb).count();
    shared * 100 >= union * 85
}

/// Tags in the order they are reported.
const TAGS: [&str; 20] = [
    "leave",
    "pay",
    "benefits",
    "training",
    "promotion",
    "evaluation",
    "grievance",
    "discipline",
    "disciplinary-matrix",
    "secondary-employment",
    "extra-employment",
    "line-of-duty-death",
    "hiring",
    "personnel-records",
    "conduct",
    "complaint",
    "investigation",
    "trial-board",
    "suspension",
    "demotion",
];

/// Section tags by card number, read off the CCSO Chapter 4 deck.
const RANGES: &[(u32, u32, &[&str])] = &[
    (1, 2, &["personnel-records"]),
    (3, 6, &["pay", "demotion"]),
    (7, 11, &["pay"]),
    (12, 53, &["leave"]),
    (54, 55, &["benefits"]),
    (56, 58, &["benefits", "training"]),
    (59, 68, &["hiring"]),
    (69, 69, &["promotion"]),
    (70, 116, &["training"]),
    (117, 132, &["promotion"]),
    (133, 133, &["personnel-records"]),
    (134, 146, &["evaluation"]),
    (147, 147, &["hiring", "evaluation"]),
    (148, 167, &["grievance"]),
    (168, 172, &["conduct"]),
    (170, 172, &["complaint"]),
    (173, 225, &["discipline"]),
    (184, 187, &["complaint"]),
    (206, 218, &["trial-board"]),
    (219, 223, &["suspension"]),
    (226, 234, &["discipline", "disciplinary-matrix"]),
    (235, 243, &["secondary-employment"]),
    (244, 251, &["line-of-duty-death"]),
    (252, 254, &["hiring"]),
    (255, 318, &["discipline", "disciplinary-matrix"]),
    (319, 321, &["line-of-duty-death"]),
];

/// Topic tags for a card: section tags by card-number range (the CCSO Chapter 4 deck)
/// plus keyword tags from the question (and, for demotion, suspension and trial board,
/// the answer). Lowercase kebab-case from a fixed set, in a fixed order, never empty
/// ("personnel-records", the chapter's subject, when nothing else fits).
pub fn topic_tags(number: u32, front: &str, back: &str) -> Vec<String> {
    let mut on = [false; TAGS.len()];
    let mut add = |tag: &str| {
        if let Some(i) = TAGS.iter().position(|t| *t == tag)
            && let Some(slot) = on.get_mut(i)
        {
            *slot = true;
        }
    };
    for (lo, hi, tags) in RANGES {
        if (*lo..=*hi).contains(&number) {
            tags.iter().for_each(|t| add(t));
        }
    }

    let q = words(front);
    let a = words(back);
    let has = |ws: &[String], keys: &[&str]| ws.iter().any(|w| keys.contains(&w.as_str()));
    let has_seq = |ws: &[String], seq: &[&str]| {
        ws.windows(seq.len())
            .any(|win| win.iter().zip(seq).all(|(w, s)| w == s))
    };
    // "Pay" as money, not "with(out) pay", "pay period" or "non-pay status".
    let pay_word = q.iter().enumerate().any(|(i, w)| {
        let before = i.checked_sub(1).and_then(|p| q.get(p)).map(String::as_str);
        let after = q.get(i + 1).map(String::as_str);
        match w.as_str() {
            "paid" | "salary" | "compensated" | "compensates" | "compensation" => true,
            "pay" => {
                !matches!(before, Some("with" | "without" | "non"))
                    && !matches!(after, Some("period" | "status"))
            }
            _ => false,
        }
    });

    if has(&q, &["leave", "lwop", "fmla"]) {
        add("leave");
    }
    if pay_word {
        add("pay");
    }
    if has(
        &q,
        &[
            "benefit",
            "benefits",
            "tuition",
            "reimbursement",
            "reimbursed",
        ],
    ) {
        add("benefits");
    }
    if has(
        &q,
        &[
            "training",
            "trains",
            "retrains",
            "retraining",
            "trained",
            "instructor",
            "instructors",
            "fto",
            "ftos",
            "academy",
            "smcja",
            "mpctc",
        ],
    ) {
        add("training");
    }
    if has(&q, &["promotion", "promote", "promoted", "promotional"]) {
        add("promotion");
    }
    if has(
        &q,
        &["evaluation", "evaluations", "evals", "evaluates", "rating"],
    ) {
        add("evaluation");
    }
    if has(&q, &["grievance", "grievances", "grievant"]) {
        add("grievance");
    }
    if has(
        &q,
        &["discipline", "disciplinary", "reprimand", "punishment"],
    ) {
        add("discipline");
    }
    if has(&q, &["matrix"]) {
        add("discipline");
        add("disciplinary-matrix");
    }
    if q.iter().any(|w| w == "employment") && has(&q, &["secondary", "extra"]) {
        add("secondary-employment");
    }
    if has_seq(&q, &["line", "of", "duty"]) || has(&q, &["survivor", "survivors", "funeral"]) {
        add("line-of-duty-death");
    }
    if has(
        &q,
        &[
            "hiring",
            "hire",
            "hired",
            "applicant",
            "applicants",
            "recruitment",
            "recruit",
            "background",
        ],
    ) {
        add("hiring");
    }
    if has(
        &q,
        &["records", "files", "retention", "archived", "preserved"],
    ) || (has(&q, &["file"]) && has(&q, &["personnel", "standards"]))
    {
        add("personnel-records");
    }
    if has(
        &q,
        &[
            "conduct",
            "misconduct",
            "harassment",
            "unethical",
            "courtesy",
        ],
    ) {
        add("conduct");
    }
    if has(&q, &["complaint", "complaints"]) {
        add("complaint");
    }
    if has(
        &q,
        &[
            "investigation",
            "investigations",
            "investigating",
            "investigatory",
            "investigated",
        ],
    ) {
        add("investigation");
    }
    if has_seq(&q, &["trial", "board"]) || has_seq(&a, &["trial", "board"]) {
        add("trial-board");
    }
    let suspend = ["suspend", "suspends", "suspended", "suspension"];
    if has(&q, &suspend) || has(&a, &suspend) {
        add("suspension");
    }
    let demote = ["demotion", "demotions", "demoted"];
    if has(&q, &demote) || has(&a, &demote) {
        add("demotion");
    }

    // Secondary and extra employment are one subject under two names.
    let secondary = TAGS.iter().position(|t| *t == "secondary-employment");
    let extra = TAGS.iter().position(|t| *t == "extra-employment");
    if let (Some(s), Some(e)) = (secondary, extra) {
        let either = on.get(s).copied().unwrap_or(false) || on.get(e).copied().unwrap_or(false);
        for i in [s, e] {
            if let Some(slot) = on.get_mut(i) {
                *slot |= either;
            }
        }
    }

    let mut tags: Vec<String> = TAGS
        .iter()
        .zip(on)
        .filter(|(_, set)| *set)
        .map(|(t, _)| t.to_string())
        .collect();
    if tags.is_empty() {
        tags.push("personnel-records".to_string());
    }
    tags
}

/// Lowercase words of `s` (apostrophes dropped, other punctuation splits words).
fn words(s: &str) -> Vec<String> {
    let mut flat = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{2bc}') {
            continue;
        }
        if c.is_alphanumeric() {
            flat.extend(c.to_lowercase());
        } else {
            flat.push(' ');
        }
    }
    flat.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL_PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/manuals/ccso-manual-chapter-4-flashcards-2025.txt"
    );

    fn real_text() -> String {
        std::fs::read_to_string(REAL_PATH)
            .unwrap_or_else(|e| panic!("cannot read {REAL_PATH}: {e}"))
    }

    fn real() -> FlashcardImport {
        parse_flashcards(&real_text()).expect("the real page imports")
    }

    fn card(import: &FlashcardImport, number: u32) -> &ImportedCard {
        import
            .cards
            .iter()
            .find(|c| c.number == number)
            .unwrap_or_else(|| panic!("card {number} not imported"))
    }

    #[test]
    fn real_file_header_and_counts() {
        let imp = real();
        assert_eq!(
            imp.title.as_deref(),
            Some("2025 CCSO Manual Chapter 4 Flashcards")
        );
        assert_eq!(imp.declared_count, Some(321));
        assert_eq!(imp.cards.len(), 305);
        assert_eq!(
            imp.cards.len() + imp.duplicates.len() + imp.skipped.len(),
            321
        );
        let numbers: Vec<u32> = imp.cards.iter().map(|c| c.number).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        for c in &imp.cards {
            assert!(
                !c.front.is_empty() && !c.back.is_empty(),
                "card {}",
                c.number
            );
            assert_eq!(c.front, c.front.trim());
            assert!(!c.front.contains("  ") && !c.back.contains("  "));
            assert!(
                !c.back.contains("How well did you know"),
                "card {}",
                c.number
            );
        }
    }

    #[test]
    fn real_file_first_and_last_cards() {
        let imp = real();
        let first = &imp.cards[0];
        assert_eq!(first.number, 2);
        assert_eq!(first.front, "Manual Chapter 4?");
        assert_eq!(first.back, "Personnel Administration.");
        assert_eq!(first.line, 16);
        let last = imp.cards.last().expect("cards");
        assert_eq!(last.number, 321);
        assert_eq!(
            last.front,
            "What manual chapter has death benefit information?"
        );
        assert_eq!(last.back, "Chapter 4");
        assert_eq!(last.line, 1295);
    }

    #[test]
    fn real_file_format_switch_and_numeric_answers() {
        let imp = real();
        assert_eq!(card(&imp, 24).back, "24 hours");
        assert_eq!(
            card(&imp, 25).front,
            "Can a bureau commander waive the 24 hour notice?"
        );
        assert_eq!(card(&imp, 25).back, "Yes");
        assert_eq!(card(&imp, 25).line, 407);
        assert_eq!(card(&imp, 80).back, "1988");
        assert_eq!(card(&imp, 94).back, "30");
        assert_eq!(
            card(&imp, 10).back,
            "1 1/2 times a deputy’s regular hourly rate"
        );
    }

    #[test]
    fn real_file_skips_empty_and_header_cards() {
        let imp = real();
        let skipped: Vec<(u32, usize)> = imp.skipped.iter().map(|s| (s.number, s.line)).collect();
        assert_eq!(skipped, vec![(1, 5), (273, 1151)]);
        assert!(imp.skipped[0].reason.contains("empty"));
        assert!(imp.skipped[1].reason.contains("header"));
    }

    #[test]
    fn real_file_duplicates() {
        let imp = real();
        let dups: Vec<(u32, u32)> = imp
            .duplicates
            .iter()
            .map(|d| (d.number, d.duplicate_of))
            .collect();
        let mut expected: Vec<(u32, u32)> = (295..=306).map(|n| (n, n - 21)).collect();
        expected.extend([(308, 287), (310, 289)]);
        assert_eq!(dups, expected);
        assert_eq!(
            imp.duplicates[0].front,
            "What is Disciplinary Matrix Category C?"
        );
        // Reworded but different: kept.
        for n in [
            286, 307, 288, 309, 291, 311, 292, 312, 293, 313, 294, 314, 260, 266,
        ] {
            card(&imp, n);
        }
    }

    #[test]
    fn real_file_list_answer_joined_with_semicolons() {
        let imp = real();
        assert_eq!(
            card(&imp, 217).back,
            "When appeal process has passed; Appeal resolved against the deputy; \
             Deputy signs statement not to appeal or has withdrawn"
        );
        assert!(
            card(&imp, 208)
                .back
                .starts_with("A member selected by the County (retired judge or administrative law judge). Serves as the chairperson; A civilian")
        );
        // "Category 1 - Minor Damage" is not a list.
        assert_eq!(card(&imp, 293).front, "Category 1 - Minor Damage");
    }

    #[test]
    fn multi_line_question_and_answer() {
        let text = "Deck\n\n1\nQ\n\nWhich two\nforms are needed?\n\nA\n\nTransfer Request\nand a Detailed Report\n\nHow well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n2\nSteps?\n- File with Sergeant\n- Escalate to Bureau Commander\n3\nWrapped question\nthat ends here?\nFirst answer line\nsecond answer line\n";
        let imp = parse_flashcards(text).expect("parses");
        assert_eq!(imp.cards.len(), 3);
        assert_eq!(imp.cards[0].front, "Which two forms are needed?");
        assert_eq!(imp.cards[0].back, "Transfer Request and a Detailed Report");
        assert_eq!(
            imp.cards[1].back,
            "File with Sergeant; Escalate to Bureau Commander"
        );
        assert_eq!(imp.cards[2].front, "Wrapped question that ends here?");
        assert_eq!(imp.cards[2].back, "First answer line second answer line");
        assert_eq!(imp.title.as_deref(), Some("Deck"));
    }

    #[test]
    fn answer_equal_to_next_number() {
        // Card 29's answer is "30", and card 30 follows.
        let text = "29\nHow many?\n30\n30\nNext?\nYes\n";
        let imp = parse_flashcards(text).expect("parses");
        assert_eq!(imp.cards.len(), 2);
        assert_eq!(imp.cards[0].back, "30");
        assert_eq!(imp.cards[1].number, 30);
        assert_eq!(imp.cards[1].line, 4);
    }

    #[test]
    fn qa_answer_equal_to_next_number() {
        let text = "1\nQ\n\nHow many?\n\nA\n\n2\n\nHow well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n2\nQ\nNext?\nA\nYes\n";
        let imp = parse_flashcards(text).expect("parses");
        assert_eq!(imp.cards.len(), 2);
        assert_eq!(imp.cards[0].back, "2");
        assert_eq!((imp.cards[1].number, imp.cards[1].line), (2, 18));
        // An empty Q/A card followed by the next card stays an empty card.
        for text in [
            "1\nQ\nA\n2\nQ\nWhat?\nA\nThat.\n",
            "1\nQ\nA\n2\nWhat?\nThat.\n",
        ] {
            let imp = parse_flashcards(text).expect("parses");
            assert_eq!(imp.skipped.len(), 1);
            assert_eq!(imp.cards[0].number, 2);
        }
    }

    #[test]
    fn duplicates_need_same_question_and_answer() {
        let text = "1\nWhat is the max hours?\n16 hours\n2\nMax hours\n16 hours.\n3\nMax hours?\n12 hours\n4\nThe max hours;\n12 hours\n";
        let imp = parse_flashcards(text).expect("parses");
        let dups: Vec<(u32, u32)> = imp
            .duplicates
            .iter()
            .map(|d| (d.number, d.duplicate_of))
            .collect();
        assert_eq!(dups, vec![(2, 1), (4, 3)]);
        assert_eq!(imp.cards.len(), 2);
    }

    #[test]
    fn normalize_and_near_match() {
        assert_eq!(
            normalize("What is the Disciplinary range for Category-C?"),
            "disciplinary range for category c"
        );
        assert_eq!(normalize("A; b - c, d"), normalize("a b c d"));
        assert!(answers_match(
            "1st violation- 2 days loss of leave or loss of pay OR up to 4 days",
            "1st violation: 2 days loss of leave or pay OR up to 4 days"
        ));
        // Different numbers are different answers.
        assert!(!answers_match(
            "1st violation- 2 days loss of leave or pay OR up to 4 days",
            "1st violation- 2 days loss of leave or pay OR up to 5 days"
        ));
        assert!(!answers_match("True", "False"));
    }

    #[test]
    fn malformed_empty_and_blank() {
        assert_eq!(parse_flashcards(""), Err(ImportError::NoCards { line: 1 }));
        assert_eq!(
            parse_flashcards("\n\n  \n"),
            Err(ImportError::NoCards { line: 3 })
        );
    }

    #[test]
    fn malformed_no_numbers() {
        let err = parse_flashcards("Some Flashcards\n(3 cards)\nQ\nWhat?\nA\nThat.\n")
            .expect_err("no numbers");
        assert_eq!(err, ImportError::NoCards { line: 6 });
        assert_eq!(
            err.to_string(),
            "line 6: no numbered cards with a question and an answer found"
        );
        // Only empty items is no cards either.
        assert_eq!(
            parse_flashcards("1\nQ\nA\n2\n\n3\nTopic\nDetails\n"),
            Err(ImportError::NoCards { line: 8 })
        );
    }

    #[test]
    fn malformed_out_of_sequence() {
        let text = "1\nQ1?\nA1\n2\nQ2?\nA2\n5\nQ5?\nA5\n";
        let err = parse_flashcards(text).expect_err("jump");
        assert_eq!(
            err,
            ImportError::OutOfSequence {
                line: 7,
                expected: 3,
                found: 5
            }
        );
        assert_eq!(err.to_string(), "line 7: expected card 3, found 5");
        // Going backwards too.
        let err = parse_flashcards("4\nQ?\nA\n5\nQ?\nB\n4\nQ?\nC\n").expect_err("back");
        assert_eq!(err.to_string(), "line 7: expected card 6, found 4");
    }

    #[test]
    fn malformed_question_without_answer() {
        let err = parse_flashcards("1\nQ1?\nA1\n2\nOnly a question?\n3\nQ3?\nA3\n")
            .expect_err("no answer");
        assert_eq!(err, ImportError::MissingAnswer { line: 4, number: 2 });
        assert_eq!(
            err.to_string(),
            "line 4: card 2 has a question but no answer"
        );
        let err = parse_flashcards("1\nQ\n\nQuestion?\n\nA\n\n").expect_err("qa no answer");
        assert_eq!(err, ImportError::MissingAnswer { line: 1, number: 1 });
        let err = parse_flashcards("7\nQ\nA\nAnswer only\n").expect_err("no question");
        assert_eq!(err, ImportError::MissingQuestion { line: 1, number: 7 });
    }

    #[test]
    fn malformed_count_mismatch() {
        let err = parse_flashcards("Deck\n(3 cards)\n1\nQ?\nA\n2\nQ?\nB\n").expect_err("short");
        assert_eq!(
            err.to_string(),
            "line 2: the page declares 3 cards but 2 numbered cards were found"
        );
    }

    #[test]
    fn real_file_cut_short_is_an_error() {
        let text = real_text();
        let cut: String = text.lines().take(1294).collect::<Vec<_>>().join("\n");
        let err = parse_flashcards(&cut).expect_err("cut at a card boundary");
        assert!(matches!(
            err,
            ImportError::CountMismatch {
                line: 3,
                declared: 321,
                found: 320
            }
        ));
        let cut: String = text.lines().take(1295).collect::<Vec<_>>().join("\n");
        let err = parse_flashcards(&cut).expect_err("cut after a number");
        assert_eq!(
            err.to_string(),
            "line 1295: the text ends right after card number 321"
        );
        let cut: String = text.lines().take(1296).collect::<Vec<_>>().join("\n");
        let err = parse_flashcards(&cut).expect_err("cut mid card");
        assert_eq!(
            err,
            ImportError::MissingAnswer {
                line: 1295,
                number: 321
            }
        );
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}Title\r\n(2 cards)\r\n1\r\nQ?\r\nA\r\n2\r\nQ2?\r\nB\r\n";
        let imp = parse_flashcards(text).expect("parses");
        assert_eq!(imp.title.as_deref(), Some("Title"));
        assert_eq!(imp.cards.len(), 2);
        assert_eq!(imp.cards[1].back, "B");
    }

    #[test]
    fn tags_for_real_cards() {
        let imp = real();
        let tags = |n: u32| {
            let c = card(&imp, n);
            topic_tags(c.number, &c.front, &c.back)
        };
        assert_eq!(tags(2), vec!["personnel-records"]);
        assert_eq!(tags(3), vec!["pay", "demotion"]);
        assert_eq!(tags(13), vec!["leave"]);
        assert_eq!(tags(57), vec!["benefits", "training"]);
        assert_eq!(tags(119), vec!["promotion"]);
        assert_eq!(tags(131), vec!["pay", "promotion"]);
        assert_eq!(tags(137), vec!["evaluation"]);
        assert_eq!(tags(150), vec!["grievance"]);
        assert_eq!(tags(170), vec!["conduct", "complaint"]);
        assert_eq!(
            tags(193),
            vec!["discipline", "trial-board", "suspension", "demotion"]
        );
        assert_eq!(tags(226), vec!["discipline", "disciplinary-matrix"]);
        assert_eq!(tags(236), vec!["secondary-employment", "extra-employment"]);
        assert_eq!(tags(245), vec!["line-of-duty-death"]);
        assert_eq!(tags(252), vec!["hiring", "personnel-records"]);
        assert_eq!(tags(274), vec!["discipline", "disciplinary-matrix"]);
        assert_eq!(tags(318), vec!["discipline", "disciplinary-matrix"]);
        assert_eq!(tags(321), vec!["benefits", "line-of-duty-death"]);
    }

    #[test]
    fn tags_are_never_empty_and_well_formed() {
        let imp = real();
        for c in &imp.cards {
            let tags = topic_tags(c.number, &c.front, &c.back);
            assert!(!tags.is_empty(), "card {}", c.number);
            for t in &tags {
                assert!(TAGS.contains(&t.as_str()));
                assert!(t.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'));
            }
            assert_eq!(
                tags.contains(&"secondary-employment".to_string()),
                tags.contains(&"extra-employment".to_string())
            );
            if (226..=234).contains(&c.number) || (255..=318).contains(&c.number) {
                assert!(
                    tags.contains(&"disciplinary-matrix".to_string()),
                    "card {}",
                    c.number
                );
                assert!(
                    tags.contains(&"discipline".to_string()),
                    "card {}",
                    c.number
                );
            }
        }
        assert_eq!(topic_tags(9999, "", ""), vec!["personnel-records"]);
        assert_eq!(
            topic_tags(9999, "Can extra employment be worked on duty?", ""),
            vec!["secondary-employment", "extra-employment"]
        );
    }

    /// Small deterministic generator so the property tests need no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let pieces = [
            "",
            " ",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "0",
            "999999999",
            "4294967295",
            "Q",
            "A",
            "How well did you know this?",
            "Not at all",
            "Perfectly",
            "Topic",
            "Details",
            "(3 cards)",
            "- item - other",
            "- ",
            "•",
            "What?",
            "Answer.",
            "\u{feff}",
            "é?",
            "\r",
            "\t",
            "-",
            "?",
            "(0 cards)",
            "12 terms",
        ];
        let mut rng = Lcg(0x5eed);
        for round in 0..3000 {
            let mut text = String::new();
            let lines = rng.below(40);
            for _ in 0..lines {
                if round % 3 == 0 {
                    let bytes: Vec<u8> = (0..rng.below(12)).map(|_| rng.next() as u8).collect();
                    text.push_str(&String::from_utf8_lossy(&bytes));
                } else {
                    text.push_str(pieces[rng.below(pieces.len())]);
                }
                text.push(if rng.below(10) == 0 { '\r' } else { '\n' });
            }
            let result = parse_flashcards(&text);
            if let Ok(imp) = &result {
                assert!(
                    imp.cards
                        .iter()
                        .all(|c| !c.front.is_empty() && !c.back.is_empty())
                );
                for c in &imp.cards {
                    assert!(!topic_tags(c.number, &c.front, &c.back).is_empty());
                }
            }
            if let Err(e) = &result {
                assert!(e.to_string().starts_with("line "));
            }
        }
    }

    #[test]
    fn never_panics_on_any_prefix_of_the_real_file() {
        let text = real_text();
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        // ~37,000 parses: split across threads to keep the debug-build test quick.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
        let chunk = cuts.len().div_ceil(threads);
        let last_line = text.rfind('\n').map_or(0, |i| i + 1);
        let oks: usize = std::thread::scope(|s| {
            let handles: Vec<_> = cuts
                .chunks(chunk)
                .map(|part| {
                    let text = text.as_str();
                    s.spawn(move || {
                        part.iter()
                            .filter(|&&cut| {
                                let ok = parse_flashcards(&text[..cut]).is_ok();
                                assert!(!ok || cut > last_line, "cut at {cut} imports");
                                ok
                            })
                            .count()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no panic while parsing a prefix"))
                .sum()
        });
        // A cut copy is caught (declared count, missing answer, text ending after a
        // number) unless the cut falls inside the last answer, which has no end marker.
        assert_eq!(
            oks,
            text.len() - last_line - 1,
            "only cuts inside \"Chapter 4\""
        );
        assert!(parse_flashcards(&text).is_ok());
        assert!(parse_flashcards(text.trim_end()).is_ok());
    }
}

//! Text hygiene: neutralising terminal control sequences in untrusted text, and the
//! tolerant comparison used for typed answers and violation titles.

/// Removes ANSI/VT escape sequences and C0/C1 control characters (except newline and
/// tab, which become a space unless `keep_newlines`) so untrusted text can be drawn.
pub fn sanitize(input: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // ESC [ ... final byte (CSI), ESC ] ... BEL/ST (OSC), or ESC + one char.
                match chars.peek().copied() {
                    Some('[') => {
                        chars.next();
                        for n in chars.by_ref() {
                            if ('\u{40}'..='\u{7e}').contains(&n) {
                                break;
                            }
                        }
                    }
                    Some(']') | Some('P') | Some('_') | Some('^') => {
                        chars.next();
                        while let Some(n) = chars.next() {
                            if n == '\u{07}' {
                                break;
                            }
                            if n == '\u{1b}' {
                                if chars.peek() == Some(&'\\') {
                                    chars.next();
                                }
                                break;
                            }
                        }
                    }
                    Some(_) => {
                        chars.next();
                    }
                    None => {}
                }
            }
            '\n' if keep_newlines => out.push('\n'),
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() => {}
            // Bidi overrides and zero-width format characters can disguise text.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' => {}
            c => out.push(c),
        }
    }
    out
}

/// FNV-1a: a fast, non-cryptographic hasher for in-memory maps keyed by ids.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Builds [`Fnv`] hashers.
pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// Normalises text for tolerant comparison: lowercase, punctuation dropped, runs of
/// whitespace collapsed to one space, trimmed.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '/' {
            pending_space = true;
        }
        // Other punctuation is dropped without splitting the word ("don't" == "dont").
    }
    out
}

fn number_word(w: &str) -> Option<u64> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    UNITS
        .iter()
        .position(|u| *u == w)
        .map(|i| i as u64)
        .or_else(|| {
            TENS.iter()
                .position(|t| *t == w)
                .map(|i| (i as u64 + 2) * 10)
        })
}

/// The comparison key of a typed answer: [`normalize`]d, with numbers written as
/// words turned into digits ("ninety days" and "90 Days." compare equal).
pub fn answer_key(input: &str) -> String {
    let norm = normalize(input);
    let mut out: Vec<String> = Vec::new();
    let mut acc: Option<u64> = None;
    for w in norm.split(' ').filter(|w| !w.is_empty()) {
        if let Some(n) = number_word(w) {
            acc = Some(acc.unwrap_or(0) + n);
        } else if w == "hundred" && acc.is_some() {
            acc = acc.map(|a| a * 100);
        } else if w == "and" && acc.is_some() {
            // "one hundred and eighty"
        } else {
            if let Some(a) = acc.take() {
                out.push(a.to_string());
            }
            out.push(w.to_string());
        }
    }
    if let Some(a) = acc {
        out.push(a.to_string());
    }
    out.join(" ")
}

/// Levenshtein distance over chars, used to suggest the nearest titles.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A word-level diff of a typed answer against the expected one, for display:
/// each expected word paired with whether the typed answer had it.
pub fn word_diff(typed: &str, expected: &str) -> Vec<(String, bool)> {
    let typed_norm = answer_key(typed);
    let typed_words: Vec<&str> = typed_norm.split(' ').collect();
    expected
        .split_whitespace()
        .map(|w| {
            let n = answer_key(w);
            (
                w.to_string(),
                n.is_empty() || typed_words.contains(&n.as_str()),
            )
        })
        .collect()
}

/// Turns a 1-based line and column into a byte offset search helper: the line and
/// column (both 1-based) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = match before.iter().rposition(|b| *b == b'\n') {
        Some(nl) => offset - nl,
        None => offset + 1,
    };
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_csi_osc_and_controls() {
        let evil = "Hi\u{1b}[2J\u{1b}]0;pwned\u{07}there\u{7}\u{9b}x\r\n";
        assert_eq!(sanitize(evil, false), "Hitherex  ");
        assert_eq!(sanitize("a\nb", true), "a\nb");
        assert_eq!(sanitize("a\u{202e}b", false), "ab");
        assert_eq!(sanitize("\u{1b}", false), "");
    }

    #[test]
    fn normalize_ignores_case_punctuation_and_spaces() {
        assert_eq!(normalize("  Failed   to Appear! "), "failed to appear");
        assert_eq!(normalize("Tardiness."), normalize("tardiness"));
        assert_eq!(normalize("Loss-of-pay"), "loss of pay");
    }

    #[test]
    fn typed_answers_accept_number_words() {
        assert_eq!(answer_key("Ninety days."), "90 days");
        assert_eq!(
            answer_key("one hundred and eighty (180) days"),
            "180 180 days"
        );
        assert_eq!(answer_key("twenty-five"), "25");
        assert_eq!(answer_key("one year"), answer_key("1 Year"));
        assert_ne!(answer_key("two years"), answer_key("3 years"));
        assert!(
            word_diff("ninety days", "90 days")
                .iter()
                .all(|(_, ok)| *ok)
        );
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("tardyness", "tardiness"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn word_diff_marks_missing_words() {
        let d = word_diff("ninety", "90 days");
        assert_eq!(d, vec![("90".into(), true), ("days".into(), false)]);
        let d = word_diff("sixty", "90 days");
        assert_eq!(d, vec![("90".into(), false), ("days".into(), false)]);
        let d = word_diff("90 Days", "90 days.");
        assert!(d.iter().all(|(_, ok)| *ok));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}

//! Deck model and loading: JSON decks (one per file), validated with positions, and
//! the bundled decks embedded in the binary.
use crate::core::compact::LoadedDeck;
use crate::core::error::{Diagnostic, LoadError, Reporter, from_serde};
use serde::{Deserialize, Serialize};

/// The kinds of card a deck may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardKind {
    /// Front, reveal back, rate.
    #[default]
    Basic,
    /// Answer with `t`/`f`.
    TrueFalse,
    /// Pick one of `options` with `a`–`e`.
    MultipleChoice,
    /// Type the answer; compared tolerantly with `back`.
    Typed,
    /// `{{c1::...}}` deletions in `front`; each becomes its own item.
    Cloze,
}

/// One card as written in a deck file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Stable id, unique in the deck; progress is keyed by it.
    pub id: String,
    /// The prompt.
    pub front: String,
    /// The answer.
    #[serde(default)]
    pub back: String,
    /// Card kind (default basic).
    #[serde(default)]
    pub kind: CardKind,
    /// Choices of a multiple-choice card.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Explanation shown after the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    /// Topic tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Section or card number the answer stands on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A deck: one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deck {
    /// Unique deck id.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Manual name and edition.
    pub source: String,
    /// Deck-wide tags (apply to every card).
    #[serde(default)]
    pub tags: Vec<String>,
    /// How the deck was built, caveats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The cards.
    pub cards: Vec<Card>,
}

/// The decks compiled into the binary: (file name, contents).
pub const BUNDLED: &[(&str, &str)] = crate::core::bundled::DECKS;

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
        })
}

/// The cloze numbers (`c1`, `c2`, …) used in `text`, sorted and unique.
pub fn cloze_numbers(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{c") {
        rest = &rest[i + 3..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if rest[digits.len()..].starts_with("::")
            && let Ok(n) = digits.parse::<u8>()
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    out.sort_unstable();
    out
}

/// Renders cloze `text` for item `n`: that deletion hidden (or shown when `reveal`),
/// the others shown plainly.
pub fn render_cloze(text: &str, n: u8, reveal: bool) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{c") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let body_start = digits.len() + 2;
        match (after[digits.len()..].starts_with("::"), after.find("}}")) {
            (true, Some(end)) if end >= body_start => {
                let body = &after[body_start..end];
                let (answer, hint) = match body.split_once("::") {
                    Some((a, h)) => (a, Some(h)),
                    None => (body, None),
                };
                if digits.parse::<u8>().ok() == Some(n) {
                    if reveal {
                        out.push_str(&format!("[{answer}]"));
                    } else {
                        out.push_str(&format!("[{}]", hint.unwrap_or("...")));
                    }
                } else {
                    out.push_str(answer);
                }
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("{{c");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Deck {
    /// Parses and validates a deck from `text`; `file` names it in errors.
    /// `require_source` demands a `source` on every card (bundled decks).
    pub fn parse(file: &str, text: &str, require_source: bool) -> Result<Deck, LoadError> {
        let deck: Deck =
            serde_json::from_str(text).map_err(|e| LoadError(vec![from_serde(file, &e)]))?;
        let mut r = Reporter::new(file, text);
        deck.validate(&mut r, require_source);
        r.finish().map(|()| deck)
    }

    fn validate(&self, r: &mut Reporter<'_>, require_source: bool) {
        validate_view(
            r,
            require_source,
            [&self.id, &self.title, &self.source],
            self.cards.len(),
            |i| {
                let c = &self.cards[i];
                CardView {
                    id: &c.id,
                    front: &c.front,
                    back: &c.back,
                    kind: c.kind,
                    extra: c.extra.as_deref(),
                    source: c.source.as_deref(),
                    options: c.options.iter().map(String::as_str).collect(),
                }
            },
        );
    }
}

/// A borrowed view of one card, whatever the storage.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Prompt.
    pub front: &'a str,
    /// Answer.
    pub back: &'a str,
    /// Kind.
    pub kind: CardKind,
    /// Explanation.
    pub extra: Option<&'a str>,
    /// Section cited.
    pub source: Option<&'a str>,
    /// Multiple-choice options.
    pub options: Vec<&'a str>,
}

/// The deck rules, shared by every storage: `header` is [id, title, source].
pub fn validate_view<'a>(
    r: &mut Reporter<'_>,
    require_source: bool,
    header: [&str; 3],
    n: usize,
    card: impl Fn(usize) -> CardView<'a>,
) {
    let [id, title, source] = header;
    if !valid_id(id) {
        r.error(
            "id",
            "deck id must be lowercase letters, digits, '-', '_' or '.' (1–80 chars)",
        );
    }
    if title.trim().is_empty() {
        r.error("title", "title is empty");
    }
    if source.trim().is_empty() {
        r.error("source", "source (manual and edition) is empty");
    }
    if n == 0 {
        r.error("cards", "a deck needs at least one card");
    }
    // Duplicate ids: sort (hash, index) pairs instead of a map of 50,000 strings.
    let mut hashes: Vec<(u64, u32)> = Vec::with_capacity(n);
    for i in 0..n {
        let c = card(i);
        let p = |f: &str| format!("cards[{i}].{f}");
        if !valid_id(c.id) {
            r.error(
                &p("id"),
                "card id must be lowercase letters, digits, '-', '_' or '.'",
            );
        } else {
            hashes.push((crate::core::study::key_hash(c.id, ""), i as u32));
        }

        if c.front.trim().is_empty() {
            r.error(&p("front"), "front is empty");
        }
        if require_source && c.source.is_none_or(|s| s.trim().is_empty()) {
            r.error(
                &p("source"),
                "bundled cards must cite their section in `source`",
            );
        }
        match c.kind {
            CardKind::Cloze if cloze_numbers(c.front).is_empty() => {
                r.error(&p("front"), "cloze card has no {{c1::...}} deletion");
            }
            CardKind::Cloze => {}
            _ if c.back.trim().is_empty() => r.error(&p("back"), "back is empty"),
            CardKind::TrueFalse if c.back != "True" && c.back != "False" => r.error(
                &p("back"),
                "true-false card: back must be \"True\" or \"False\"",
            ),
            CardKind::MultipleChoice => {
                if !(2..=5).contains(&c.options.len()) {
                    r.error(
                        &p("options"),
                        format!(
                            "multiple-choice card needs 2–5 options, has {}",
                            c.options.len()
                        ),
                    );
                } else if !c.options.contains(&c.back) {
                    r.error(
                        &p("back"),
                        "multiple-choice back must equal one of the options exactly",
                    );
                }
            }
            _ => {}
        }
        if c.kind != CardKind::MultipleChoice && !c.options.is_empty() {
            r.error(&p("options"), "options are only for multiple-choice cards");
        }
    }
    hashes.sort_unstable();
    let mut k = 0;
    while k < hashes.len() {
        let end = k + hashes[k..]
            .iter()
            .take_while(|h| h.0 == hashes[k].0)
            .count();
        // Within a run of equal hashes, sorted by index, the first equal id is the original.
        for j in k + 1..end {
            let id = card(hashes[j].1 as usize).id;
            if let Some(m) = (k..j).find(|m| card(hashes[*m].1 as usize).id == id) {
                r.error(
                    &format!("cards[{}].id", hashes[j].1),
                    format!(
                        "duplicate card id {id:?} (first used by cards[{}])",
                        hashes[m].1
                    ),
                );
            }
        }
        k = end;
    }
}

/// Where a loaded deck came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Bundled,
    /// A file on disk.
    File(String),
}

/// All decks available to a session, with the problems met while loading.
#[derive(Debug, Default)]
pub struct Library {
    /// Decks in load order (bundled first), unique by id.
    pub decks: Vec<(LoadedDeck, Origin)>,
    /// Files that failed to load (shown on the home screen, never fatal).
    pub problems: Vec<LoadError>,
}

impl Library {
    /// Loads the bundled decks plus every `*.json` deck in `dirs` (missing dirs are fine).
    /// A later deck with an id already loaded is reported and skipped.
    pub fn load(dirs: &[std::path::PathBuf]) -> Library {
        Self::load_with_cache(dirs, None)
    }

    /// As [`Library::load`], keeping compiled copies of deck files in `cache_dir`
    /// so unchanged decks skip JSON parsing on the next launch.
    pub fn load_with_cache(
        dirs: &[std::path::PathBuf],
        cache_dir: Option<&std::path::Path>,
    ) -> Library {
        let mut lib = Library::default();
        for (name, text) in BUNDLED {
            match LoadedDeck::parse(
                &format!("bundled:{name}"),
                std::borrow::Cow::Borrowed(text),
                true,
            ) {
                Ok(d) => lib.add(d, Origin::Bundled),
                Err(e) => lib.problems.push(e),
            }
        }
        for dir in dirs {
            for p in crate::core::store::json_files(dir) {
                let loaded = match cache_dir {
                    Some(c) => LoadedDeck::load_cached(&p, c),
                    None => LoadedDeck::load(&p, false),
                };
                match loaded {
                    Ok(d) => lib.add(d, Origin::File(p.display().to_string())),
                    Err(e) => lib.problems.push(e),
                }
            }
        }
        lib
    }

    fn add(&mut self, deck: LoadedDeck, origin: Origin) {
        if self.decks.iter().any(|(d, _)| d.id == deck.id) {
            let file = match &origin {
                Origin::File(f) => f.clone(),
                Origin::Bundled => "bundled".into(),
            };
            self.problems.push(LoadError(vec![Diagnostic {
                file,
                line: 0,
                col: 0,
                path: "id".into(),
                message: format!(
                    "deck id {:?} is already loaded; this file was skipped",
                    deck.id
                ),
            }]));
            return;
        }
        self.decks.push((deck, origin));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id":"t","title":"T","source":"S","cards":[
  {"id":"a","front":"Q","back":"A","source":"§1"},
  {"id":"b","front":"Q2","back":"True","kind":"true-false","source":"§2"}
]}"#;

    #[test]
    fn parses_good_deck() {
        let d = Deck::parse("t.json", GOOD, true).expect("valid");
        assert_eq!(d.cards.len(), 2);
        assert_eq!(d.cards[1].kind, CardKind::TrueFalse);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = Deck::parse("x.json", "{\n  \"id\": \"t\",\n  oops\n}", false).expect_err("bad");
        let d = &e.0[0];
        assert_eq!((d.file.as_str(), d.line, d.col), ("x.json", 3, 3));
    }

    #[test]
    fn validation_errors_name_field_and_position() {
        let text = "{\"id\":\"t\",\"title\":\"T\",\"source\":\"S\",\"cards\":[\n {\"id\":\"a\",\"front\":\"Q\",\"back\":\"A\"},\n {\"id\":\"a\",\"front\":\"\",\"back\":\"Maybe\",\"kind\":\"true-false\"}\n]}";
        let e = Deck::parse("v.json", text, true).expect_err("invalid");
        let msgs: Vec<String> = e.0.iter().map(|d| d.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("v.json:3:8: cards[1].id: duplicate card id")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("cards[1].front: front is empty"))
        );
        assert!(msgs.iter().any(|m| m.contains("cards[1].back: true-false")));
        assert!(msgs.iter().any(|m| m.contains("cards[0].source")));
    }

    #[test]
    fn multiple_choice_rules() {
        let text = r#"{"id":"t","title":"T","source":"S","cards":[{"id":"a","front":"Q","back":"z","kind":"multiple-choice","options":["x","y"]}]}"#;
        let e = Deck::parse("m.json", text, false).expect_err("invalid");
        assert!(
            e.to_string()
                .contains("cards[0].back: multiple-choice back must equal")
        );
    }

    #[test]
    fn unknown_field_is_reported() {
        let text =
            r#"{"id":"t","title":"T","source":"S","cards":[{"id":"a","front":"Q","bakc":"z"}]}"#;
        let e = Deck::parse("u.json", text, false).expect_err("invalid");
        assert!(e.to_string().contains("unknown field `bakc`"), "{e}");
    }

    #[test]
    fn cloze_helpers() {
        let t = "Category {{c1::A}} lasts {{c2::one year::how long}}.";
        assert_eq!(cloze_numbers(t), vec![1, 2]);
        assert_eq!(render_cloze(t, 2, false), "Category A lasts [how long].");
        assert_eq!(render_cloze(t, 2, true), "Category A lasts [one year].");
        assert_eq!(render_cloze("{{c1::x", 1, false), "{{c1::x");
    }

    #[test]
    fn bundled_decks_load_with_sources() {
        let lib = Library::load(&[]);
        assert!(lib.problems.is_empty(), "{:?}", lib.problems);
        assert!(lib.decks.len() >= 2);
    }
}

//! `muster check` and `muster import`: validate content files (decks, policies,
//! scenarios, case files) and convert flashcard text into a deck.
use crate::cli::ImportKind;
use crate::core::compact::LoadedDeck;
use crate::core::deck::{Card, CardKind, Deck};
use crate::core::error::LoadError;
use crate::core::policy::Policy;
use crate::core::scenario::{self, Loaded};
use crate::core::worksheet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What kind of content file a JSON text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Has `cards`.
    Deck,
    /// Has `model` and `categories`.
    Policy,
    /// Has `narrative`.
    Scenario,
    /// Has `policy` and `current`.
    Case,
}

/// Classifies a content file by its top-level keys (None when not an object).
pub fn classify(text: &str) -> Option<Kind> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let o = v.as_object()?;
    Some(if o.contains_key("cards") {
        Kind::Deck
    } else if o.contains_key("model") && o.contains_key("categories") {
        Kind::Policy
    } else if o.contains_key("narrative") {
        Scenario
    } else {
        Kind::Case
    })
}
use Kind::Scenario;

/// Validates one file's text; returns a one-line summary.
pub fn check_text(name: &str, text: &str, bundled: bool) -> Result<String, LoadError> {
    match classify(text) {
        None => {
            // Let the deck parser report the syntax error with its position.
            LoadedDeck::parse(name, text.to_string().into(), bundled).map(|_| String::new())
        }
        Some(Kind::Deck) => LoadedDeck::parse(name, text.to_string().into(), bundled)
            .map(|d| format!("deck {} ({} cards)", d.id, d.len())),
        Some(Kind::Policy) => Policy::parse(name, text)
            .map(|p| format!("policy {} ({} violations)", p.id, p.violations.len())),
        Some(Kind::Scenario) => {
            Loaded::parse(name, text).map(|l| format!("scenario {}", l.scenario.id))
        }
        Some(Kind::Case) => worksheet::run(name, text).map(|w| {
            format!(
                "case ({} violation(s), highest {})",
                w.violations.len(),
                w.highest
            )
        }),
    }
}

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        v.sort();
        for c in v {
            if c.is_dir() || c.extension().is_some_and(|x| x == "json") {
                walk(&c, out);
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
}

/// Runs `muster check`.
pub fn run(paths: &[PathBuf]) -> ExitCode {
    let mut files: Vec<(String, Result<String, std::io::Error>, bool)> = Vec::new();
    if paths.is_empty() {
        for (n, t) in crate::core::bundled::DECKS {
            files.push((format!("bundled:decks/{n}"), Ok(t.to_string()), true));
        }
        for (n, t) in crate::core::bundled::POLICIES {
            files.push((format!("bundled:scenarios/{n}"), Ok(t.to_string()), true));
        }
        for (n, t) in scenario::bundled() {
            files.push((format!("bundled:scenarios/{n}"), Ok(t.to_string()), true));
        }
    } else {
        let mut all = Vec::new();
        for p in paths {
            if !p.exists() {
                eprintln!("{}: no such file or folder", p.display());
                return ExitCode::from(2);
            }
            walk(p, &mut all);
        }
        for p in all {
            files.push((p.display().to_string(), std::fs::read_to_string(&p), false));
        }
    }
    let mut failed = 0;
    for (name, text, bundled) in &files {
        let res = match text {
            Ok(t) => check_text(name, t, *bundled),
            Err(e) => Err(worksheet::io_error(name, e)),
        };
        match res {
            Ok(summary) => println!("ok    {name}: {summary}"),
            Err(e) => {
                failed += 1;
                for d in &e.0 {
                    eprintln!("{d}");
                }
            }
        }
    }
    println!("{} file(s) checked, {failed} with errors", files.len());
    if failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Builds a deck from a flashcard import.
pub fn deck_from_import(
    imp: &crate::core::import::FlashcardImport,
    id: &str,
    title: &str,
    source: &str,
) -> Deck {
    let cards = imp
        .cards
        .iter()
        .map(|c| Card {
            id: format!("{id}-{:03}", c.number),
            front: c.front.clone(),
            back: c.back.clone(),
            kind: if c.back == "True" || c.back == "False" {
                CardKind::TrueFalse
            } else {
                CardKind::Basic
            },
            options: Vec::new(),
            extra: None,
            tags: crate::core::import::topic_tags(c.number, &c.front, &c.back),
            source: Some(format!("card {}", c.number)),
        })
        .collect();
    let mut notes = format!(
        "Built by `muster import flashcards` from the {}-card flashcard page text; {} cards imported.",
        imp.declared_count
            .map(|n| n.to_string())
            .unwrap_or_else(|| "?".into()),
        imp.cards.len()
    );
    for s in &imp.skipped {
        notes.push_str(&format!(" Skipped card {}: {}.", s.number, s.reason));
    }
    for d in &imp.duplicates {
        notes.push_str(&format!(
            " Card {} repeats card {} and was dropped.",
            d.number, d.duplicate_of
        ));
    }
    Deck {
        id: id.to_string(),
        title: title.to_string(),
        source: source.to_string(),
        tags: Vec::new(),
        notes: Some(notes),
        cards,
    }
}

/// Runs `muster import`.
pub fn import(what: &ImportKind) -> ExitCode {
    match what {
        ImportKind::Flashcards {
            file,
            out,
            id,
            title,
            source,
        } => {
            let name = file.display().to_string();
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{name}: cannot read: {e}");
                    return ExitCode::from(2);
                }
            };
            let imp = match crate::core::import::parse_flashcards(&text) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    return ExitCode::from(2);
                }
            };
            let deck = deck_from_import(&imp, id, title, source);
            let json = match serde_json::to_string_pretty(&deck) {
                Ok(j) => j + "\n",
                Err(e) => {
                    eprintln!("cannot encode deck: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Err(e) = Deck::parse(&out.display().to_string(), &json, true) {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
            if let Err(e) = crate::core::store::write_atomic(out, json.as_bytes()) {
                eprintln!("{}: cannot write: {e}", out.display());
                return ExitCode::from(2);
            }
            println!(
                "imported {} cards into {} ({})",
                deck.cards.len(),
                out.display(),
                deck.id
            );
            for s in &imp.skipped {
                println!("skipped card {} (line {}): {}", s.number, s.line, s.reason);
            }
            for d in &imp.duplicates {
                println!(
                    "duplicate: card {} repeats card {}: {}",
                    d.number, d.duplicate_of, d.front
                );
            }
            ExitCode::SUCCESS
        }
    }
}

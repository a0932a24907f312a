//! Headless commands through the real binary: `check`, `import flashcards`, `--help`,
//! and the decks README table against the bundled decks.
use std::process::Command;

fn muster(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_passes_on_bundled_content() {
    let (code, out, err) = muster(&["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 with errors"), "{out}");
    let dir = env!("CARGO_MANIFEST_DIR");
    let (code, out, err) = muster(&[
        "check",
        &format!("{dir}/decks"),
        &format!("{dir}/scenarios"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("scenario apd-01-tardy-repeat"));
}

#[test]
fn check_reports_file_line_column_and_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"id\":\"d\",\"title\":\"T\",\"source\":\"S\",\"cards\":[\n  {\"id\":\"a\",\"front\":\"Q\",\"back\":\"A\"},\n  {\"id\":\"a\",\"front\":\"Q\",\"back\":\"A\"}\n]}").expect("write");
    let syntax = dir.path().join("syntax.json");
    std::fs::write(&syntax, "{\"id\": \"d\",\n \"cards\": [,]}").expect("write");
    let (code, _, err) = muster(&["check", dir.path().to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.json:3:9: cards[1].id: duplicate card id"),
        "{err}"
    );
    assert!(err.contains("syntax.json:2:12: expected value"), "{err}");
    let (code, _, err) = muster(&["check", "/nonexistent/x.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file"));
}

#[test]
fn import_flashcards_builds_the_ccso_deck() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("ccso.json");
    let src = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/manuals/ccso-manual-chapter-4-flashcards-2025.txt"
    );
    let (code, stdout, err) = muster(&[
        "import",
        "flashcards",
        src,
        "--out",
        out.to_str().expect("utf8"),
        "--id",
        "ccso-ch4",
        "--title",
        "CCSO Manual Chapter 4 — Personnel Administration (2025)",
        "--source",
        "Calvert County Sheriff's Office Manual, Chapter 4 (Personnel Administration), 2025 flashcard set (321 cards)",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("imported 305 cards"));
    assert!(stdout.contains("duplicate: card 295 repeats card 274"));
    // The bundled deck is exactly what the importer makes.
    let made = std::fs::read_to_string(&out).expect("deck");
    let bundled = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/decks/ccso-chapter-4.json"
    ))
    .expect("bundled");
    assert_eq!(
        made, bundled,
        "decks/ccso-chapter-4.json is stale: rebuild it with the command in decks/README.md"
    );
}

#[test]
fn import_rejects_malformed_text_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("bad.txt");
    std::fs::write(&src, "Title\n1\nQ\nFirst?\nA\nYes\n5\nQ\nJumped?\nA\nNo\n").expect("write");
    let out = dir.path().join("out.json");
    let (code, _, err) = muster(&[
        "import",
        "flashcards",
        src.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--id",
        "x",
        "--title",
        "X",
        "--source",
        "S",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("line 7"), "{err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn help_lists_the_commands() {
    let (code, out, _) = muster(&["--help"]);
    assert_eq!(code, 0);
    for c in [
        "study",
        "check",
        "worksheet",
        "import",
        "--profile",
        "--data-dir",
    ] {
        assert!(out.contains(c), "{c} in help");
    }
}

#[test]
fn decks_readme_table_matches_bundled_decks() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/decks/README.md"))
        .expect("readme");
    let mut rows = 0;
    for line in readme
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains(".json`"))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let file = cells[1].trim_matches('`');
        let id = cells[2].trim_matches('`');
        let count: usize = cells[3].parse().expect("count");
        let text = std::fs::read_to_string(format!("{}/decks/{file}", env!("CARGO_MANIFEST_DIR")))
            .expect("deck file");
        let deck = muster::core::deck::Deck::parse(file, &text, true).expect("valid deck");
        assert_eq!((deck.id.as_str(), deck.cards.len()), (id, count), "{file}");
        assert!(
            deck.cards
                .iter()
                .all(|c| c.source.as_deref().is_some_and(|s| !s.trim().is_empty()))
        );
        rows += 1;
    }
    assert_eq!(
        rows,
        muster::core::deck::BUNDLED.len(),
        "every bundled deck is in the table"
    );
}

#[test]
fn bundled_card_ids_unique_across_decks_and_no_empty_cards() {
    let mut ids = std::collections::HashSet::new();
    for (name, text) in muster::core::deck::BUNDLED {
        let d = muster::core::deck::Deck::parse(name, text, true).expect("valid");
        assert!(ids.insert(d.id.clone()), "deck id {} unique", d.id);
        for c in &d.cards {
            assert!(
                !c.front.trim().is_empty()
                    && (!c.back.trim().is_empty() || c.kind == muster::core::deck::CardKind::Cloze),
                "{}:{}",
                d.id,
                c.id
            );
        }
        assert!(d.cards.len() >= 12, "{} has at least 12 cards", d.id);
    }
}

#[test]
fn check_rejects_bad_scenarios_and_policies_with_field_paths() {
    let dir = tempfile::tempdir().expect("tmp");
    let scen = dir.path().join("s.json");
    std::fs::write(&scen, "{\"id\":\"s\",\"title\":\"T\",\"policy\":\"apd-sop-2020\",\"narrative\":\"n\",\n \"current\":[{\"violation\":\"Tardiness\",\"occurred\":\"2026-03-02\"}],\n \"asks\":[\"base\"],\"expected\":{\"violations\":[{\"adjusted\":\"C\"}]}}").expect("w");
    let pol = dir.path().join("p.json");
    std::fs::write(&pol, "{\"id\":\"x\",\"title\":\"x\",\"source\":\"x\",\"model\":\"matrix\",\n\"categories\":[{\"id\":\"A\",\"description\":\"d\",\"cite\":\"c\",\"levels\":[],\"next\":\"Q\"}],\"violations\":[]}").expect("w");
    let (code, _, err) = muster(&["check", dir.path().to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains("s.json:3:56: expected.violations[0].adjusted: author expects \"C\" but the engine gives \"A\""), "{err}");
    assert!(
        err.contains("p.json:2:")
            && err.contains("categories[0].levels")
            && err.contains("categories[0].next: unknown category \"Q\""),
        "{err}"
    );
}

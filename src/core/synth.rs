//! Synthetic collections for benchmarks and scale tests: a deck of `n` cards and a
//! review log in which a third of the cards are new, a third due and a third not yet
//! due, each answered card with a short review history. Deterministic for a seed.
use crate::core::review_log::Entry;
use crate::core::scheduler::{DAY, MINUTE};
use rand::{Rng, SeedableRng, rngs::StdRng};

/// Deck JSON with `n` cards.
pub fn deck_json(id: &str, n: usize) -> String {
    let mut s = String::with_capacity(n * 150 + 200);
    s.push_str(&format!(
        "{{\"id\":\"{id}\",\"title\":\"Synthetic {n}\",\"source\":\"Generated for benchmarks\",\"cards\":[\n"
    ));
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "{{\"id\":\"c{i}\",\"front\":\"Under section {}, what applies to item {i}?\",\"back\":\"Rule {i} of section {}.\",\"source\":\"§{}\"}}",
            i % 97,
            i % 97,
            i % 97
        ));
    }
    s.push_str("\n]}\n");
    s
}

/// Review log lines (JSONL) for the deck: cards `i % 3 == 1` due by `now`, `i % 3 == 2`
/// due after `now`, the rest new.
pub fn log_jsonl(id: &str, n: usize, now: i64, seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = String::with_capacity(n * 60);
    for i in 0..n {
        let (start, ratings): (i64, &[u8]) = match i % 3 {
            1 => (now - DAY * rng.random_range(40..60), &[3, 3, 3]),
            2 => (now - DAY, &[3, 3, 4]),
            _ => continue,
        };
        for (k, r) in ratings.iter().enumerate() {
            let t = start + k as i64 * 11 * MINUTE;
            let e = Entry {
                t,
                deck: id.into(),
                card: format!("c{i}"),
                op: crate::core::review_log::Op::Review,
                r: *r,
                ms: 4000,
                of: None,
            };
            if let Ok(line) = serde_json::to_string(&e) {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// Writes a data folder (`decks/`, `profiles/default/reviews.jsonl`) for `n` cards.
pub fn write_data_dir(dir: &std::path::Path, n: usize, now: i64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("decks"))?;
    std::fs::create_dir_all(dir.join("profiles/default"))?;
    std::fs::write(dir.join("decks/synth.json"), deck_json("synth", n))?;
    std::fs::write(
        dir.join("profiles/default/reviews.jsonl"),
        log_jsonl("synth", n, now, 7),
    )
}

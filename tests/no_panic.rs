//! Bad input never panics: every parser is fed truncations and random corruptions of
//! real files (a small deterministic generator, no extra crates) and must return
//! Ok or an error.
use muster::core::compact::LoadedDeck;
use muster::core::policy::Policy;
use muster::core::scenario::Loaded;
use muster::core::worksheet;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Truncations at many points plus random byte edits, as (label, text) pairs.
fn mutations(text: &str, seed: u64, n: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let step = (bytes.len() / 60).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        out.push(String::from_utf8_lossy(&bytes[..cut]).into_owned());
    }
    let specials: &[u8] = b"{}[]\",:\\0123456789-eE. \n\x1b";
    for _ in 0..n {
        let mut b = bytes.to_vec();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(b.len());
            match rng.below(3) {
                0 => b[i] = specials[rng.below(specials.len())],
                1 => {
                    b.remove(i);
                }
                _ => b.insert(i, specials[rng.below(specials.len())]),
            }
        }
        out.push(String::from_utf8_lossy(&b).into_owned());
    }
    out
}

fn file(rel: &str) -> String {
    std::fs::read_to_string(format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))).expect("file")
}

#[test]
fn deck_parser_never_panics() {
    let text = file("decks/last-chance-agreements.json");
    for m in mutations(&text, 1, 400) {
        let _ = LoadedDeck::parse("m.json", m.into(), true);
    }
}

#[test]
fn policy_parser_never_panics() {
    let text = file("scenarios/policies/md-uniform-matrix.json");
    for m in mutations(&text, 2, 300) {
        let _ = Policy::parse("m.json", &m);
    }
}

#[test]
fn case_and_scenario_parsers_never_panic() {
    for (i, rel) in [
        "scenarios/apd/apd-16-both-raises.json",
        "scenarios/md/md-09-third-b-moves-to-c.json",
        "scenarios/topics/topics-05-last-chance-agreement.json",
    ]
    .iter()
    .enumerate()
    {
        let text = file(rel);
        for m in mutations(&text, 10 + i as u64, 300) {
            let _ = worksheet::run("m.json", &m);
            let _ = Loaded::parse("m.json", &m);
        }
    }
}

#[test]
fn review_log_scan_never_panics() {
    let line = "{\"t\":1790000000000,\"deck\":\"apd-sop-2020\",\"card\":\"apd-0001\",\"r\":3,\"ms\":4000}\n".repeat(5);
    for m in mutations(&line, 7, 500) {
        let _ = muster::core::review_log::parse(&m);
    }
}

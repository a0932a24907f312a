//! Progress survives: the state cache equals a full log replay (with a tail appended
//! after it, and with an undo that reaches behind it), and a failed write never loses
//! an answer silently.
use muster::app::run::{load, perform, save_cache};
use muster::app::{Action, Mode, update};
use muster::cli::Cli;
use muster::core::review_log::ReviewLog;
use muster::core::scheduler::{CardState, Rating};
use std::io::Write;
use std::path::Path;

const NOW: i64 = 1_790_000_000_000;

fn cli(data: &std::path::Path) -> Cli {
    Cli::for_data_dir(data)
}

/// Answers `n` cards in a fresh session at time `t`, saving as the app does.
fn study(data: &Path, n: usize, t: i64, rating: Rating, cache: bool) {
    let l = load(&cli(data), t).expect("load");
    let (mut state, mut log, profile) = (l.state, l.log, l.profile);
    update(&mut state, Action::StudyAll);
    for _ in 0..n {
        if state.mode() == Mode::Summary {
            break;
        }
        update(&mut state, Action::Reveal);
        let eff = update(&mut state, Action::Rate(rating));
        perform(&mut state, &mut log, &profile, eff);
        state.now += 1000;
    }
    if cache {
        save_cache(&state, &log, &profile);
    }
}

fn states(data: &Path, t: i64) -> Vec<CardState> {
    load(&cli(data), t).expect("load").state.col.states
}

fn full_replay(data: &Path, t: i64) -> Vec<CardState> {
    let cache = data.join("profiles/default/state.cache");
    let saved = std::fs::read(&cache).ok();
    let _ = std::fs::remove_file(&cache);
    let s = states(data, t);
    if let Some(b) = saved {
        std::fs::write(&cache, b).expect("restore cache");
    }
    s
}

#[test]
fn cache_plus_tail_equals_full_replay() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path();
    study(data, 5, NOW, Rating::Good, true);
    assert!(data.join("profiles/default/state.cache").exists());
    // A later session that crashes (no cache written): its answers are the tail.
    study(data, 3, NOW + 3_600_000, Rating::Again, false);
    let later = NOW + 2 * 3_600_000;
    let with_cache = states(data, later);
    assert_eq!(with_cache, full_replay(data, later));
    // The 5 learning cards were due again an hour later and were answered again.
    assert_eq!(with_cache.iter().filter(|s| !s.is_new()).count(), 5);
    assert_eq!(with_cache.iter().map(|s| u32::from(s.reps)).sum::<u32>(), 8);
    let log = std::fs::read_to_string(data.join("profiles/default/reviews.jsonl")).expect("log");
    assert_eq!(log.lines().count(), 8);
}

#[test]
fn undo_behind_the_cache_falls_back_to_full_replay() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path();
    study(data, 2, NOW, Rating::Easy, true);
    let log_path = data.join("profiles/default/reviews.jsonl");
    let first = std::fs::read_to_string(&log_path)
        .expect("log")
        .lines()
        .next()
        .expect("line")
        .to_string();
    let e: serde_json::Value = serde_json::from_str(&first).expect("json");
    let undo = serde_json::json!({"t": NOW + 10_000, "deck": e["deck"], "card": e["card"], "op": "undo", "of": e["t"]});
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&log_path)
        .expect("open");
    writeln!(f, "{undo}").expect("append");
    drop(f);
    let got = states(data, NOW + 20_000);
    assert_eq!(
        got.iter().filter(|s| !s.is_new()).count(),
        1,
        "the undone answer is gone"
    );
    assert_eq!(got, full_replay(data, NOW + 20_000));
}

#[test]
fn a_stale_or_foreign_cache_is_ignored() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path();
    study(data, 3, NOW, Rating::Good, true);
    let cache = data.join("profiles/default/state.cache");
    // The log is replaced by a different, shorter history: the cache must not apply.
    let log_path = data.join("profiles/default/reviews.jsonl");
    let text = std::fs::read_to_string(&log_path).expect("log");
    std::fs::write(
        &log_path,
        text.lines()
            .next()
            .map(|l| format!("{l}\n"))
            .unwrap_or_default(),
    )
    .expect("w");
    assert_eq!(
        states(data, NOW + 60_000)
            .iter()
            .filter(|s| !s.is_new())
            .count(),
        1
    );
    // Garbage in the cache file is ignored too.
    std::fs::write(&cache, b"MUSTERC2 garbage").expect("w");
    assert_eq!(
        states(data, NOW + 60_000)
            .iter()
            .filter(|s| !s.is_new())
            .count(),
        1
    );
}

#[test]
fn a_full_disk_reverts_the_answer_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let l = load(&cli(dir.path()), NOW).expect("load");
    let (mut state, profile) = (l.state, l.profile);
    let Ok(full) = std::fs::OpenOptions::new().append(true).open("/dev/full") else {
        eprintln!("no /dev/full on this system");
        return;
    };
    let mut log = ReviewLog::from_file(Path::new("/dev/full"), full);
    update(&mut state, Action::StudyAll);
    update(&mut state, Action::Reveal);
    let eff = update(&mut state, Action::Rate(Rating::Good));
    perform(&mut state, &mut log, &profile, eff);
    assert!(
        state.col.states.iter().all(CardState::is_new),
        "nothing recorded in memory either"
    );
    let msg = state.message.clone().unwrap_or_default();
    assert!(
        msg.contains("Could not save your answer") && msg.contains("NOT recorded"),
        "{msg}"
    );
    assert_eq!(
        state.mode(),
        Mode::Back,
        "the same card is still up to rate again"
    );
}

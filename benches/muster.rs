//! Criterion benchmarks: launch to first drawn card (bundled decks, 50k and 500k
//! cards), answer → next card including the fsync'd log append, and the discipline
//! engine. Run with `cargo bench --bench muster`.
use criterion::{Criterion, criterion_group, criterion_main};
use muster::app::{Action, State, update};
use muster::cli::Cli;
use muster::core::scheduler::Rating;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::Duration;

const NOW: i64 = 1_790_000_000_000;

fn cli(data: &std::path::Path) -> Cli {
    Cli::for_data_dir(data)
}

/// The real start-up path: open profile, read decks and log, build state, start a
/// session on everything and draw the first card.
fn launch(data: &std::path::Path) -> State {
    let loaded = muster::app::run::load(&cli(data), NOW).expect("load");
    let mut state = loaded.state;
    update(&mut state, Action::StudyAll);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| muster::ui::render(&state, f)).expect("draw");
    drop(loaded.log);
    drop(loaded.profile);
    state
}

fn bench_launch(c: &mut Criterion) {
    let mut g = c.benchmark_group("launch_to_first_card");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    let empty = tempfile::tempdir().expect("tmp");
    g.bench_function("bundled", |b| b.iter(|| black_box(launch(empty.path()))));
    for n in [50_000usize, 500_000] {
        let dir = tempfile::tempdir().expect("tmp");
        muster::core::synth::write_data_dir(dir.path(), n, NOW).expect("data");
        // Cold: no state cache, every review replayed through FSRS.
        g.bench_function(format!("{n}_cards_cold"), |b| {
            b.iter(|| black_box(launch(dir.path())))
        });
        // Warm: the state cache written on quit, as on every launch after the first.
        let l = muster::app::run::load(&cli(dir.path()), NOW).expect("load");
        muster::app::run::save_cache(&l.state, &l.log, &l.profile);
        drop(l);
        g.bench_function(format!("{n}_cards_warm"), |b| {
            b.iter(|| black_box(launch(dir.path())))
        });
    }
    g.finish();
}

fn bench_answer(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    muster::core::synth::write_data_dir(dir.path(), 50_000, NOW).expect("data");
    let loaded = muster::app::run::load(&cli(dir.path()), NOW).expect("load");
    let (mut state, mut log, profile) = (loaded.state, loaded.log, loaded.profile);
    state.settings.new_per_day = u32::MAX;
    update(&mut state, Action::StudyAll);
    let mut answered = 0u64;
    c.bench_function("answer_to_next_card_with_fsync", |b| {
        b.iter(|| {
            // Enter reveals every card kind (basic, choice, typed).
            update(&mut state, Action::Reveal);
            let eff = update(&mut state, Action::Rate(Rating::Easy));
            muster::app::run::perform(&mut state, &mut log, &profile, eff);
            state.now += 1000;
            answered += 1;
        })
    });
    assert!(answered > 0);
    // The floor: the fsync'd append alone, on the same disk.
    let mut raw = muster::core::review_log::ReviewLog::open_append(&dir.path().join("raw.jsonl"))
        .expect("log")
        .0;
    let entry = muster::core::review_log::Entry {
        t: NOW,
        deck: "synth".into(),
        card: "c1".into(),
        op: muster::core::review_log::Op::Review,
        r: 3,
        ms: 4000,
        of: None,
    };
    c.bench_function("log_append_fsync_alone", |b| {
        b.iter(|| raw.append(&entry).expect("append"))
    });
}

fn bench_engine(c: &mut Criterion) {
    for (name, file) in [
        (
            "worksheet_evaluate_apd_4_priors",
            "apd/apd-16-both-raises.json",
        ),
        (
            "worksheet_evaluate_md_repeat",
            "md/md-09-third-b-moves-to-c.json",
        ),
    ] {
        let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("scenario");
        let (case, policy) = muster::core::worksheet::parse_case(
            &path,
            &text,
            &muster::core::policy::Policy::bundled,
        )
        .expect("case");
        c.bench_function(name, |b| {
            b.iter(|| black_box(muster::core::worksheet::evaluate(black_box(&case), &policy)))
        });
    }
}

criterion_group!(benches, bench_launch, bench_answer, bench_engine);
criterion_main!(benches);

//! Peak memory of launch to first drawn card, in a fresh process:
//! `cargo bench --bench launch_rss -- 50000` prints wall time and VmHWM (peak RSS).
use muster::app::{Action, update};
use muster::cli::Cli;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(0);
    let now = 1_790_000_000_000;
    let dir = tempfile::tempdir().expect("tmp");
    if n > 0 {
        muster::core::synth::write_data_dir(dir.path(), n, now).expect("data");
    }
    let hwm_before = hwm_kb();
    let start = std::time::Instant::now();
    let cli = Cli { profile: "default".into(), data_dir: Some(dir.path().to_path_buf()), decks: vec![], command: None };
    let loaded = muster::app::run::load(&cli, now).expect("load");
    let mut state = loaded.state;
    update(&mut state, Action::StudyAll);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| muster::ui::render(&state, f)).expect("draw");
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    println!("cards={n} launch_to_first_card_ms={ms:.1} peak_rss_mb={:.1} (peak before loading, incl. data generation: {:.1})", hwm_kb() as f64 / 1024.0, hwm_before as f64 / 1024.0);
}

fn hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

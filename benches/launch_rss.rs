//! Launch to first drawn card, measured in a fresh process so that peak memory is the
//! launch's own: `cargo bench --bench launch_rss -- 50000` generates a data folder of
//! 50,000 cards (a third new, a third due, a third not yet due, with review history),
//! then runs `launch_rss run DIR` and prints wall time and VmHWM (peak RSS).
use muster::app::{Action, update};
use muster::cli::Cli;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: i64 = 1_790_000_000_000;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("run") {
        let dir = std::path::PathBuf::from(&args[1]);
        let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
        run(&dir, runs);
        return;
    }
    if args.first().map(String::as_str) == Some("gen") {
        let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
        muster::core::synth::write_data_dir(std::path::Path::new(&args[2]), n, NOW).expect("data");
        return;
    }
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(0);
    let dir = tempfile::tempdir().expect("tmp");
    if n > 0 {
        muster::core::synth::write_data_dir(dir.path(), n, NOW).expect("data");
    }
    let exe = std::env::current_exe().expect("exe");
    // First launch (cold: no state cache yet), then warm launches.
    for label in ["cold", "warm", "warm"] {
        let out = std::process::Command::new(&exe)
            .arg("run")
            .arg(dir.path())
            .output()
            .expect("child");
        print!("cards={n} {label} {}", String::from_utf8_lossy(&out.stdout));
    }
}

fn run(dir: &std::path::Path, _runs: usize) {
    let start = std::time::Instant::now();
    let cli = Cli::for_data_dir(dir);
    let loaded = muster::app::run::load(&cli, NOW).expect("load");
    let mut state = loaded.state;
    update(&mut state, Action::StudyAll);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| muster::ui::render(&state, f)).expect("draw");
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "launch_to_first_card_ms={ms:.1} peak_rss_mb={:.1}",
        hwm_kb() as f64 / 1024.0
    );
    // As on quit: leave the state cache for the next launch.
    muster::app::run::save_cache(&state, &loaded.log, &loaded.profile);
}

fn hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

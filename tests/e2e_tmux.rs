//! End to end: the real binary in tmux (private socket, 80×24, temporary data folder),
//! driven with send-keys and read with capture-pane, as a deputy would use it.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn timeout() -> Duration {
    let ms = std::env::var("MUSTER_E2E_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15_000);
    Duration::from_millis(ms)
}

struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(tag: &str) -> Tmux {
        let t = Tmux {
            socket: format!("test-muster-{tag}-{}", std::process::id()),
        };
        let _ = t.cmd(&["kill-server"]);
        t
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux must be installed (see .ci/run)")
    }

    fn start(&self, shell_cmd: &str) {
        let out = self.cmd(&[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "main",
            shell_cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.cmd(&["send-keys", "-t", "main", k]);
            assert!(out.status.success());
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "main"]).stdout)
            .into_owned()
    }

    /// Polls the pane until `pred` holds, or fails with the last screen.
    fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn muster_cmd(data: &Path, status: &Path) -> String {
    format!(
        "NO_COLOR=1 TERM=xterm-256color '{}' --data-dir '{}' --profile e2e; echo EXIT:$? > '{}'; echo SHELL-BACK; sleep 30",
        env!("CARGO_BIN_EXE_muster"),
        data.display(),
        status.display()
    )
}

/// The "All decks" row's numbers: total, new, due, learned.
fn all_decks_row(screen: &str) -> Vec<usize> {
    let line = screen
        .lines()
        .find(|l| l.contains("All decks"))
        .expect("All decks row");
    line.split_whitespace()
        .filter_map(|w| w.trim_matches('│').parse().ok())
        .collect()
}

fn wait_exit(status: &Path) -> String {
    let start = Instant::now();
    while start.elapsed() < timeout() {
        if let Ok(s) = std::fs::read_to_string(status)
            && s.contains("EXIT:")
        {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("muster did not exit");
}

fn study_three(t: &Tmux) {
    t.keys(&["a"]);
    for i in 0..3 {
        t.wait("a card", |s| s.contains("Question"));
        // Enter reveals every card kind (typed cards take Enter to check).
        t.keys(&["Enter"]);
        t.wait("the answer", |s| s.contains("4 Easy"));
        t.keys(&["4"]);
        t.wait("the answer to be recorded", move |s| {
            s.contains(&format!("answered {}", i + 1)) || s.contains("Summary")
        });
    }
}

#[test]
fn study_quit_restart_and_recover_from_kill() {
    let dir = tempfile::tempdir().expect("tmp");
    let data: PathBuf = dir.path().join("data");
    let status = dir.path().join("status");
    let t = Tmux::new("study");
    t.start(&muster_cmd(&data, &status));
    let home = t.wait("home screen", |s| {
        s.contains("All decks") && s.contains("Scenario drills")
    });
    let before = all_decks_row(&home);
    assert_eq!(before[1], before[0], "all new at first: {before:?}");

    // A second instance on the same profile is refused before touching the terminal.
    let second = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args(["--profile", "e2e", "--data-dir"])
        .arg(&data)
        .output()
        .expect("run");
    assert_eq!(second.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already open"),
        "{:?}",
        second
    );

    study_three(&t);
    t.keys(&["q"]);
    t.wait("home again", |s| s.contains("All decks"));
    t.keys(&["q"]);
    assert!(wait_exit(&status).contains("EXIT:0"));
    let after_quit = t.wait("the shell", |s| s.contains("SHELL-BACK"));
    assert!(
        !after_quit.contains("Scenario drills"),
        "terminal restored (alternate screen left):\n{after_quit}"
    );
    let log = std::fs::read_to_string(data.join("profiles/e2e/reviews.jsonl")).expect("log");
    assert_eq!(log.lines().count(), 3);
    drop(t);

    // Restart: three cards learned, three fewer new.
    let _ = std::fs::remove_file(&status);
    let t = Tmux::new("restart");
    t.start(&muster_cmd(&data, &status));
    let home = t.wait("home screen", |s| s.contains("All decks"));
    let row = all_decks_row(&home);
    assert_eq!((row[1], row[3]), (before[1] - 3, 3), "persisted: {row:?}");

    // kill -9 mid-session, then a torn half-written line is left behind.
    t.keys(&["a"]);
    t.wait("a card", |s| s.contains("Question"));
    t.keys(&["Enter"]);
    t.wait("the answer", |s| s.contains("4 Easy"));
    t.keys(&["4"]);
    t.wait("recorded", |s| s.contains("answered 1"));
    let pane_pid = String::from_utf8_lossy(
        &t.cmd(&["list-panes", "-t", "main", "-F", "#{pane_pid}"])
            .stdout,
    )
    .trim()
    .to_string();
    let kill = Command::new("pkill")
        .args(["-9", "-P", &pane_pid, "-x", "muster"])
        .status()
        .expect("pkill");
    assert!(kill.success(), "muster process killed");
    wait_exit(&status);
    drop(t);
    let log_path = data.join("profiles/e2e/reviews.jsonl");
    let mut log = std::fs::read_to_string(&log_path).expect("log");
    assert_eq!(
        log.lines().count(),
        4,
        "the answer before the kill was fsync'd"
    );
    log.push_str("{\"t\":17900,\"deck\":\"apd-sop-2020\",\"ca");
    std::fs::write(&log_path, log).expect("tear");

    let _ = std::fs::remove_file(&status);
    let t = Tmux::new("recover");
    t.start(&muster_cmd(&data, &status));
    let home = t.wait("recovered home", |s| {
        s.contains("All decks") && s.contains("Recovered")
    });
    assert_eq!(all_decks_row(&home)[3], 4);
    t.keys(&["q"]);
    assert!(wait_exit(&status).contains("EXIT:0"));
    assert_eq!(
        std::fs::read_to_string(&log_path)
            .expect("log")
            .lines()
            .count(),
        4
    );
}

#[test]
fn complete_one_drill() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let status = dir.path().join("status");
    let t = Tmux::new("drill");
    t.start(&muster_cmd(&data, &status));
    t.wait("home", |s| s.contains("Scenario drills"));
    // The drills row is the last row.
    for _ in 0..12 {
        t.keys(&["j"]);
    }
    t.keys(&["Enter"]);
    t.wait("drill list", |s| s.contains("Case") && s.contains("Policy"));
    t.keys(&["Enter"]);
    for _ in 0..20 {
        let s = t.wait("a step", |s| s.contains("submit") || s.contains("next"));
        if s.contains("Drill complete") {
            break;
        }
        t.keys(&["Enter"]);
        std::thread::sleep(Duration::from_millis(50));
    }
    let done = t.wait("the result", |s| s.contains("Drill complete"));
    assert!(done.contains('%'));
    t.keys(&["Enter"]);
    t.wait("drill list", |s| s.contains("Best"));
    t.keys(&["q", "q"]);
    assert!(wait_exit(&status).contains("EXIT:0"));
    let drills =
        std::fs::read_to_string(data.join("profiles/e2e/drills.jsonl")).expect("drill saved");
    assert_eq!(drills.lines().count(), 1);
}

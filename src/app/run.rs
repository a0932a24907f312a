//! The TUI's outer loop: open the profile (lock first, before the terminal is touched),
//! load content and history, then draw → read key → update → perform effects, and
//! restore the terminal on every way out.
use crate::app::keymap::{Key, lookup};
use crate::app::{Effect, State, update};
use crate::cli::{Cli, Command};
use crate::core::deck::Library;
use crate::core::review_log::{ReviewLog, prefix_hash, replay_file};
use crate::core::scheduler::Scheduler;
use crate::core::store::{Profile, append_line, default_data_dir, read_drills};
use crate::core::study::{Collection, Filter, cache_header};
use crossterm::event::{self, Event, KeyEventKind};
use std::process::ExitCode;

/// Current time in unix ms; `MUSTER_FAKE_NOW` (RFC 3339) pins it for tests.
pub fn now_ms() -> i64 {
    if let Ok(s) = std::env::var("MUSTER_FAKE_NOW")
        && let Ok(ts) = s.parse::<jiff::Timestamp>()
    {
        return ts.as_millisecond();
    }
    jiff::Timestamp::now().as_millisecond()
}

/// The local UTC offset in seconds at `now`.
pub fn utc_offset(now: i64) -> i32 {
    jiff::Timestamp::from_millisecond(now)
        .map(|ts| jiff::tz::TimeZone::system().to_offset(ts).seconds())
        .unwrap_or(0)
}

/// Everything loaded before the terminal opens.
pub struct Loaded {
    /// The app state.
    pub state: State,
    /// The open log.
    pub log: ReviewLog,
    /// The profile (holds the lock).
    pub profile: Profile,
}

/// Opens the profile and loads everything; errors are plain text for stderr.
pub fn load(cli: &Cli, now: i64) -> Result<Loaded, (String, u8)> {
    let data = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let profile = Profile::open(&data, &cli.profile).map_err(|e| (format!("muster: {e}"), 1))?;
    let settings = profile
        .settings()
        .map_err(|e| (format!("muster: bad settings file: {e}"), 2))?;
    let mut dirs = vec![data.join("decks")];
    dirs.extend(cli.decks.iter().cloned());
    let library = Library::load_with_cache(&dirs, Some(&data.join("cache")));
    let problems: Vec<String> = library.problems.iter().map(|e| e.to_string()).collect();
    let log_path = profile.review_log_path();
    let cache_path = profile.dir.join("state.cache");
    let mut col = Collection::empty(
        library,
        Scheduler::new(settings.scheduler.clone()),
        utc_offset(now),
    );
    // The cache holds states up to a point in the log; only the rest is replayed.
    let cached = cache_header(&cache_path)
        .filter(|(covered, hash)| prefix_hash(&log_path, *covered) == Some(*hash))
        .and_then(|_| col.load_cache(&cache_path))
        .map_or(0, |(covered, _)| covered);
    let (log, repaired) = ReviewLog::open_append(&log_path).map_err(|e| {
        (
            format!("muster: cannot open review log {}: {e}", log_path.display()),
            1,
        )
    })?;
    let replay = |col: &mut Collection, from| {
        replay_file(&log_path, from, |e| col.apply_ref(e)).map_err(|e| {
            (
                format!("muster: cannot read review log {}: {e}", log_path.display()),
                1,
            )
        })
    };
    let mut report = replay(&mut col, cached)?;
    if cached > 0 && report.unmatched_undo > 0 {
        // An undo of a review before the cached point: replay everything.
        col.reset();
        report = replay(&mut col, 0)?;
    }
    let mut state = State::new(col, Vec::new(), settings, profile.name.clone(), now);
    state.drill_results = read_drills(&profile.drills_path());
    state.problems = problems;
    if let Some(n) = repaired {
        state.message = Some(format!(
            "Recovered from an interrupted save: an incomplete last entry ({n} bytes) was removed from the review log; every earlier answer is intact."
        ));
    } else if !report.bad_lines.is_empty() {
        state.message = Some(format!(
            "Review log lines {:?} could not be read and were skipped (kept in the file).",
            report.bad_lines
        ));
    }
    if let Some(Command::Study { deck, tag }) = &cli.command {
        let filter = match (deck, tag) {
            (Some(d), _) => match state.col.library.decks.iter().position(|(x, _)| &x.id == d) {
                Some(i) => Filter::Deck(i),
                None => {
                    let ids: Vec<&str> = state
                        .col
                        .library
                        .decks
                        .iter()
                        .map(|(x, _)| x.id.as_str())
                        .collect();
                    return Err((
                        format!("muster: no deck {d:?}; decks: {}", ids.join(", ")),
                        2,
                    ));
                }
            },
            (None, Some(t)) => Filter::Tag(t.clone()),
            (None, None) => Filter::All,
        };
        let title = match &filter {
            Filter::Deck(i) => state.col.library.decks[*i].0.title.clone(),
            Filter::Tag(t) => format!("Tag: {t}"),
            Filter::All => "All decks".into(),
        };
        state.start(filter, title);
    }
    Ok(Loaded {
        state,
        log,
        profile,
    })
}

/// Performs effects; a failed log write reverts the answer and says so.
pub fn perform(state: &mut State, log: &mut ReviewLog, profile: &Profile, effects: Vec<Effect>) {
    for e in effects {
        match e {
            Effect::Log(entry) => {
                if let Err(err) = log.append(&entry) {
                    if entry.op == crate::core::review_log::Op::Review {
                        state.save_failed(&err.to_string());
                    } else {
                        state.message =
                            Some(format!("Could not save to {}: {err}", log.path().display()));
                    }
                    return;
                }
            }
            Effect::Drill(r) => {
                if let Err(err) = append_line(&profile.drills_path(), &r) {
                    state.message = Some(format!("Could not save the drill result: {err}"));
                }
            }
        }
    }
}

/// Writes the state cache so the next launch replays only what is new in the log.
/// Best effort: a failure only makes the next launch slower.
pub fn save_cache(state: &State, log: &ReviewLog, profile: &Profile) {
    if let Ok(len) = log.byte_len()
        && let Some(hash) = prefix_hash(log.path(), len)
    {
        let _ = state
            .col
            .save_cache(&profile.dir.join("state.cache"), len, hash);
    }
}

struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the TUI until the user quits.
pub fn run(cli: &Cli) -> ExitCode {
    let now = now_ms();
    let Loaded {
        mut state,
        mut log,
        profile,
    } = match load(cli, now) {
        Ok(l) => l,
        Err((msg, code)) => {
            eprintln!("{msg}");
            return ExitCode::from(code);
        }
    };
    // ratatui::init installs a panic hook that restores the terminal; the guard
    // restores it on every other way out.
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            eprintln!(
                "muster: cannot open the terminal ({e}); run it in an interactive terminal, or use `muster worksheet` / `muster check` for scripts"
            );
            return ExitCode::from(1);
        }
    };
    let _guard = RestoreGuard;
    let mut dirty = true;
    loop {
        if dirty {
            if let Err(e) = terminal.draw(|f| crate::ui::render(&state, f)) {
                drop(_guard);
                eprintln!("muster: cannot draw: {e}");
                return ExitCode::from(1);
            }
            dirty = false;
        }
        let ev = match event::read() {
            Ok(ev) => ev,
            Err(e) => {
                drop(_guard);
                eprintln!("muster: cannot read the terminal: {e}");
                return ExitCode::from(1);
            }
        };
        match ev {
            Event::Key(k) if k.kind == KeyEventKind::Press => {
                let Some(key) = Key::from_event(&k) else {
                    continue;
                };
                let Some(action) = lookup(state.mode(), key) else {
                    continue;
                };
                state.now = now_ms();
                let effects = update(&mut state, action);
                perform(&mut state, &mut log, &profile, effects);
                dirty = true;
            }
            Event::Resize(..) => dirty = true,
            _ => {}
        }
        if state.quit {
            break;
        }
    }
    drop(_guard);
    save_cache(&state, &log, &profile);
    ExitCode::SUCCESS
}

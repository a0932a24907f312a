//! Command-line interface: argument definitions and the headless subcommands
//! (`worksheet`, `check`, `import`); the TUI entry lives in `app::run`.
use crate::core::error::LoadError;
use crate::core::worksheet;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Study police policy manuals: FSRS flashcards and graded discipline drills.
#[derive(Debug, Parser)]
#[command(name = "muster", version, about, long_about = None)]
pub struct Cli {
    /// Profile name (each has its own history and settings).
    #[arg(long, global = true, default_value = "default")]
    pub profile: String,
    /// Data folder (default: the platform data folder, e.g. ~/.local/share/muster).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Extra folder of deck files to load.
    #[arg(long, global = true)]
    pub decks: Vec<PathBuf>,
    /// Extra folder of policy files (an agency's own matrix) for `worksheet`.
    #[arg(long, global = true)]
    pub policies: Vec<PathBuf>,
    /// Subcommand; none opens the TUI home screen.
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The TUI on data folder `data` with the default profile and nothing else set
    /// (tests and benchmarks use it).
    pub fn for_data_dir(data: &std::path::Path) -> Cli {
        Cli {
            profile: "default".into(),
            data_dir: Some(data.to_path_buf()),
            decks: vec![],
            policies: vec![],
            command: None,
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the TUI straight into a study session.
    Study {
        /// Study only this deck id.
        #[arg(long)]
        deck: Option<String>,
        /// Study only cards with this tag.
        #[arg(long)]
        tag: Option<String>,
    },
    /// Validate decks, policies and scenarios (files or folders); exit 2 on errors.
    Check {
        /// Files or folders (default: the bundled content).
        paths: Vec<PathBuf>,
    },
    /// Print the discipline worksheet for a case file as JSON.
    Worksheet {
        /// Case or scenario file.
        file: PathBuf,
    },
    /// Show or change this profile's settings (daily new cards, desired retention).
    Settings {
        /// New cards introduced per study day.
        #[arg(long)]
        new_per_day: Option<u32>,
        /// FSRS desired retention, 0.70–0.99 (Anki's default is 0.90).
        #[arg(long)]
        retention: Option<f32>,
    },
    /// Import cards from another format into a deck file.
    Import {
        /// Format.
        #[command(subcommand)]
        what: ImportKind,
    },
}

/// Import formats.
#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// Numbered Q/A flashcard-page text (e.g. the CCSO Chapter 4 set).
    Flashcards {
        /// Text file.
        file: PathBuf,
        /// Output deck file.
        #[arg(long, short)]
        out: PathBuf,
        /// Deck id.
        #[arg(long)]
        id: String,
        /// Deck title.
        #[arg(long)]
        title: String,
        /// Source manual name and edition.
        #[arg(long)]
        source: String,
    },
}

fn print_errors(e: &LoadError) {
    for d in &e.0 {
        eprintln!("{d}");
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match &cli.command {
        Some(Command::Worksheet { file }) => cmd_worksheet(file, &cli.policies),
        Some(Command::Check { paths }) => crate::check::run(paths),
        Some(Command::Import { what }) => crate::check::import(what),
        Some(Command::Settings {
            new_per_day,
            retention,
        }) => cmd_settings(&cli, *new_per_day, *retention),
        Some(Command::Study { .. }) | None => crate::app::run::run(&cli),
    }
}

fn cmd_worksheet(file: &PathBuf, policy_dirs: &[PathBuf]) -> ExitCode {
    let name = file.display().to_string();
    let extra = match crate::core::policy::load_dirs(policy_dirs) {
        Ok(p) => p,
        Err(e) => {
            print_errors(&e);
            return ExitCode::from(2);
        }
    };
    let lookup = |id: &str| {
        extra
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .or_else(|| crate::core::policy::Policy::bundled(id))
    };
    let result = std::fs::read(file)
        .map_err(|e| worksheet::io_error(&name, &e))
        .and_then(|bytes| match String::from_utf8(bytes) {
            Ok(t) => Ok(t),
            Err(_) => Err(worksheet::io_error(
                &name,
                &std::io::Error::other("not UTF-8 text"),
            )),
        })
        .and_then(|text| worksheet::run_with(&name, &text, &lookup));
    match result {
        Ok(ws) => match serde_json::to_string_pretty(&ws) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{name}: cannot write JSON: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            print_errors(&e);
            ExitCode::from(2)
        }
    }
}

fn cmd_settings(cli: &Cli, new_per_day: Option<u32>, retention: Option<f32>) -> ExitCode {
    let data = cli
        .data_dir
        .clone()
        .unwrap_or_else(crate::core::store::default_data_dir);
    let profile = match crate::core::store::Profile::open(&data, &cli.profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("muster: {e}");
            return ExitCode::from(1);
        }
    };
    let mut s = match profile.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("muster: bad settings file: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(r) = retention {
        if !(0.7..=0.99).contains(&r) {
            eprintln!("muster: --retention must be between 0.70 and 0.99 (got {r})");
            return ExitCode::from(2);
        }
        s.scheduler.desired_retention = r;
    }
    if let Some(n) = new_per_day {
        if n > 9999 {
            eprintln!("muster: --new-per-day must be at most 9999");
            return ExitCode::from(2);
        }
        s.new_per_day = n;
    }
    if (new_per_day.is_some() || retention.is_some())
        && let Err(e) = profile.save_settings(&s)
    {
        eprintln!(
            "muster: cannot save settings in {}: {e}",
            profile.dir.display()
        );
        return ExitCode::from(1);
    }
    println!("profile:            {}", profile.name);
    println!("new cards per day:  {}", s.new_per_day);
    println!("desired retention:  {:.2}", s.scheduler.desired_retention);
    println!("learning steps:     {:?} min", s.scheduler.learning_steps);
    println!("relearning steps:   {:?} min", s.scheduler.relearning_steps);
    ExitCode::SUCCESS
}

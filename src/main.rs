//! `muster`: the command line. Parses arguments, locks the profile, runs the TUI or a
//! headless subcommand, and always restores the terminal.
use clap::Parser;
use muster::cli::{Cli, run};

fn main() -> std::process::ExitCode {
    run(Cli::parse())
}

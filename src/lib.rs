//! Muster: study police policy manuals with FSRS flashcards and graded discipline drills.
//!
//! `core` owns everything testable and has no terminal dependency; `app` holds the
//! Elm-style state, actions and keymap; `ui` only draws; `cli` and `check` are the
//! headless commands.
pub mod app;
pub mod check;
pub mod cli;
pub mod core;
pub mod ui;

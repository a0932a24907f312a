//! The decks, policies and scenarios embedded at build time (see `src/build.rs`).
include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

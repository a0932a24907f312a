//! Terminal-free core: decks, scheduling, review log, policies, the discipline engine,
//! scenarios and storage. Nothing here reads the clock or the global RNG.
pub mod bundled;
pub mod compact;
pub mod deck;
pub mod error;
pub mod import;
pub mod jsonpos;
pub mod policy;
pub mod review_log;
pub mod scenario;
pub mod scheduler;
pub mod store;
pub mod study;
pub mod synth;
pub mod text;
pub mod worksheet;

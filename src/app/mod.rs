//! App layer: the state of the TUI, the actions keys map to, and `update`, which turns
//! an action into a new state plus effects for `run` to perform (append to the log,
//! save a drill result). No drawing and no I/O here.
pub mod drill;
pub mod keymap;
pub mod run;

use crate::core::deck::{CardKind, render_cloze};
use crate::core::review_log::{Entry, Op};
use crate::core::scenario::Loaded;
use crate::core::scheduler::{CardState, Rating};
use crate::core::store::{DrillResult, Settings};
use crate::core::study::{Collection, Filter};
use crate::core::text::{answer_key, word_diff};
use drill::DrillSession;
use serde::{Deserialize, Serialize};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// Open / submit / next.
    Select,
    /// Study every deck.
    StudyAll,
    /// Open the tag list.
    Tags,
    /// Back one screen (quit from home).
    Back,
    /// Quit now.
    Quit,
    /// Toggle help.
    Help,
    /// Reveal the answer.
    Reveal,
    /// Rate the card.
    Rate(Rating),
    /// Undo the last answer.
    Undo,
    /// Suspend the card.
    Suspend,
    /// Bury the card until tomorrow.
    Bury,
    /// Choose an option by its key.
    Pick(char),
    /// Tick/untick in a multi-select.
    Toggle,
    /// Type a character.
    Type(char),
    /// Delete a typed character.
    Backspace,
    /// Scroll the case text down.
    ScrollDown,
    /// Scroll the case text up.
    ScrollUp,
}

/// Input modes: which part of the keymap applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Deck list.
    Home,
    /// Card front (basic, cloze).
    Front,
    /// Card front with choices (multiple choice, true/false).
    Choice,
    /// Card front, typing an answer.
    Typing,
    /// Answer shown, rating.
    Back,
    /// Session summary.
    Summary,
    /// Scenario list.
    Drills,
    /// Tag list.
    Tags,
    /// Answering a drill step (pick one).
    Drill,
    /// Answering a drill step (tick several).
    DrillMulti,
    /// Feedback on a drill step.
    DrillFeedback,
}

/// What `run` must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append to the review log (fsync) before anything else is shown.
    Log(Entry),
    /// Append a finished drill.
    Drill(DrillResult),
}

/// The card being studied.
#[derive(Debug, Clone, PartialEq)]
pub struct Showing {
    /// Item index.
    pub item: usize,
    /// When it was shown (unix ms).
    pub shown_at: i64,
    /// Answer visible.
    pub revealed: bool,
    /// Typed answer.
    pub typed: String,
    /// Option picked (index) for multiple choice / true-false.
    pub picked: Option<usize>,
}

/// An answered card that `u` can take back.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoEntry {
    /// Item index.
    pub item: usize,
    /// State before the answer.
    pub prev: CardState,
    /// The logged entry.
    pub entry: Entry,
    /// Counted as correct in the session stats.
    pub correct: bool,
}

/// A study session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// What is studied.
    pub filter: Filter,
    /// Title shown.
    pub title: String,
    /// The card on screen, None when finished.
    pub showing: Option<Showing>,
    /// Answers that can be undone (most recent last).
    pub undo: Vec<UndoEntry>,
    /// Cards answered.
    pub answered: u32,
    /// Answers rated Hard or better.
    pub correct: u32,
    /// Started at.
    pub started: i64,
    /// Ms spent answering.
    pub spent_ms: u64,
}

/// Which screen is up.
#[derive(Debug, Clone)]
pub enum Screen {
    /// Deck list.
    Home,
    /// Studying.
    Study(Session),
    /// Session finished.
    Summary(Session),
    /// Scenario list.
    Drills,
    /// A drill.
    Drill(Box<DrillSession>),
    /// Tag list: (tags with their item counts, selection).
    Tags(Vec<(String, usize)>, usize),
}

/// The whole app state.
pub struct State {
    /// Current screen.
    pub screen: Screen,
    /// Home selection (decks…, "All decks", "Scenario drills").
    pub home_sel: usize,
    /// Drill list selection.
    pub drills_sel: usize,
    /// Help overlay shown.
    pub help: bool,
    /// Cards and states.
    pub col: Collection,
    /// Scenario drills (loaded on first use; see [`State::ensure_scenarios`]).
    pub scenarios: Vec<Loaded>,
    /// Whether `scenarios` has been loaded.
    pub scenarios_loaded: bool,
    /// Past drill results.
    pub drill_results: Vec<DrillResult>,
    /// Profile settings.
    pub settings: Settings,
    /// Profile name.
    pub profile: String,
    /// Now (unix ms), set by `run` before each update.
    pub now: i64,
    /// One-line status message (errors, notices).
    pub message: Option<String>,
    /// Problems met while loading content.
    pub problems: Vec<String>,
    /// Set when the app should exit.
    pub quit: bool,
}

impl State {
    /// A state on the home screen.
    pub fn new(
        col: Collection,
        scenarios: Vec<Loaded>,
        settings: Settings,
        profile: String,
        now: i64,
    ) -> State {
        State {
            screen: Screen::Home,
            home_sel: 0,
            drills_sel: 0,
            help: false,
            col,
            scenarios_loaded: !scenarios.is_empty(),
            scenarios,
            drill_results: Vec::new(),
            settings,
            profile,
            now,
            message: None,
            problems: Vec::new(),
            quit: false,
        }
    }

    /// Loads the bundled scenarios the first time drills are opened (kept off the
    /// start-up path); problems go to the status line.
    pub fn ensure_scenarios(&mut self) {
        if !self.scenarios_loaded {
            let (ok, bad) = crate::core::scenario::load_bundled();
            self.scenarios = ok;
            self.scenarios_loaded = true;
            if let Some(e) = bad.first() {
                self.message = Some(format!(
                    "{} scenario file(s) could not be loaded: {e}",
                    bad.len()
                ));
            }
        }
    }

    /// Number of drills (before loading: the number of bundled files).
    pub fn scenario_count(&self) -> usize {
        if self.scenarios_loaded {
            self.scenarios.len()
        } else {
            crate::core::bundled::SCENARIOS.len()
        }
    }

    /// Rows on the home screen: decks, then "All decks", then drills.
    pub fn home_rows(&self) -> usize {
        self.col.library.decks.len() + 2
    }

    /// The input mode for the current screen.
    pub fn mode(&self) -> Mode {
        match &self.screen {
            Screen::Home => Mode::Home,
            Screen::Summary(_) => Mode::Summary,
            Screen::Drills => Mode::Drills,
            Screen::Tags(..) => Mode::Tags,
            Screen::Drill(d) => {
                if d.feedback.is_some() || d.finished {
                    Mode::DrillFeedback
                } else if self
                    .scenarios
                    .get(d.scenario)
                    .zip(d.steps.get(d.pos))
                    .is_some_and(|(l, step)| drill::view(l, step).answer == drill::Answer::Multi)
                {
                    Mode::DrillMulti
                } else {
                    Mode::Drill
                }
            }
            Screen::Study(s) => match &s.showing {
                Some(sh) if sh.revealed => Mode::Back,
                Some(sh) => match self.card_kind(sh.item) {
                    CardKind::Typed => Mode::Typing,
                    CardKind::MultipleChoice | CardKind::TrueFalse => Mode::Choice,
                    _ => Mode::Front,
                },
                None => Mode::Summary,
            },
        }
    }

    /// Kind of item `i`'s card.
    pub fn card_kind(&self, i: usize) -> CardKind {
        let it = self.col.items[i];
        self.col.library.decks[it.deck as usize]
            .0
            .kind(it.card as usize)
    }

    /// The front text of item `i` (cloze rendered).
    pub fn front_text(&self, i: usize, reveal: bool) -> String {
        let it = self.col.items[i];
        let card = self.col.library.decks[it.deck as usize]
            .0
            .card(it.card as usize);
        match it.cloze {
            Some(n) => render_cloze(card.front, n, reveal),
            None => card.front.to_string(),
        }
    }

    /// The options of item `i` (true/false cards get True/False).
    pub fn options(&self, i: usize) -> Vec<String> {
        let it = self.col.items[i];
        let card = self.col.library.decks[it.deck as usize]
            .0
            .card(it.card as usize);
        match card.kind {
            CardKind::TrueFalse => vec!["True".into(), "False".into()],
            _ => card.options.iter().map(|o| o.to_string()).collect(),
        }
    }

    /// Whether the picked or typed answer matches (None when nothing to judge).
    pub fn judged(&self, sh: &Showing) -> Option<bool> {
        let it = self.col.items[sh.item];
        let card = self.col.library.decks[it.deck as usize]
            .0
            .card(it.card as usize);
        match card.kind {
            CardKind::Typed => Some(answer_key(&sh.typed) == answer_key(card.back)),
            CardKind::MultipleChoice | CardKind::TrueFalse => sh
                .picked
                .map(|p| self.options(sh.item).get(p).map(String::as_str) == Some(card.back)),
            _ => None,
        }
    }

    /// For a typed card: each expected word and whether it was typed.
    pub fn typed_diff(&self, sh: &Showing) -> Vec<(String, bool)> {
        let it = self.col.items[sh.item];
        let card = self.col.library.decks[it.deck as usize]
            .0
            .card(it.card as usize);
        word_diff(&sh.typed, card.back)
    }

    /// Starts a study session on `filter` (stays home with a message when nothing is due).
    pub fn start(&mut self, filter: Filter, title: String) {
        let mut s = Session {
            filter,
            title,
            showing: None,
            undo: Vec::new(),
            answered: 0,
            correct: 0,
            started: self.now,
            spent_ms: 0,
        };
        self.advance(&mut s, None);
        if s.showing.is_none() {
            self.message = Some(format!(
                "Nothing due in {} — come back later or raise the daily new-card limit.",
                s.title
            ));
            return;
        }
        self.screen = Screen::Study(s);
    }

    fn advance(&self, s: &mut Session, skip: Option<usize>) {
        let allow_new = self.col.new_left_today(self.settings.new_per_day, self.now) > 0;
        let next = self.col.next(
            &s.filter,
            self.now,
            allow_new,
            skip,
            20 * crate::core::scheduler::MINUTE,
        );
        // Prefer another card; the one just answered comes back only if nothing else waits.
        let next = next.or_else(|| {
            skip.and_then(|_| {
                self.col.next(
                    &s.filter,
                    self.now,
                    allow_new,
                    None,
                    20 * crate::core::scheduler::MINUTE,
                )
            })
        });
        s.showing = next.map(|item| Showing {
            item,
            shown_at: self.now,
            revealed: false,
            typed: String::new(),
            picked: None,
        });
    }

    /// Reverts the most recent answer after its log write failed.
    pub fn save_failed(&mut self, err: &str) {
        if let Screen::Study(s) = &mut self.screen
            && let Some(u) = s.undo.pop()
        {
            self.col.restore(u.item, u.prev, self.now);
            s.answered = s.answered.saturating_sub(1);
            if u.correct {
                s.correct = s.correct.saturating_sub(1);
            }
            s.showing = Some(Showing {
                item: u.item,
                shown_at: self.now,
                revealed: true,
                typed: String::new(),
                picked: None,
            });
        }
        self.message = Some(format!(
            "Could not save your answer ({err}). It was NOT recorded — check disk space and permissions, then rate again."
        ));
    }
}

/// Applies an action; returns the effects to perform, in order.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        state.quit = true;
        return vec![];
    }
    if action == Action::Help {
        state.help = !state.help;
        return vec![];
    }
    if state.help {
        // Any other key closes help first, as in gitui.
        if matches!(action, Action::Back) {
            state.help = false;
        }
        return vec![];
    }
    if !matches!(action, Action::Type(_) | Action::Backspace) {
        state.message = None;
    }
    let screen = std::mem::replace(&mut state.screen, Screen::Home);
    let (screen, effects) = match screen {
        Screen::Home => {
            let mut next = Screen::Home;
            match action {
                Action::Up => state.home_sel = state.home_sel.saturating_sub(1),
                Action::Down => state.home_sel = (state.home_sel + 1).min(state.home_rows() - 1),
                Action::Back => state.quit = true,
                Action::Tags => next = Screen::Tags(state.col.all_tags(), 0),
                Action::StudyAll => {
                    state.start(Filter::All, "All decks".into());
                    next = std::mem::replace(&mut state.screen, Screen::Home);
                }
                Action::Select => {
                    let n = state.col.library.decks.len();
                    if state.home_sel < n {
                        let title = state.col.library.decks[state.home_sel].0.title.clone();
                        state.start(Filter::Deck(state.home_sel), title);
                        next = std::mem::replace(&mut state.screen, Screen::Home);
                    } else if state.home_sel == n {
                        state.start(Filter::All, "All decks".into());
                        next = std::mem::replace(&mut state.screen, Screen::Home);
                    } else {
                        state.ensure_scenarios();
                        next = Screen::Drills;
                    }
                }
                _ => {}
            }
            (next, vec![])
        }
        Screen::Study(mut s) => {
            let eff = study_update(state, &mut s, action);
            match action {
                Action::Back => (Screen::Home, eff),
                _ if s.showing.is_none() => (Screen::Summary(s), eff),
                _ => (Screen::Study(s), eff),
            }
        }
        Screen::Summary(mut s) => match action {
            Action::Back => (Screen::Home, vec![]),
            Action::Undo if !s.undo.is_empty() => {
                let eff = study_update(state, &mut s, Action::Undo);
                (Screen::Study(s), eff)
            }
            _ => (Screen::Summary(s), vec![]),
        },
        Screen::Drills => match action {
            Action::Up => {
                state.drills_sel = state.drills_sel.saturating_sub(1);
                (Screen::Drills, vec![])
            }
            Action::Down => {
                state.drills_sel =
                    (state.drills_sel + 1).min(state.scenarios.len().saturating_sub(1));
                (Screen::Drills, vec![])
            }
            Action::Back => (Screen::Home, vec![]),
            Action::Select => match state.scenarios.get(state.drills_sel) {
                Some(l) => (
                    Screen::Drill(Box::new(DrillSession::new(state.drills_sel, l))),
                    vec![],
                ),
                None => (Screen::Drills, vec![]),
            },
            _ => (Screen::Drills, vec![]),
        },
        Screen::Tags(tags, sel) => match action {
            Action::Up => (Screen::Tags(tags, sel.saturating_sub(1)), vec![]),
            Action::Down => {
                let last = tags.len().saturating_sub(1);
                (Screen::Tags(tags, (sel + 1).min(last)), vec![])
            }
            Action::Back => (Screen::Home, vec![]),
            Action::Select => match tags.get(sel).map(|t| t.0.clone()) {
                Some(tag) => {
                    state.start(Filter::Tag(tag.clone()), format!("Tag: {tag}"));
                    match std::mem::replace(&mut state.screen, Screen::Home) {
                        Screen::Home => (Screen::Tags(tags, sel), vec![]),
                        started => (started, vec![]),
                    }
                }
                None => (Screen::Tags(tags, sel), vec![]),
            },
            _ => (Screen::Tags(tags, sel), vec![]),
        },
        Screen::Drill(mut d) => {
            if action == Action::Back || (d.finished && action == Action::Select) {
                (Screen::Drills, vec![])
            } else {
                let eff = drill::update(state, &mut d, action);
                (Screen::Drill(d), eff)
            }
        }
    };
    state.screen = screen;
    effects
}

fn study_update(state: &mut State, s: &mut Session, action: Action) -> Vec<Effect> {
    let now = state.now;
    match action {
        Action::Undo => {
            let Some(u) = s.undo.pop() else {
                state.message = Some("Nothing to undo.".into());
                return vec![];
            };
            state.col.restore(u.item, u.prev, now);
            s.answered = s.answered.saturating_sub(1);
            if u.correct {
                s.correct = s.correct.saturating_sub(1);
            }
            s.showing = Some(Showing {
                item: u.item,
                shown_at: now,
                revealed: false,
                typed: String::new(),
                picked: None,
            });
            let undo = Entry {
                t: now,
                op: Op::Undo,
                of: Some(u.entry.t),
                r: 0,
                ms: 0,
                ..u.entry
            };
            state.message = Some("Answer undone.".into());
            return vec![Effect::Log(undo)];
        }
        Action::Back => return vec![],
        _ => {}
    }
    let Some(sh) = s.showing.as_mut() else {
        return vec![];
    };
    let item = sh.item;
    match action {
        Action::Reveal if !sh.revealed => sh.revealed = true,
        Action::Type(c) if !sh.revealed && !c.is_control() && sh.typed.chars().count() < 200 => {
            sh.typed.push(c)
        }
        Action::Backspace => {
            sh.typed.pop();
        }
        Action::Pick(c) if !sh.revealed => {
            let n = state.options(item).len();
            let idx = match c {
                't' if state.card_kind(item) == CardKind::TrueFalse => Some(0),
                'f' if state.card_kind(item) == CardKind::TrueFalse => Some(1),
                'a'..='e' if state.card_kind(item) == CardKind::MultipleChoice => {
                    Some(c as usize - 'a' as usize)
                }
                _ => None,
            };
            if let Some(i) = idx.filter(|i| *i < n) {
                sh.picked = Some(i);
                sh.revealed = true;
            }
        }
        Action::Rate(r) if sh.revealed => {
            let elapsed = (now - sh.shown_at).clamp(0, 3_600_000) as u64;
            let (entry, prev) = state.col.answer(item, r, now, elapsed);
            let correct = r != Rating::Again;
            s.answered += 1;
            s.correct += u32::from(correct);
            s.spent_ms += elapsed;
            s.undo.push(UndoEntry {
                item,
                prev,
                entry: entry.clone(),
                correct,
            });
            if s.undo.len() > 50 {
                s.undo.remove(0);
            }
            state.advance(s, Some(item));
            return vec![Effect::Log(entry)];
        }
        Action::Suspend | Action::Bury => {
            let op = if action == Action::Suspend {
                Op::Suspend
            } else {
                Op::Bury
            };
            let entry = state.col.mark(item, op, now);
            state.message = Some(if op == Op::Suspend {
                "Card suspended.".into()
            } else {
                "Card buried until tomorrow.".into()
            });
            state.advance(s, Some(item));
            return vec![Effect::Log(entry)];
        }
        _ => {}
    }
    vec![]
}

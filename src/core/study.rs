//! The study collection: every study item of every loaded deck with its state derived
//! from the review log, deck counts, and the queue of a session (due first, then new
//! cards up to the daily limit). Time comes in as arguments.
use crate::core::deck::{CardKind, Library, cloze_numbers};
use crate::core::review_log::{Entry, Op, effective};
use crate::core::scheduler::{CardState, Rating, Scheduler, study_day};
use std::collections::HashMap;

/// One study item: a card, or one deletion of a cloze card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Index into the library's decks.
    pub deck: u32,
    /// Index into the deck's cards.
    pub card: u32,
    /// Cloze number for cloze items.
    pub cloze: Option<u8>,
}

/// What a session studies.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    /// Everything.
    #[default]
    All,
    /// One deck (index).
    Deck(usize),
    /// Cards with this tag (card or deck tags).
    Tag(String),
}

/// Counts shown on the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Study items.
    pub total: usize,
    /// Never answered.
    pub new: usize,
    /// Due now (learning or review).
    pub due: usize,
    /// Answered at least once and in review phase.
    pub learned: usize,
}

/// All items and their states.
#[derive(Debug)]
pub struct Collection {
    /// The decks.
    pub library: Library,
    /// Items, deck order.
    pub items: Vec<Item>,
    /// State per item.
    pub states: Vec<CardState>,
    /// The scheduler.
    pub sched: Scheduler,
    /// UTC offset used for study days.
    pub utc_offset_secs: i32,
    index: HashMap<(String, String), usize>,
    /// New items first answered on each study day.
    introduced: HashMap<i64, usize>,
}

impl Collection {
    /// The log key of an item.
    pub fn key(&self, i: usize) -> (String, String) {
        let it = self.items[i];
        let (deck, _) = &self.library.decks[it.deck as usize];
        let card = &deck.cards[it.card as usize];
        let key = match it.cloze {
            Some(n) => format!("{}::c{n}", card.id),
            None => card.id.clone(),
        };
        (deck.id.clone(), key)
    }

    /// Builds the collection and replays the log (undone reviews skipped).
    pub fn new(
        library: Library,
        entries: &[Entry],
        sched: Scheduler,
        utc_offset_secs: i32,
    ) -> Collection {
        let mut items = Vec::new();
        for (di, (deck, _)) in library.decks.iter().enumerate() {
            for (ci, card) in deck.cards.iter().enumerate() {
                if card.kind == CardKind::Cloze {
                    for n in cloze_numbers(&card.front) {
                        items.push(Item {
                            deck: di as u32,
                            card: ci as u32,
                            cloze: Some(n),
                        });
                    }
                } else {
                    items.push(Item {
                        deck: di as u32,
                        card: ci as u32,
                        cloze: None,
                    });
                }
            }
        }
        let mut c = Collection {
            states: vec![CardState::default(); items.len()],
            items,
            library,
            sched,
            utc_offset_secs,
            index: HashMap::new(),
            introduced: HashMap::new(),
        };
        let mut index = HashMap::with_capacity(c.items.len());
        for i in 0..c.items.len() {
            index.insert(c.key(i), i);
        }
        c.index = index;
        for e in effective(entries) {
            c.apply(e);
        }
        c
    }

    /// Applies one log entry (unknown cards are ignored: their deck may be gone).
    pub fn apply(&mut self, e: &Entry) {
        let Some(&i) = self.index.get(&(e.deck.clone(), e.card.clone())) else {
            return;
        };
        let day = study_day(e.t, self.utc_offset_secs);
        if e.op == Op::Review && self.states[i].is_new() {
            *self.introduced.entry(day).or_default() += 1;
        }
        self.states[i] = self.sched.apply(&self.states[i], e, day);
    }

    /// Reverts item `i` to `prev` (undo), adjusting the new-card count.
    pub fn restore(&mut self, i: usize, prev: CardState, now: i64) {
        if prev.is_new()
            && !self.states[i].is_new()
            && let Some(n) = self
                .introduced
                .get_mut(&study_day(now, self.utc_offset_secs))
        {
            *n = n.saturating_sub(1);
        }
        self.states[i] = prev;
    }

    /// Index of an item by deck id and key.
    pub fn find(&self, deck: &str, key: &str) -> Option<usize> {
        self.index
            .get(&(deck.to_string(), key.to_string()))
            .copied()
    }

    /// Whether item `i` passes `f`.
    pub fn matches(&self, i: usize, f: &Filter) -> bool {
        let it = self.items[i];
        match f {
            Filter::All => true,
            Filter::Deck(d) => it.deck as usize == *d,
            Filter::Tag(t) => {
                let (deck, _) = &self.library.decks[it.deck as usize];
                deck.tags.iter().any(|x| x == t)
                    || deck.cards[it.card as usize].tags.iter().any(|x| x == t)
            }
        }
    }

    /// Counts for items passing `f`.
    pub fn counts(&self, f: &Filter, now: i64) -> Counts {
        let today = study_day(now, self.utc_offset_secs);
        let mut c = Counts::default();
        for i in 0..self.items.len() {
            if !self.matches(i, f) {
                continue;
            }
            let s = &self.states[i];
            c.total += 1;
            if s.is_new() {
                c.new += 1;
            } else {
                if s.is_due(now, today) {
                    c.due += 1;
                }
                if s.phase == crate::core::scheduler::Phase::Review {
                    c.learned += 1;
                }
            }
        }
        c
    }

    /// New items still allowed today under `limit`.
    pub fn new_left_today(&self, limit: u32, now: i64) -> usize {
        let today = study_day(now, self.utc_offset_secs);
        (limit as usize).saturating_sub(self.introduced.get(&today).copied().unwrap_or(0))
    }

    /// The next item to show: the most overdue due item, else (if `allow_new`) the
    /// first new one in deck order, skipping `skip`. Learning cards due within
    /// `learn_ahead_ms` count as due when nothing else is left (as Anki does).
    pub fn next(
        &self,
        f: &Filter,
        now: i64,
        allow_new: bool,
        skip: Option<usize>,
        learn_ahead_ms: i64,
    ) -> Option<usize> {
        let today = study_day(now, self.utc_offset_secs);
        let mut best_due: Option<(i64, usize)> = None;
        let mut first_new = None;
        let mut soonest_learning: Option<(i64, usize)> = None;
        for i in 0..self.items.len() {
            if Some(i) == skip || !self.matches(i, f) {
                continue;
            }
            let s = &self.states[i];
            if !s.available(today) {
                continue;
            }
            if s.is_new() {
                if first_new.is_none() {
                    first_new = Some(i);
                }
            } else if s.due <= now {
                if best_due.is_none_or(|(d, _)| s.due < d) {
                    best_due = Some((s.due, i));
                }
            } else if s.due <= now + learn_ahead_ms
                && matches!(
                    s.phase,
                    crate::core::scheduler::Phase::Learning(_)
                        | crate::core::scheduler::Phase::Relearning(_)
                )
                && soonest_learning.is_none_or(|(d, _)| s.due < d)
            {
                soonest_learning = Some((s.due, i));
            }
        }
        best_due
            .map(|(_, i)| i)
            .or(if allow_new { first_new } else { None })
            .or(soonest_learning.map(|(_, i)| i))
    }

    /// When the next item passing `f` becomes due after `now` (for the summary).
    pub fn next_due_after(&self, f: &Filter, now: i64) -> Option<i64> {
        (0..self.items.len())
            .filter(|i| {
                self.matches(*i, f) && !self.states[*i].is_new() && !self.states[*i].suspended
            })
            .map(|i| self.states[i].due)
            .filter(|d| *d > now)
            .min()
    }

    /// Answers item `i`: returns the log entry to append and the previous state.
    pub fn answer(
        &mut self,
        i: usize,
        rating: Rating,
        now: i64,
        elapsed_ms: u64,
    ) -> (Entry, CardState) {
        let (deck, card) = self.key(i);
        let e = Entry {
            t: now,
            deck,
            card,
            op: Op::Review,
            r: rating as u8,
            ms: elapsed_ms,
            of: None,
        };
        let prev = self.states[i];
        self.apply(&e);
        (e, prev)
    }

    /// An entry of kind `op` for item `i` at `now`, applied to the state.
    pub fn mark(&mut self, i: usize, op: Op, now: i64) -> Entry {
        let (deck, card) = self.key(i);
        let e = Entry {
            t: now,
            deck,
            card,
            op,
            r: 0,
            ms: 0,
            of: None,
        };
        self.apply(&e);
        e
    }

    /// Items whose card or deck carries any of `tags`.
    pub fn with_tags(&self, tags: &[&str]) -> Vec<usize> {
        (0..self.items.len())
            .filter(|i| {
                tags.iter()
                    .any(|t| self.matches(*i, &Filter::Tag((*t).to_string())))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::deck::{Deck, Origin};
    use crate::core::scheduler::{DAY, MINUTE, SchedulerConfig};

    const NOW: i64 = 1_790_000_000_000;

    fn lib(n: usize) -> Library {
        let cards: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{{\"id\":\"c{i}\",\"front\":\"Q{i}\",\"back\":\"A{i}\",\"tags\":[\"t{}\"]}}",
                    i % 2
                )
            })
            .collect();
        let text = format!(
            "{{\"id\":\"d\",\"title\":\"D\",\"source\":\"S\",\"cards\":[{}]}}",
            cards.join(",")
        );
        let deck = Deck::parse("d.json", &text, false).expect("deck");
        Library {
            decks: vec![(deck, Origin::Bundled)],
            problems: vec![],
        }
    }

    fn col(entries: &[Entry]) -> Collection {
        Collection::new(
            lib(5),
            entries,
            Scheduler::new(SchedulerConfig::default()),
            0,
        )
    }

    #[test]
    fn new_cards_in_order_then_learning_comes_back() {
        let mut c = col(&[]);
        assert_eq!(
            c.counts(&Filter::All, NOW),
            Counts {
                total: 5,
                new: 5,
                due: 0,
                learned: 0
            }
        );
        assert_eq!(c.next(&Filter::All, NOW, true, None, 0), Some(0));
        let (e, prev) = c.answer(0, Rating::Again, NOW, 900);
        assert!(prev.is_new());
        assert_eq!(e.r, 1);
        assert_eq!(c.next(&Filter::All, NOW, true, None, 0), Some(1));
        assert_eq!(
            c.next(&Filter::All, NOW + MINUTE, true, None, 0),
            Some(0),
            "learning card due again"
        );
        assert_eq!(
            c.next(&Filter::All, NOW, false, None, 20 * MINUTE),
            Some(0),
            "learn ahead"
        );
        assert_eq!(c.new_left_today(20, NOW), 19);
    }

    #[test]
    fn replay_from_log_equals_live_state() {
        let mut live = col(&[]);
        let mut log = Vec::new();
        let mut t = NOW;
        for r in [Rating::Good, Rating::Good, Rating::Again, Rating::Good] {
            log.push(live.answer(2, r, t, 1000).0);
            t += 11 * MINUTE;
        }
        let replay = col(&log);
        assert_eq!(replay.states[2], live.states[2]);
        assert_eq!(replay.counts(&Filter::All, t + 2 * DAY).new, 4);
    }

    #[test]
    fn undo_restores_state_and_new_count() {
        let mut c = col(&[]);
        let (e, prev) = c.answer(0, Rating::Good, NOW, 1);
        c.restore(0, prev, NOW);
        assert!(c.states[0].is_new());
        assert_eq!(c.new_left_today(20, NOW), 20);
        let undo = Entry {
            op: Op::Undo,
            of: Some(e.t),
            r: 0,
            ..e.clone()
        };
        let replay = col(&[e, undo]);
        assert!(replay.states[0].is_new());
    }

    #[test]
    fn filters_and_tags() {
        let c = col(&[]);
        assert_eq!(c.counts(&Filter::Tag("t1".into()), NOW).total, 2);
        assert_eq!(c.counts(&Filter::Deck(0), NOW).total, 5);
        assert_eq!(c.with_tags(&["t0"]), vec![0, 2, 4]);
    }

    #[test]
    fn unknown_cards_in_log_are_ignored() {
        let e = Entry {
            t: NOW,
            deck: "gone".into(),
            card: "x".into(),
            op: Op::Review,
            r: 3,
            ms: 0,
            of: None,
        };
        let c = col(&[e]);
        assert_eq!(c.counts(&Filter::All, NOW).new, 5);
    }
}

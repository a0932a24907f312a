//! The study collection: every study item of every loaded deck with its state derived
//! from the review log, deck counts, and the queue of a session (due first, then new
//! cards up to the daily limit). Time comes in as arguments.
use crate::core::deck::{CardKind, Library, cloze_numbers};
use crate::core::review_log::{Entry, EntryRef, Op, effective};
use crate::core::scheduler::{CardState, Phase, Rating, Scheduler, study_day};
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
    /// In the (re)learning steps, due now or later today.
    pub learning: usize,
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
    /// Key hash → item, with colliding items in the second list; built on first use.
    index: std::cell::OnceCell<(HashMap<u64, u32>, Vec<u32>)>,
    /// New items first answered on each study day.
    introduced: HashMap<i64, usize>,
}

/// FNV-1a over deck id, a separator and item key: the index key of an item.
pub fn key_hash(deck: &str, key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in deck.bytes().chain(std::iter::once(0xff)).chain(key.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Collection {
    /// The log key of an item.
    pub fn key(&self, i: usize) -> (String, String) {
        let it = self.items[i];
        let (deck, _) = &self.library.decks[it.deck as usize];
        let id = deck.card_id(it.card as usize);
        let key = match it.cloze {
            Some(n) => format!("{id}::c{n}"),
            None => id.to_string(),
        };
        (deck.id.clone(), key)
    }

    /// Whether item `i` has this deck id and key (no allocation).
    fn is_item(&self, i: usize, deck: &str, key: &str) -> bool {
        let it = self.items[i];
        let (d, _) = &self.library.decks[it.deck as usize];
        let id = d.card_id(it.card as usize);
        d.id == deck
            && match it.cloze {
                None => key == id,
                Some(n) => key
                    .strip_prefix(id)
                    .and_then(|r| r.strip_prefix("::c"))
                    .is_some_and(|r| r.parse::<u8>().ok() == Some(n)),
            }
    }

    fn hash_of(&self, i: usize) -> u64 {
        let it = self.items[i];
        let (d, _) = &self.library.decks[it.deck as usize];
        let id = d.card_id(it.card as usize);
        match it.cloze {
            None => key_hash(&d.id, id),
            Some(n) => key_hash(&d.id, &format!("{id}::c{n}")),
        }
    }

    /// A collection with no history.
    pub fn empty(library: Library, sched: Scheduler, utc_offset_secs: i32) -> Collection {
        let mut items = Vec::new();
        for (di, (deck, _)) in library.decks.iter().enumerate() {
            for ci in 0..deck.len() {
                if deck.kind(ci) == CardKind::Cloze {
                    for n in cloze_numbers(deck.front(ci)) {
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
            index: std::cell::OnceCell::new(),
            introduced: HashMap::new(),
        };
        c.states.shrink_to_fit();
        c
    }

    fn index(&self) -> &(HashMap<u64, u32>, Vec<u32>) {
        self.index.get_or_init(|| {
            let mut map = HashMap::with_capacity(self.items.len());
            let mut overflow = Vec::new();
            for i in 0..self.items.len() {
                if let Some(prev) = map.insert(self.hash_of(i), i as u32) {
                    // A 64-bit hash collision: keep both, the older one in `overflow`.
                    overflow.push(prev);
                }
            }
            (map, overflow)
        })
    }

    /// Builds the collection and replays owned entries (undone reviews skipped).
    pub fn new(
        library: Library,
        entries: &[Entry],
        sched: Scheduler,
        utc_offset_secs: i32,
    ) -> Collection {
        let mut c = Self::empty(library, sched, utc_offset_secs);
        for e in effective(entries) {
            c.apply(e);
        }
        c
    }

    /// Applies one owned log entry.
    pub fn apply(&mut self, e: &Entry) {
        self.apply_event(&e.deck, &e.card, e.op, e.r, e.t);
    }

    /// Applies one borrowed log entry.
    pub fn apply_ref(&mut self, e: &EntryRef<'_>) {
        self.apply_event(&e.deck, &e.card, e.op, e.r, e.t);
    }

    fn apply_event(&mut self, deck: &str, card: &str, op: Op, r: u8, t: i64) {
        // Unknown cards are ignored: their deck may be gone or renamed.
        if let Some(i) = self.find(deck, card) {
            self.apply_at(i, op, r, t);
        }
    }

    /// Applies an event to item `i` (live answers know their item: no lookup).
    fn apply_at(&mut self, i: usize, op: Op, r: u8, t: i64) {
        let day = study_day(t, self.utc_offset_secs);
        if op == Op::Review && self.states[i].is_new() {
            *self.introduced.entry(day).or_default() += 1;
        }
        self.states[i] = self.sched.apply(&self.states[i], op, r, t, day);
    }

    /// Saves every non-new state to a cache file (atomically) so the next launch
    /// replays only the log after `covered_len`. `tail_hash` identifies the log bytes
    /// just before that point.
    pub fn save_cache(
        &self,
        path: &std::path::Path,
        covered_len: u64,
        tail_hash: u64,
    ) -> std::io::Result<()> {
        let mut b: Vec<u8> = Vec::with_capacity(64 + self.items.len() * 24);
        b.extend_from_slice(CACHE_MAGIC);
        b.extend_from_slice(&covered_len.to_le_bytes());
        b.extend_from_slice(&tail_hash.to_le_bytes());
        b.extend_from_slice(&self.config_hash().to_le_bytes());
        b.extend_from_slice(&(self.introduced.len() as u32).to_le_bytes());
        for (day, n) in &self.introduced {
            b.extend_from_slice(&day.to_le_bytes());
            b.extend_from_slice(&(*n as u32).to_le_bytes());
        }
        let used: Vec<usize> = (0..self.items.len())
            .filter(|i| self.states[*i] != CardState::default())
            .collect();
        b.extend_from_slice(&(used.len() as u32).to_le_bytes());
        for i in used {
            b.extend_from_slice(&(i as u32).to_le_bytes());
            let (deck, key) = self.key(i);
            for s in [&deck, &key] {
                let bytes = s.as_bytes();
                b.extend_from_slice(&(bytes.len().min(u16::MAX as usize) as u16).to_le_bytes());
                b.extend_from_slice(&bytes[..bytes.len().min(u16::MAX as usize)]);
            }
            encode_state(&self.states[i], &mut b);
        }
        crate::core::store::write_atomic(path, &b)
    }

    /// Loads a cache written by [`Collection::save_cache`]: returns the log length it
    /// covers and the hash it expects, or None (and no change) when it is missing,
    /// unreadable or made with other scheduler settings.
    pub fn load_cache(&mut self, path: &std::path::Path) -> Option<(u64, u64)> {
        let file = std::fs::File::open(path).ok()?;
        let got = self.read_cache(&mut std::io::BufReader::with_capacity(64 * 1024, file));
        if got.is_none() {
            // States may be half-filled: start clean so the caller replays everything.
            self.reset();
        }
        got
    }

    /// Reads the cache as a stream: no copy of the whole file is held.
    fn read_cache(&mut self, f: &mut impl std::io::Read) -> Option<(u64, u64)> {
        let mut head = [0u8; 8 + 8 * 3 + 4];
        f.read_exact(&mut head).ok()?;
        let mut r = Reader { b: &head, i: 0 };
        if r.take(CACHE_MAGIC.len())? != CACHE_MAGIC {
            return None;
        }
        let covered = r.u64()?;
        let tail_hash = r.u64()?;
        if r.u64()? != self.config_hash() {
            return None;
        }
        let days = r.u32()?;
        let mut introduced = HashMap::new();
        for _ in 0..days {
            let mut d = [0u8; 12];
            f.read_exact(&mut d).ok()?;
            let mut r = Reader { b: &d, i: 0 };
            let day = r.u64()? as i64;
            introduced.insert(day, r.u32()? as usize);
        }
        let mut n = [0u8; 4];
        f.read_exact(&mut n).ok()?;
        let (mut deck, mut key) = (Vec::new(), Vec::new());
        let mut rec = [0u8; STATE_BYTES];
        for _ in 0..u32::from_le_bytes(n) {
            let mut h = [0u8; 6];
            f.read_exact(&mut h).ok()?;
            let hint = u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize;
            deck.resize(usize::from(u16::from_le_bytes([h[4], h[5]])), 0);
            f.read_exact(&mut deck).ok()?;
            let mut kl = [0u8; 2];
            f.read_exact(&mut kl).ok()?;
            key.resize(usize::from(u16::from_le_bytes(kl)), 0);
            f.read_exact(&mut key).ok()?;
            f.read_exact(&mut rec).ok()?;
            let st = decode_state(&mut Reader { b: &rec, i: 0 })?;
            let (d, k) = (
                std::str::from_utf8(&deck).ok()?,
                std::str::from_utf8(&key).ok()?,
            );
            // Items keep their order while decks are unchanged: try the saved position
            // before the index.
            let at = if hint < self.items.len() && self.is_item(hint, d, k) {
                Some(hint)
            } else {
                self.find(d, k)
            };
            if let Some(i) = at {
                self.states[i] = st;
            }
        }
        // Nothing may follow the last record.
        if f.read(&mut [0u8; 1]).ok()? != 0 {
            return None;
        }
        self.introduced = introduced;
        Some((covered, tail_hash))
    }

    /// Forgets all history (every item new again).
    pub fn reset(&mut self) {
        self.states
            .iter_mut()
            .for_each(|s| *s = CardState::default());
        self.introduced.clear();
    }

    fn config_hash(&self) -> u64 {
        let cfg = serde_json::to_string(self.sched.config()).unwrap_or_default();
        key_hash(&cfg, &format!("v1 {}", self.utc_offset_secs))
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
        let (map, overflow) = self.index();
        let hit = map.get(&key_hash(deck, key)).map(|i| *i as usize);
        match hit {
            Some(i) if self.is_item(i, deck, key) => Some(i),
            _ => overflow
                .iter()
                .map(|i| *i as usize)
                .find(|i| self.is_item(*i, deck, key)),
        }
    }

    /// Whether item `i` passes `f`.
    pub fn matches(&self, i: usize, f: &Filter) -> bool {
        let it = self.items[i];
        match f {
            Filter::All => true,
            Filter::Deck(d) => it.deck as usize == *d,
            Filter::Tag(t) => {
                let (deck, _) = &self.library.decks[it.deck as usize];
                deck.has_tag(it.card as usize, t)
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
                if s.phase == Phase::Review {
                    c.learned += 1;
                } else {
                    c.learning += 1;
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
                && matches!(s.phase, Phase::Learning(_) | Phase::Relearning(_))
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
        self.apply_at(i, e.op, e.r, e.t);
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
        self.apply_at(i, e.op, e.r, e.t);
        e
    }

    /// Every tag of every card (deck tags included), sorted, with its item count.
    pub fn all_tags(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for it in &self.items {
            let (deck, _) = &self.library.decks[it.deck as usize];
            for t in deck
                .tags
                .iter()
                .map(String::as_str)
                .chain(deck.card_tags(it.card as usize))
            {
                *counts.entry(t).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|(t, n)| (t.to_string(), n))
            .collect()
    }

    /// Items whose card or deck carries any of `tags`.
    pub fn with_tags(&self, tags: &[&str]) -> Vec<usize> {
        (0..self.items.len())
            .filter(|i| {
                let it = self.items[*i];
                let (deck, _) = &self.library.decks[it.deck as usize];
                tags.iter().any(|t| deck.has_tag(it.card as usize, t))
            })
            .collect()
    }
}

const CACHE_MAGIC: &[u8] = b"MUSTERC2";
/// Bytes of one encoded [`CardState`].
const STATE_BYTES: usize = 4 + 4 + 4 + 8 + 8 + 4 + 4 + 4 + 8;

fn encode_state(s: &CardState, b: &mut Vec<u8>) {
    let (phase, step) = match s.phase {
        Phase::New => (0u8, 0u8),
        Phase::Learning(k) => (1, k),
        Phase::Review => (2, 0),
        Phase::Relearning(k) => (3, k),
    };
    b.extend_from_slice(&[
        phase,
        step,
        u8::from(s.memory.is_some()),
        u8::from(s.suspended),
    ]);
    let m = s.memory.unwrap_or(fsrs::MemoryState {
        stability: 0.0,
        difficulty: 0.0,
    });
    b.extend_from_slice(&m.stability.to_le_bytes());
    b.extend_from_slice(&m.difficulty.to_le_bytes());
    b.extend_from_slice(&s.due.to_le_bytes());
    b.extend_from_slice(
        &s.last_review
            .map_or(i64::MIN, std::num::NonZeroI64::get)
            .to_le_bytes(),
    );
    b.extend_from_slice(&s.interval_days.to_le_bytes());
    b.extend_from_slice(&u32::from(s.reps).to_le_bytes());
    b.extend_from_slice(&u32::from(s.lapses).to_le_bytes());
    b.extend_from_slice(&s.buried_until_day.map_or(i64::MIN, i64::from).to_le_bytes());
}

fn decode_state(r: &mut Reader<'_>) -> Option<CardState> {
    let h = r.take(4)?;
    let phase = match (h[0], h[1]) {
        (0, _) => Phase::New,
        (1, k) => Phase::Learning(k),
        (2, _) => Phase::Review,
        (3, k) => Phase::Relearning(k),
        _ => return None,
    };
    let stability = f32::from_le_bytes(r.take(4)?.try_into().ok()?);
    let difficulty = f32::from_le_bytes(r.take(4)?.try_into().ok()?);
    let opt = |v: i64| (v != i64::MIN).then_some(v);
    Some(CardState {
        phase,
        memory: (h[2] == 1).then_some(fsrs::MemoryState {
            stability,
            difficulty,
        }),
        suspended: h[3] == 1,
        due: r.u64()? as i64,
        last_review: opt(r.u64()? as i64).and_then(std::num::NonZeroI64::new),
        interval_days: r.u32()?,
        reps: u16::try_from(r.u32()?).unwrap_or(u16::MAX),
        lapses: u16::try_from(r.u32()?).unwrap_or(u16::MAX),
        buried_until_day: opt(r.u64()? as i64).and_then(|d| i32::try_from(d).ok()),
    })
}

/// Bounds-checked little-endian reader: a truncated or corrupt cache gives None.
struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.i..self.i.checked_add(n)?)?;
        self.i += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// The log length and log-prefix hash a cache file was written for, without
/// loading it.
pub fn cache_header(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::io::Read;
    let mut head = [0u8; 24];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    let mut r = Reader { b: &head, i: 0 };
    (r.take(CACHE_MAGIC.len())? == CACHE_MAGIC).then_some(())?;
    Some((r.u64()?, r.u64()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::deck::Origin;
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
        let deck =
            crate::core::compact::LoadedDeck::parse("d.json", text.into(), false).expect("deck");
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
                learned: 0,
                learning: 0
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
    fn cache_round_trips_and_rejects_garbage() {
        let mut live = col(&[]);
        live.answer(1, Rating::Good, NOW, 1);
        live.answer(2, Rating::Easy, NOW, 1);
        live.mark(3, Op::Suspend, NOW);
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("state.cache");
        live.save_cache(&p, 123, 456).expect("save");
        let mut fresh = col(&[]);
        assert_eq!(fresh.load_cache(&p), Some((123, 456)));
        assert_eq!(fresh.states, live.states);
        assert_eq!(fresh.new_left_today(20, NOW), live.new_left_today(20, NOW));
        let bytes = std::fs::read(&p).expect("read");
        for cut in 0..bytes.len() {
            std::fs::write(&p, &bytes[..cut]).expect("w");
            let mut c = col(&[]);
            assert_eq!(c.load_cache(&p), None, "truncated at {cut}");
            assert!(c.states.iter().all(CardState::is_new));
        }
        let mut other = Collection::new(
            lib(5),
            &[],
            Scheduler::new(SchedulerConfig {
                desired_retention: 0.8,
                ..SchedulerConfig::default()
            }),
            0,
        );
        std::fs::write(&p, &bytes).expect("w");
        assert_eq!(other.load_cache(&p), None, "other settings");
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

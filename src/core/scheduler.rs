//! Scheduling glue around the `fsrs` crate (FSRS-6, Anki's scheduler): card state
//! derived from the review log, short-term learning steps (the app's job, not FSRS's),
//! intervals previewed per rating, and the study-day boundary.
use crate::core::review_log::Op;
use fsrs::{DEFAULT_PARAMETERS, FSRS, MemoryState};

/// One minute in milliseconds.
pub const MINUTE: i64 = 60_000;
/// One day in milliseconds.
pub const DAY: i64 = 86_400_000;

/// The four answer buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Forgot.
    Again = 1,
    /// Recalled with difficulty.
    Hard = 2,
    /// Recalled.
    Good = 3,
    /// Trivial.
    Easy = 4,
}

impl Rating {
    /// All ratings, button order.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// From the log's 1–4.
    pub fn from_u8(v: u8) -> Option<Rating> {
        Self::ALL.get(usize::from(v).checked_sub(1)?).copied()
    }

    /// Button label.
    pub fn label(self) -> &'static str {
        match self {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        }
    }
}

/// Where a card is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// Never answered.
    #[default]
    New,
    /// In the learning steps (index into them).
    Learning(u8),
    /// Graduated; scheduled in days by FSRS.
    Review,
    /// Lapsed; in the relearning steps.
    Relearning(u8),
}

/// The derived state of one study item.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CardState {
    /// Life phase.
    pub phase: Phase,
    /// FSRS memory state once answered at least once.
    pub memory: Option<MemoryState>,
    /// When it is next due (unix ms); 0 for new cards.
    pub due: i64,
    /// Last review time (unix ms).
    pub last_review: Option<std::num::NonZeroI64>,
    /// Scheduled interval in days (review phase).
    pub interval_days: u32,
    /// Number of reviews.
    pub reps: u16,
    /// Number of lapses (Again in review phase).
    pub lapses: u16,
    /// Suspended by the user.
    pub suspended: bool,
    /// Hidden until this study day (exclusive) when buried.
    pub buried_until_day: Option<i32>,
}

impl CardState {
    /// True when never answered.
    pub fn is_new(&self) -> bool {
        self.phase == Phase::New
    }
    /// True when studyable now: not new, due by `now`, not suspended/buried.
    pub fn is_due(&self, now: i64, today: i64) -> bool {
        !self.is_new() && self.available(today) && self.due <= now
    }
    /// Not suspended and not buried on study day `today`.
    pub fn available(&self, today: i64) -> bool {
        !self.suspended && self.buried_until_day.is_none_or(|d| today >= i64::from(d))
    }
}

/// Scheduler settings (per profile).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SchedulerConfig {
    /// FSRS desired retention (0.7–0.99).
    pub desired_retention: f32,
    /// Learning steps for new cards, minutes.
    pub learning_steps: Vec<u32>,
    /// Relearning steps for lapsed cards, minutes.
    pub relearning_steps: Vec<u32>,
    /// Longest interval, days.
    pub maximum_interval: u32,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            desired_retention: 0.9,
            learning_steps: vec![1, 10],
            relearning_steps: vec![10],
            maximum_interval: 36_500,
        }
    }
}

/// The FSRS model plus the app's learning-step policy.
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    cfg: SchedulerConfig,
}

/// A human-readable interval: "1m", "10m", "3d", "2.1mo", "1.4y".
pub fn format_interval(ms: i64) -> String {
    let mins = ms as f64 / MINUTE as f64;
    if mins < 60.0 {
        format!("{}m", mins.round().max(1.0))
    } else if mins < 60.0 * 24.0 {
        format!("{}h", (mins / 60.0).round())
    } else {
        let days = mins / (60.0 * 24.0);
        if days < 30.0 {
            format!("{}d", days.round())
        } else if days < 365.0 {
            format!("{:.1}mo", days / 30.0)
        } else {
            format!("{:.1}y", days / 365.0)
        }
    }
}

impl Scheduler {
    /// A scheduler with FSRS-6 default parameters and `cfg`.
    pub fn new(cfg: SchedulerConfig) -> Scheduler {
        // FSRS::new only fails for a malformed parameter list; the default is valid,
        // and FSRS::default() is the same model.
        let fsrs = FSRS::new(&DEFAULT_PARAMETERS).unwrap_or_default();
        let mut cfg = cfg;
        cfg.desired_retention = cfg.desired_retention.clamp(0.7, 0.99);
        if cfg.learning_steps.is_empty() {
            cfg.learning_steps = vec![10];
        }
        Scheduler { fsrs, cfg }
    }

    /// The settings in force.
    pub fn config(&self) -> &SchedulerConfig {
        &self.cfg
    }

    /// The memory state after each rating (Again, Hard, Good, Easy), from one FSRS call.
    fn memories_after(&self, state: &CardState, now: i64) -> Option<[MemoryState; 4]> {
        let days = state
            .last_review
            .map(std::num::NonZeroI64::get)
            .map(|l| ((now - l).max(0) / DAY) as u32)
            .unwrap_or(0);
        let next = self
            .fsrs
            .next_states(state.memory, self.cfg.desired_retention, days)
            .ok()?;
        Some([
            next.again.memory,
            next.hard.memory,
            next.good.memory,
            next.easy.memory,
        ])
    }

    fn days_for(&self, memory: Option<MemoryState>, floor: u32) -> u32 {
        let s = memory.map(|m| m.stability).unwrap_or(1.0);
        let iv = self
            .fsrs
            .next_interval(Some(s), self.cfg.desired_retention, 3);
        let d = if iv.is_finite() { iv.round() as i64 } else { 1 };
        (d.clamp(1, i64::from(self.cfg.maximum_interval)) as u32).max(floor)
    }

    fn step_ms(steps: &[u32], i: usize) -> i64 {
        i64::from(steps.get(i).copied().unwrap_or(10)) * MINUTE
    }

    /// The state after answering `rating` at `now`.
    pub fn answer(&self, state: &CardState, rating: Rating, now: i64) -> CardState {
        let all = self.memories_after(state, now);
        let memory = all.map(|m| m[rating as usize - 1]).or(state.memory);
        let mut next = CardState {
            memory,
            last_review: std::num::NonZeroI64::new(now),
            reps: state.reps.saturating_add(1),
            ..*state
        };
        let graduate = |next: &mut CardState, floor: u32| {
            let d = self.days_for(memory, floor);
            next.phase = Phase::Review;
            next.interval_days = d;
            next.due = now + i64::from(d) * DAY;
        };
        let learn = &self.cfg.learning_steps;
        let relearn = &self.cfg.relearning_steps;
        match (state.phase, rating) {
            (Phase::New | Phase::Learning(_), Rating::Easy) => graduate(&mut next, 1),
            (Phase::New, Rating::Again) | (Phase::Learning(_), Rating::Again) => {
                next.phase = Phase::Learning(0);
                next.due = now + Self::step_ms(learn, 0);
            }
            (Phase::New, Rating::Hard) => {
                // Anki: Hard on the first step waits between the first and second step.
                let a = Self::step_ms(learn, 0);
                let b = learn
                    .get(1)
                    .map(|m| i64::from(*m) * MINUTE)
                    .unwrap_or(a * 3 / 2);
                next.phase = Phase::Learning(0);
                next.due = now + (a + b) / 2;
            }
            (Phase::Learning(i), Rating::Hard) => {
                next.phase = Phase::Learning(i);
                next.due = now + Self::step_ms(learn, usize::from(i));
            }
            (Phase::New, Rating::Good) | (Phase::Learning(_), Rating::Good) => {
                let i = match state.phase {
                    Phase::Learning(i) => usize::from(i) + 1,
                    _ => 1,
                };
                if i >= learn.len() {
                    graduate(&mut next, 1);
                } else {
                    next.phase = Phase::Learning(i as u8);
                    next.due = now + Self::step_ms(learn, i);
                }
            }
            (Phase::Review, Rating::Again) => {
                next.lapses = next.lapses.saturating_add(1);
                if relearn.is_empty() {
                    graduate(&mut next, 1);
                } else {
                    next.phase = Phase::Relearning(0);
                    next.due = now + Self::step_ms(relearn, 0);
                }
            }
            (Phase::Review, r) => {
                // Keep Hard < Good < Easy, as Anki does.
                let hard = self.days_for(all.map(|m| m[1]), 1);
                let good = self.days_for(all.map(|m| m[2]), 1).max(hard + 1);
                let d = match r {
                    Rating::Hard => hard,
                    Rating::Good => good,
                    _ => self.days_for(memory, 1).max(good + 1),
                };
                next.phase = Phase::Review;
                next.interval_days = d;
                next.due = now + i64::from(d) * DAY;
            }
            (Phase::Relearning(_), Rating::Again) => {
                next.phase = Phase::Relearning(0);
                next.due = now + Self::step_ms(relearn, 0);
            }
            (Phase::Relearning(i), Rating::Hard) => {
                next.phase = Phase::Relearning(i);
                next.due = now + Self::step_ms(relearn, usize::from(i));
            }
            (Phase::Relearning(i), Rating::Good) => {
                let i = usize::from(i) + 1;
                if i >= relearn.len() {
                    graduate(&mut next, 1);
                } else {
                    next.phase = Phase::Relearning(i as u8);
                    next.due = now + Self::step_ms(relearn, i);
                }
            }
            (Phase::Relearning(_), Rating::Easy) => graduate(&mut next, 1),
        }
        next
    }

    /// What each button would give: (rating, time until due in ms).
    pub fn preview(&self, state: &CardState, now: i64) -> [(Rating, i64); 4] {
        Rating::ALL.map(|r| (r, self.answer(state, r, now).due - now))
    }

    /// Applies one log event to a state (`entry_day` is its study day, for burying).
    pub fn apply(&self, state: &CardState, op: Op, r: u8, t: i64, entry_day: i64) -> CardState {
        match op {
            Op::Review => match Rating::from_u8(r) {
                Some(r) => {
                    let mut s = self.answer(state, r, t);
                    s.buried_until_day = None;
                    s
                }
                None => *state,
            },
            Op::Suspend => CardState {
                suspended: true,
                ..*state
            },
            Op::Unsuspend => CardState {
                suspended: false,
                ..*state
            },
            Op::Bury => CardState {
                buried_until_day: i32::try_from(entry_day + 1).ok(),
                ..*state
            },
            Op::MakeDue => {
                if state.is_new() {
                    *state
                } else {
                    CardState {
                        due: state.due.min(t),
                        ..*state
                    }
                }
            }
            Op::Undo => *state,
        }
    }
}

/// The study day of unix-ms `t`, with the day rolling over at 04:00 local time
/// (as Anki does) given the UTC offset in seconds in force at `t`.
pub fn study_day(t: i64, utc_offset_secs: i32) -> i64 {
    (t + i64::from(utc_offset_secs) * 1000 - 4 * 3_600_000).div_euclid(DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000_000;

    fn sched() -> Scheduler {
        Scheduler::new(SchedulerConfig::default())
    }

    #[test]
    fn new_card_steps_follow_anki() {
        let s = sched();
        let new = CardState::default();
        let p = s.preview(&new, NOW);
        assert_eq!(p[0].1, MINUTE);
        assert_eq!(p[1].1, (MINUTE + 10 * MINUTE) / 2);
        assert_eq!(p[2].1, 10 * MINUTE);
        assert!(p[3].1 >= DAY, "easy graduates");
        let after_good = s.answer(&new, Rating::Good, NOW);
        assert_eq!(after_good.phase, Phase::Learning(1));
        let grad = s.answer(&after_good, Rating::Good, NOW + 10 * MINUTE);
        assert_eq!(grad.phase, Phase::Review);
        assert!(grad.interval_days >= 1);
        assert!(grad.memory.is_some());
    }

    #[test]
    fn good_lengthens_intervals_in_review() {
        let s = sched();
        let mut st = s.answer(&CardState::default(), Rating::Easy, NOW);
        let mut last = st.interval_days;
        let mut t = NOW;
        for _ in 0..4 {
            t = st.due;
            st = s.answer(&st, Rating::Good, t);
            assert!(st.interval_days > last, "{} > {}", st.interval_days, last);
            last = st.interval_days;
        }
        assert!(t > NOW);
    }

    #[test]
    fn ratings_are_ordered_in_review() {
        let s = sched();
        let st = s.answer(&CardState::default(), Rating::Easy, NOW);
        let p = s.preview(&st, st.due);
        assert!(
            p[0].1 < p[1].1 && p[1].1 < p[2].1 && p[2].1 < p[3].1,
            "{p:?}"
        );
    }

    #[test]
    fn again_lapses_into_relearning() {
        let s = sched();
        let st = s.answer(&CardState::default(), Rating::Easy, NOW);
        let lapsed = s.answer(&st, Rating::Again, st.due);
        assert_eq!(lapsed.phase, Phase::Relearning(0));
        assert_eq!(lapsed.lapses, 1);
        assert_eq!(lapsed.due, st.due + 10 * MINUTE);
        let stab_before = st.memory.map(|m| m.stability).unwrap_or(0.0);
        let stab_after = lapsed.memory.map(|m| m.stability).unwrap_or(f32::MAX);
        assert!(stab_after < stab_before);
        let back = s.answer(&lapsed, Rating::Good, lapsed.due);
        assert_eq!(back.phase, Phase::Review);
    }

    #[test]
    fn suspend_bury_and_make_due() {
        let s = sched();
        let st = s.answer(&CardState::default(), Rating::Easy, NOW);
        let sus = s.apply(&st, Op::Suspend, 0, NOW, 10);
        assert!(!sus.available(10));
        assert!(s.apply(&sus, Op::Unsuspend, 0, NOW, 10).available(10));
        let bur = s.apply(&st, Op::Bury, 0, NOW, 10);
        assert!(!bur.available(10) && bur.available(11));
        let due = s.apply(&st, Op::MakeDue, 0, NOW, 10);
        assert!(due.is_due(NOW, 10));
        assert!(
            s.apply(&CardState::default(), Op::MakeDue, 0, NOW, 10)
                .is_new()
        );
    }

    #[test]
    fn study_day_rolls_over_at_four() {
        let midnight = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        assert_eq!(
            study_day(midnight + 3 * 3_600_000, 0),
            study_day(midnight - 1, 0)
        );
        assert_eq!(
            study_day(midnight + 5 * 3_600_000, 0),
            study_day(midnight - 1, 0) + 1
        );
    }

    #[test]
    fn intervals_format() {
        assert_eq!(format_interval(MINUTE), "1m");
        assert_eq!(format_interval(3 * DAY), "3d");
        assert_eq!(format_interval(400 * DAY), "1.1y");
    }
}

#[cfg(test)]
mod size_tests {
    /// The state is kept for every card: its size is part of the memory budget.
    #[test]
    fn card_state_stays_small() {
        assert!(
            std::mem::size_of::<super::CardState>() <= 48,
            "{}",
            std::mem::size_of::<super::CardState>()
        );
    }
}

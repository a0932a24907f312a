//! Drill sessions: walking a scenario's worksheet steps and questions, grading each
//! answer at once with partial credit and the engine's explanation.
use crate::app::{Action, Effect, State};
use crate::core::policy::Model;
use crate::core::scenario::{self, Grade, Loaded, Step, category_score, set_score};
use crate::core::store::DrillResult;
use crate::core::worksheet::explain_route;

/// One step of a drill.
#[derive(Debug, Clone, PartialEq)]
pub enum DrillStep {
    /// A worksheet step.
    Sheet(Step),
    /// A question (index into the scenario's questions).
    Question(usize),
}

/// How a step is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Pick one option.
    Single,
    /// Tick any number of options.
    Multi,
}

/// A drill in progress.
#[derive(Debug, Clone)]
pub struct DrillSession {
    /// Index into `State::scenarios`.
    pub scenario: usize,
    /// Steps in order.
    pub steps: Vec<DrillStep>,
    /// Current step.
    pub pos: usize,
    /// Cursor in the options.
    pub cursor: usize,
    /// Ticked options (multi-select).
    pub ticked: Vec<usize>,
    /// Grades so far.
    pub grades: Vec<Grade>,
    /// Feedback on the step just answered.
    pub feedback: Option<Grade>,
    /// All steps done.
    pub finished: bool,
    /// Lines the case panel is scrolled by.
    pub scroll: u16,
}

/// The prompt, options and answer mode of a step.
pub struct StepView {
    /// Heading.
    pub title: String,
    /// The question.
    pub prompt: String,
    /// Options.
    pub options: Vec<String>,
    /// Single or multi.
    pub answer: Answer,
}

impl DrillSession {
    /// Starts a drill on scenario `idx`.
    pub fn new(idx: usize, l: &Loaded) -> DrillSession {
        let mut steps: Vec<DrillStep> = Step::ORDER
            .iter()
            .filter(|s| l.scenario.asks.contains(s))
            .filter(|s| applicable(l, **s))
            .map(|s| DrillStep::Sheet(*s))
            .collect();
        steps.extend((0..l.scenario.questions.len()).map(DrillStep::Question));
        DrillSession {
            scenario: idx,
            steps,
            pos: 0,
            cursor: 0,
            ticked: Vec::new(),
            grades: Vec::new(),
            feedback: None,
            finished: false,
            scroll: 0,
        }
    }

    /// Total score 0–1.
    pub fn score(&self) -> f32 {
        if self.grades.is_empty() {
            0.0
        } else {
            self.grades.iter().map(|g| g.score).sum::<f32>() / self.grades.len() as f32
        }
    }
}

fn recommended(l: &Loaded) -> Option<String> {
    l.sheet
        .as_ref()?
        .violations
        .first()?
        .recommended
        .as_ref()
        .map(|r| r.discipline.clone())
}

fn applicable(l: &Loaded, s: Step) -> bool {
    let Some(ws) = &l.sheet else { return false };
    match s {
        Step::Active | Step::Related => {
            l.policy.model == Model::Reckoning && !l.scenario.history.is_empty()
        }
        Step::Level => l.policy.model == Model::Matrix,
        Step::Authority => recommended(l).is_some() && !l.policy.authority.is_empty(),
        Step::Route => ws.route.is_some(),
        _ => true,
    }
}

fn history_options(l: &Loaded) -> Vec<String> {
    l.case
        .as_ref()
        .map(|c| {
            c.history
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    format!(
                        "#{i} {} — Category {}, occurred {}{}",
                        p.violation,
                        p.category_id(&l.policy),
                        p.occurred,
                        p.disciplined
                            .map(|d| format!(", disciplined {d}"))
                            .unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The category choices as (label, id). A case under a special-circumstance table
/// (DUI, failure to appear, collisions) also offers those tables.
fn category_choices(l: &Loaded) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = l
        .policy
        .categories
        .iter()
        .map(|c| (format!("Category {}", c.id), c.id.clone()))
        .collect();
    let special_case = l
        .sheet
        .as_ref()
        .and_then(|w| w.violations.first())
        .is_some_and(|v| l.policy.special.iter().any(|sp| sp.id == v.base));
    if special_case {
        out.extend(
            l.policy
                .special
                .iter()
                .map(|sp| (format!("Special circumstance: {}", sp.title), sp.id.clone())),
        );
    }
    out
}

fn categories(l: &Loaded) -> Vec<String> {
    category_choices(l).into_iter().map(|c| c.0).collect()
}

/// Scores a category pick: exact 1, one category off 0.5 (special tables: exact only).
fn category_pick_score(l: &Loaded, cursor: usize, want: &str) -> f32 {
    match category_choices(l).get(cursor) {
        Some((_, id)) if id == want => 1.0,
        Some((_, id)) => category_score(&l.policy, id, want),
        None => 0.0,
    }
}

/// How the correct category is shown.
fn category_label(l: &Loaded, id: &str) -> String {
    category_choices(l)
        .into_iter()
        .find(|c| c.1 == id)
        .map_or_else(|| format!("Category {id}"), |c| c.0)
}

/// What step `pos` asks.
pub fn view(l: &Loaded, step: &DrillStep) -> StepView {
    let first = l.sheet.as_ref().and_then(|w| w.violations.first());
    let vname = first.map(|v| v.violation.clone()).unwrap_or_default();
    let occurred = l
        .case
        .as_ref()
        .and_then(|c| c.current.first())
        .map(|c| c.occurred.to_string())
        .unwrap_or_default();
    let single = |title: &str, prompt: String, options: Vec<String>| StepView {
        title: title.into(),
        prompt,
        options,
        answer: Answer::Single,
    };
    match step {
        DrillStep::Question(i) => {
            let q = &l.scenario.questions[*i];
            single("Question", q.prompt.clone(), q.options.clone())
        }
        DrillStep::Sheet(s) => {
            let t = s.title();
            match s {
                Step::Base => single(
                    t,
                    format!("Categorize \"{vname}\" on its own, before any history (Step One)."),
                    categories(l),
                ),
                Step::Active => StepView {
                    title: t.into(),
                    prompt: format!(
                        "Tick every past violation whose reckoning period is active on {occurred} (remember relate-back). Space ticks, Enter submits."
                    ),
                    options: history_options(l),
                    answer: Answer::Multi,
                },
                Step::Related => StepView {
                    title: t.into(),
                    prompt: format!(
                        "Tick the active past violations that are the same as, similar or related to \"{vname}\". Space ticks, Enter submits."
                    ),
                    options: history_options(l),
                    answer: Answer::Multi,
                },
                Step::Adjusted => single(
                    t,
                    format!("After Step Two, what is the adjusted category of \"{vname}\"?"),
                    categories(l),
                ),
                Step::Level => {
                    // Special-circumstance tables (DUI, collisions) may have more levels.
                    let max = l
                        .policy
                        .categories
                        .iter()
                        .map(|c| c.levels.len())
                        .chain(l.policy.special.iter().map(|sp| sp.levels.len()))
                        .max()
                        .unwrap_or(1)
                        .max(2);
                    single(
                        t,
                        "Count the past violations of the same category inside its look-back window: which penalty level applies (after any move to the next category)?".into(),
                        (1..=max).map(|n| format!("Level {n}")).collect(),
                    )
                }
                Step::Recommended => match recommended(l) {
                    Some(d) => single(
                        t,
                        format!(
                            "The supervisor recommends a {}. Is that within the range of the adjusted category?",
                            scenario::describe_discipline(&d)
                        ),
                        vec!["Yes, within range".into(), "No, outside the range".into()],
                    ),
                    None => single(
                        t,
                        "Pick a discipline that lies within the adjusted category's range.".into(),
                        scenario::discipline_options(&l.policy)
                            .iter()
                            .map(|d| scenario::describe_discipline(d))
                            .collect(),
                    ),
                },
                Step::Authority => single(
                    t,
                    format!(
                        "Who is the lowest authority that may impose a {}?",
                        recommended(l)
                            .map(|d| scenario::describe_discipline(&d))
                            .unwrap_or_default()
                    ),
                    scenario::rank_options(&l.policy),
                ),
                Step::Route => single(
                    t,
                    "Where does the complaint file go for disciplinary action?".into(),
                    vec![
                        "Unit — non-adverse action arranged by the unit commander".into(),
                        "OPS — formal adverse action charges".into(),
                    ],
                ),
            }
        }
    }
}

fn explanation_for(l: &Loaded, s: Step) -> String {
    let Some(line) = l.sheet.as_ref().and_then(|w| w.violations.first()) else {
        return String::new();
    };
    let pick = |pred: &dyn Fn(&str) -> bool| -> String {
        line.explanation
            .iter()
            .filter(|e| pred(e))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    };
    match s {
        Step::Base => pick(&|e| {
            e.starts_with("Step One") || e.starts_with("Category ") && e.contains("example")
        }),
        Step::Active => pick(&|e| {
            e.starts_with('#')
                && (e.contains(" is active on ")
                    || e.contains(" is not counted")
                    || e.contains(" relates back "))
        }),
        Step::Related => pick(&|e| {
            e.starts_with('#') && (e.contains(" counts as same") || e.contains(" is not related"))
        }),
        Step::Adjusted => pick(&|e| {
            e.starts_with("Step Two")
                || e.starts_with("Adjusted")
                || e.starts_with("Both")
                || e.contains("is the highest")
                || e.contains("moves the case")
        }),
        Step::Level => pick(&|e| {
            e.contains("violation number") || e.contains("level") || e.contains("moves the case")
        }),
        Step::Recommended => pick(&|e| {
            e.starts_with("Step Four")
                || e.starts_with("The list fixes")
                || e.starts_with("Step Three")
                || e.starts_with("Mitigating")
        }),
        Step::Authority => pick(&|e| e.contains("lowest authority") || e.contains("names no rank")),
        Step::Route => l
            .sheet
            .as_ref()
            .and_then(|w| explain_route(w, &l.policy))
            .unwrap_or_default(),
    }
}

/// Grades an answer to a step.
pub fn grade(l: &Loaded, step: &DrillStep, cursor: usize, ticked: &[usize]) -> Grade {
    let opts = view(l, step).options;
    let chosen = opts.get(cursor).cloned().unwrap_or_default();
    let line = l.sheet.as_ref().and_then(|w| w.violations.first());
    let tags = |s: Step| s.tags().iter().map(|t| t.to_string()).collect::<Vec<_>>();
    match step {
        DrillStep::Question(i) => {
            let q = &l.scenario.questions[*i];
            Grade {
                step: q.id.clone(),
                score: if chosen == q.answer { 1.0 } else { 0.0 },
                correct: q.answer.clone(),
                explanation: format!("{} — {}", q.explanation, q.cite),
                tags: q.tags.clone(),
            }
        }
        DrillStep::Sheet(s) => {
            let Some(line) = line else {
                return Grade {
                    step: format!("{s:?}"),
                    score: 0.0,
                    correct: String::new(),
                    explanation: String::new(),
                    tags: vec![],
                };
            };
            let (score, correct) = match s {
                Step::Base => (
                    category_pick_score(l, cursor, &line.base),
                    category_label(l, &line.base),
                ),
                Step::Adjusted => (
                    category_pick_score(l, cursor, &line.adjusted),
                    category_label(l, &line.adjusted),
                ),
                Step::Active | Step::Related => {
                    let want = if *s == Step::Active {
                        &line.active
                    } else {
                        &line.related
                    };
                    let hist = history_options(l);
                    let names: Vec<String> =
                        want.iter().filter_map(|i| hist.get(*i).cloned()).collect();
                    (
                        set_score(ticked, want),
                        if names.is_empty() {
                            "None of them".into()
                        } else {
                            names.join("; ")
                        },
                    )
                }
                Step::Level => {
                    let lv = line.level.unwrap_or(1);
                    let mut c = format!("Level {lv}");
                    if line.raised_by.iter().any(|r| r == "repeat") {
                        c = format!(
                            "Level {lv} of Category {} (moved up from {})",
                            line.adjusted, line.base
                        );
                    }
                    (
                        if chosen == format!("Level {lv}") {
                            1.0
                        } else {
                            0.0
                        },
                        c,
                    )
                }
                Step::Recommended => match &line.recommended {
                    Some(r) => {
                        let yes = cursor == 0;
                        (
                            if yes == r.within_range { 1.0 } else { 0.0 },
                            if r.within_range {
                                "Yes, within range".into()
                            } else {
                                "No, outside the range".into()
                            },
                        )
                    }
                    None => {
                        let raw = scenario::discipline_options(&l.policy);
                        let picked = raw.get(cursor).cloned().unwrap_or_default();
                        let desc: Vec<String> = line
                            .range
                            .iter()
                            .map(|d| scenario::describe_discipline(d))
                            .collect();
                        (
                            scenario::recommended_score(&line.range, &picked),
                            format!("Any of: {}", desc.join(", ")),
                        )
                    }
                },
                Step::Authority => {
                    let want = line
                        .recommended
                        .as_ref()
                        .and_then(|r| r.authority.clone())
                        .unwrap_or_else(|| "None named".into());
                    let ranks = &l.policy.ranks;
                    let score = match (
                        ranks.iter().position(|r| *r == chosen),
                        ranks.iter().position(|r| *r == want),
                    ) {
                        (Some(a), Some(b)) if a == b => 1.0,
                        // A higher rank may also impose it, but the question asks for the lowest.
                        (Some(a), Some(b)) if a > b => 0.5,
                        _ => 0.0,
                    };
                    (score, want)
                }
                Step::Route => {
                    let want = l
                        .sheet
                        .as_ref()
                        .and_then(|w| w.route.clone())
                        .unwrap_or_default();
                    let picked = if cursor == 0 { "unit" } else { "ops" };
                    (
                        if picked == want { 1.0 } else { 0.0 },
                        if want == "ops" {
                            opts[1].clone()
                        } else {
                            opts[0].clone()
                        },
                    )
                }
            };
            Grade {
                step: format!("{s:?}").to_lowercase(),
                score,
                correct,
                explanation: explanation_for(l, *s),
                tags: tags(*s),
            }
        }
    }
}

/// Handles an action inside a drill.
pub fn update(state: &mut State, d: &mut DrillSession, action: Action) -> Vec<Effect> {
    let Some(l) = state.scenarios.get(d.scenario) else {
        return vec![];
    };
    match action {
        Action::ScrollDown => {
            d.scroll = d.scroll.saturating_add(5);
            return vec![];
        }
        Action::ScrollUp => {
            d.scroll = d.scroll.saturating_sub(5);
            return vec![];
        }
        _ => {}
    }
    if d.finished {
        return vec![];
    }
    if d.feedback.is_some() {
        if action == Action::Select {
            d.feedback = None;
            d.pos += 1;
            d.cursor = 0;
            d.ticked.clear();
            if d.pos >= d.steps.len() {
                return finish(state, d);
            }
        }
        return vec![];
    }
    let Some(step) = d.steps.get(d.pos).cloned() else {
        return finish(state, d);
    };
    let v = view(l, &step);
    let n = v.options.len();
    match action {
        Action::Up => d.cursor = d.cursor.saturating_sub(1),
        Action::Down => d.cursor = (d.cursor + 1).min(n.saturating_sub(1)),
        Action::Pick(c) if c.is_ascii_lowercase() => {
            let i = c as usize - 'a' as usize;
            if i < n {
                d.cursor = i;
                if v.answer == Answer::Multi {
                    toggle(&mut d.ticked, i);
                }
            }
        }
        Action::Toggle if v.answer == Answer::Multi && n > 0 => toggle(&mut d.ticked, d.cursor),
        Action::Select => {
            let g = grade(l, &step, d.cursor, &d.ticked);
            d.grades.push(g.clone());
            d.feedback = Some(g);
        }
        _ => {}
    }
    vec![]
}

fn toggle(v: &mut Vec<usize>, i: usize) {
    if let Some(p) = v.iter().position(|x| *x == i) {
        v.remove(p);
    } else {
        v.push(i);
        v.sort_unstable();
    }
}

fn finish(state: &mut State, d: &mut DrillSession) -> Vec<Effect> {
    d.finished = true;
    let Some(l) = state.scenarios.get(d.scenario) else {
        return vec![];
    };
    let missed: Vec<String> = d
        .grades
        .iter()
        .filter(|g| g.score < 1.0)
        .map(|g| g.step.clone())
        .collect();
    let result = DrillResult {
        t: state.now,
        scenario: l.scenario.id.clone(),
        score: d.score(),
        missed,
    };
    let mut effects = vec![Effect::Drill(result.clone())];
    // A missed rule brings its cards due (already-studied ones; new ones wait their turn).
    let mut tags: Vec<String> = d
        .grades
        .iter()
        .filter(|g| g.score < 1.0)
        .flat_map(|g| g.tags.clone())
        .collect();
    tags.sort();
    tags.dedup();
    let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
    let mut made_due = 0;
    for i in state.col.with_tags(&tag_refs) {
        if !state.col.states[i].is_new() && state.col.states[i].due > state.now && made_due < 20 {
            effects.push(Effect::Log(state.col.mark(
                i,
                crate::core::review_log::Op::MakeDue,
                state.now,
            )));
            made_due += 1;
        }
    }
    state.drill_results.push(result);
    state.message = Some(if made_due > 0 {
        format!("Drill saved. {made_due} related flashcard(s) are now due for review.")
    } else {
        "Drill saved.".into()
    });
    effects
}

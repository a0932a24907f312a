//! Scenario drills: case files with a narrative, the steps a trainee is asked, and the
//! author's expected answers, which `muster check` compares with the engine. Grading
//! of each drill step (with partial credit) lives here too.
use crate::core::error::{Diagnostic, LoadError, Reporter, from_serde};
use crate::core::policy::{Discipline, Policy};
use crate::core::worksheet::{self, Case, Worksheet};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The employee in the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    /// Name as the case summary gives it.
    #[serde(default)]
    pub name: String,
    /// Rank or title.
    #[serde(default)]
    pub rank: String,
    /// Sworn member.
    #[serde(default = "yes")]
    pub sworn: bool,
    /// On probation.
    #[serde(default)]
    pub probationary: bool,
}

fn yes() -> bool {
    true
}

/// A one-question step (complaint priority, disposition, consolidation, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stable id of the question within the scenario.
    pub id: String,
    /// The question.
    pub prompt: String,
    /// 2–6 options.
    pub options: Vec<String>,
    /// The correct option, exactly as in `options`.
    pub answer: String,
    /// Why, in one paragraph.
    pub explanation: String,
    /// Section it stands on.
    pub cite: String,
    /// Tags of the cards to bring due when missed.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Author's expected worksheet values (a subset; absent fields are not checked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectedLine {
    /// Step One category.
    #[serde(default)]
    pub base: Option<String>,
    /// Step Two category.
    #[serde(default)]
    pub adjusted: Option<String>,
    /// Matrix level.
    #[serde(default)]
    pub level: Option<u32>,
    /// Reasons.
    #[serde(default)]
    pub raised_by: Option<Vec<String>>,
    /// History used.
    #[serde(default)]
    pub counted: Option<Vec<usize>>,
    /// History with active periods.
    #[serde(default)]
    pub active: Option<Vec<usize>>,
    /// History judged related.
    #[serde(default)]
    pub related: Option<Vec<usize>>,
    /// Range.
    #[serde(default)]
    pub range: Option<Vec<String>>,
    /// Recommended within range.
    #[serde(default)]
    pub within_range: Option<bool>,
    /// Authority.
    #[serde(default)]
    pub authority: Option<String>,
}

/// Author's expected answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// One per current violation.
    #[serde(default)]
    pub violations: Vec<ExpectedLine>,
    /// Highest category.
    #[serde(default)]
    pub highest: Option<String>,
    /// Route.
    #[serde(default)]
    pub route: Option<String>,
}

/// The worksheet steps a drill may ask, in the order they are walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Step One category.
    Base,
    /// Which past violations are still active.
    Active,
    /// Which active ones are same/similar/related.
    Related,
    /// Step Two category.
    Adjusted,
    /// Matrix level.
    Level,
    /// Is the recommended discipline inside the range (or pick one that is).
    Recommended,
    /// Who may impose it.
    Authority,
    /// Unit or OPS.
    Route,
}

impl Step {
    /// Canonical order.
    pub const ORDER: [Step; 8] = [
        Step::Base,
        Step::Active,
        Step::Related,
        Step::Adjusted,
        Step::Level,
        Step::Recommended,
        Step::Authority,
        Step::Route,
    ];

    /// Heading shown in the drill.
    pub fn title(self) -> &'static str {
        match self {
            Step::Base => "Step One — base category",
            Step::Active => "Step Two — active past violations",
            Step::Related => "Step Two — same, similar or related",
            Step::Adjusted => "Step Two — adjusted category",
            Step::Level => "Penalty level",
            Step::Recommended => "Step Four — recommended discipline",
            Step::Authority => "Disciplinary authority",
            Step::Route => "Forwarding (unit or OPS)",
        }
    }

    /// Card tags a miss on this step brings due.
    pub fn tags(self) -> &'static [&'static str] {
        match self {
            Step::Base => &["violation-list"],
            Step::Active => &["reckoning-period", "relate-back"],
            Step::Related => &["worksheet"],
            Step::Adjusted => &["worksheet", "three-or-more"],
            Step::Level => &["disciplinary-matrix"],
            Step::Recommended => &["worksheet"],
            Step::Authority => &["authority-table"],
            Step::Route => &["routing"],
        }
    }
}

/// A scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Policy id.
    pub policy: String,
    /// Case summary.
    pub narrative: String,
    /// The employee.
    #[serde(default)]
    pub employee: Employee,
    /// Topic tags (link to cards).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Current violations (contract shape).
    #[serde(default)]
    pub current: Vec<Value>,
    /// History (contract shape).
    #[serde(default)]
    pub history: Vec<Value>,
    /// Worksheet steps asked (violation 1 only, in canonical order).
    #[serde(default)]
    pub asks: Vec<Step>,
    /// Extra one-question steps, asked after the worksheet.
    #[serde(default)]
    pub questions: Vec<Choice>,
    /// Author's expected answers.
    #[serde(default)]
    pub expected: Option<Expected>,
    /// Mitigating/aggravating notes shown with Step Three.
    #[serde(default)]
    pub factors: Vec<String>,
}

/// A loaded scenario with its parsed case and the engine's sheet.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file.
    pub scenario: Scenario,
    /// The parsed case (None for question-only scenarios).
    pub case: Option<Case>,
    /// The policy.
    pub policy: Policy,
    /// The engine's sheet.
    pub sheet: Option<Worksheet>,
}

/// Scenario files compiled into the binary.
pub fn bundled() -> Vec<(&'static str, &'static str)> {
    crate::core::bundled::SCENARIOS.to_vec()
}

fn cmp<T: PartialEq + std::fmt::Debug>(
    r: &mut Reporter<'_>,
    path: &str,
    want: &Option<T>,
    got: &T,
) {
    if let Some(w) = want
        && w != got
    {
        r.error(
            path,
            format!("author expects {w:?} but the engine gives {got:?}"),
        );
    }
}

impl Loaded {
    /// Parses, validates and evaluates a scenario; expected answers that differ from the
    /// engine are errors.
    pub fn parse(file: &str, text: &str) -> Result<Loaded, LoadError> {
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| LoadError(vec![from_serde(file, &e)]))?;
        let Some(policy) = Policy::bundled(&scenario.policy) else {
            let mut r = Reporter::new(file, text);
            r.error("policy", format!("unknown policy {:?}", scenario.policy));
            return Err(r.finish().err().unwrap_or(LoadError(vec![])));
        };
        let (case, sheet) = if scenario.current.is_empty() {
            (None, None)
        } else {
            let (case, policy) = worksheet::parse_case(file, text, &Policy::bundled)?;
            let sheet = worksheet::evaluate(&case, &policy);
            (Some(case), Some(sheet))
        };
        let mut r = Reporter::new(file, text);
        if scenario.narrative.trim().is_empty() {
            r.error("narrative", "narrative is empty");
        }
        if scenario.asks.is_empty() && scenario.questions.is_empty() {
            r.error(
                "asks",
                "a drill must ask at least one worksheet step or question",
            );
        }
        if !scenario.asks.is_empty() && sheet.is_none() {
            r.error(
                "current",
                "worksheet steps need at least one current violation",
            );
        }
        for (i, q) in scenario.questions.iter().enumerate() {
            if !(2..=6).contains(&q.options.len()) {
                r.error(&format!("questions[{i}].options"), "needs 2–6 options");
            }
            if !q.options.contains(&q.answer) {
                r.error(
                    &format!("questions[{i}].answer"),
                    "must equal one of the options exactly",
                );
            }
        }
        if let (Some(exp), Some(ws)) = (&scenario.expected, &sheet) {
            if exp.violations.len() > ws.violations.len() {
                r.error(
                    "expected.violations",
                    "more expected lines than current violations",
                );
            }
            for (i, (e, l)) in exp.violations.iter().zip(&ws.violations).enumerate() {
                let p = |f: &str| format!("expected.violations[{i}].{f}");
                cmp(&mut r, &p("base"), &e.base, &l.base);
                cmp(&mut r, &p("adjusted"), &e.adjusted, &l.adjusted);
                if e.level.is_some() {
                    cmp(&mut r, &p("level"), &e.level, &l.level.unwrap_or(0));
                }
                cmp(&mut r, &p("raised_by"), &e.raised_by, &l.raised_by);
                cmp(&mut r, &p("counted"), &e.counted, &l.counted);
                cmp(&mut r, &p("active"), &e.active, &l.active);
                cmp(&mut r, &p("related"), &e.related, &l.related);
                cmp(&mut r, &p("range"), &e.range, &l.range);
                if let Some(rec) = &l.recommended {
                    cmp(
                        &mut r,
                        &p("within_range"),
                        &e.within_range,
                        &rec.within_range,
                    );
                    if e.authority.is_some() {
                        cmp(
                            &mut r,
                            &p("authority"),
                            &e.authority,
                            &rec.authority.clone().unwrap_or_default(),
                        );
                    }
                }
            }
            cmp(&mut r, "expected.highest", &exp.highest, &ws.highest);
            if exp.route.is_some() {
                cmp(
                    &mut r,
                    "expected.route",
                    &exp.route,
                    &ws.route.clone().unwrap_or_default(),
                );
            }
        }
        r.finish()?;
        Ok(Loaded {
            scenario,
            case,
            policy,
            sheet,
        })
    }
}

/// Loads every bundled scenario; problems are returned beside the good ones.
pub fn load_bundled() -> (Vec<Loaded>, Vec<LoadError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (name, text) in bundled() {
        match Loaded::parse(&format!("bundled:{name}"), text) {
            Ok(l) => ok.push(l),
            Err(e) => bad.push(e),
        }
    }
    ok.sort_by(|a, b| a.scenario.id.cmp(&b.scenario.id));
    (ok, bad)
}

/// One graded answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    /// Step or question id.
    pub step: String,
    /// 0.0–1.0.
    pub score: f32,
    /// The correct answer in words.
    pub correct: String,
    /// Why, citing the section.
    pub explanation: String,
    /// Tags to bring due if missed.
    pub tags: Vec<String>,
}

/// Scores a multi-select answer: hits minus false picks over the size of the union.
pub fn set_score(picked: &[usize], correct: &[usize]) -> f32 {
    let hits = picked.iter().filter(|p| correct.contains(p)).count();
    let union = correct.len() + picked.iter().filter(|p| !correct.contains(p)).count();
    if union == 0 {
        1.0
    } else {
        hits as f32 / union as f32
    }
}

/// Scores a category answer: full for exact, half for one category off.
pub fn category_score(policy: &Policy, picked: &str, correct: &str) -> f32 {
    match (
        policy.category_index(picked),
        policy.category_index(correct),
    ) {
        (Some(a), Some(b)) if a == b => 1.0,
        (Some(a), Some(b)) if a.abs_diff(b) == 1 => 0.5,
        _ => 0.0,
    }
}

/// The disciplines offered for the Recommended step: every range entry of the
/// policy, in order, unique.
pub fn discipline_options(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let all = policy.categories.iter().flat_map(|c| {
        c.range
            .iter()
            .chain(c.levels.iter().flat_map(|l| l.range.iter()))
    });
    for s in all {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// The ranks offered for the Authority step.
pub fn rank_options(policy: &Policy) -> Vec<String> {
    policy.ranks.clone()
}

/// Whether picking range entry `picked` answers "a discipline within range": any
/// entry that is also in the sheet's range counts.
pub fn recommended_score(range: &[String], picked: &str) -> f32 {
    if range.iter().any(|r| r == picked) {
        1.0
    } else {
        0.0
    }
}

/// Parses a discipline for display.
pub fn describe_discipline(s: &str) -> String {
    match crate::core::policy::Span::parse(s) {
        Some(span) => span.describe(),
        None => Discipline::parse(s)
            .map(|d| d.describe())
            .unwrap_or_else(|| s.to_string()),
    }
}

/// A diagnostic naming a scenario file.
pub fn file_error(file: &str, message: &str) -> Diagnostic {
    Diagnostic {
        file: file.into(),
        line: 0,
        col: 0,
        path: String::new(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_scores() {
        assert_eq!(set_score(&[0, 1], &[0, 1]), 1.0);
        assert_eq!(set_score(&[], &[]), 1.0);
        assert_eq!(set_score(&[0], &[0, 1]), 0.5);
        assert!((set_score(&[0, 2], &[0, 1]) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(set_score(&[2], &[]), 0.0);
    }

    #[test]
    fn every_bundled_scenario_matches_its_expected_answers() {
        let (ok, bad) = load_bundled();
        let msgs: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
        assert!(bad.is_empty(), "{}", msgs.join("\n"));
        assert!(!ok.is_empty());
    }

    #[test]
    fn mismatched_expectation_fails_with_path() {
        let text = r#"{"id":"x","title":"x","policy":"apd-sop-2020","narrative":"n",
"current":[{"violation":"Tardiness","occurred":"2026-03-02"}],"history":[],
"asks":["base"],"expected":{"violations":[{"base":"B"}]}}"#;
        let e = Loaded::parse("s.json", text)
            .expect_err("mismatch")
            .to_string();
        assert!(
            e.contains(
                "expected.violations[0].base: author expects \"B\" but the engine gives \"A\""
            ),
            "{e}"
        );
    }
}

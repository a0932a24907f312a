//! Discipline policies as data: categories, ranges, reckoning or look-back periods,
//! listed violations, the authority table and routing, each rule with its citation.
//! Loaded from JSON and validated (`muster check`).
use crate::core::error::{LoadError, Reporter, from_serde};
use crate::core::text::normalize;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A discipline in the contract's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Discipline {
    /// `oral-admonishment`
    OralAdmonishment,
    /// `written-reprimand`
    WrittenReprimand,
    /// `formal-written-counseling`
    FormalWrittenCounseling,
    /// `letter-of-reprimand`
    LetterOfReprimand,
    /// `suspension:N`
    Suspension(u32),
    /// `loss-of-pay:N`
    LossOfPay(u32),
    /// `demotion`
    Demotion,
    /// `dismissal` (also `termination`)
    Dismissal,
}

impl Discipline {
    /// Parses `suspension:3`, `written-reprimand`, `termination`, … (case-insensitive).
    pub fn parse(s: &str) -> Option<Discipline> {
        let s = s.trim().to_ascii_lowercase();
        let (kind, days) = match s.split_once(':') {
            Some((k, d)) => (k.trim().to_string(), Some(d.trim().parse::<u32>().ok()?)),
            None => (s.clone(), None),
        };
        Some(match (kind.as_str(), days) {
            ("oral-admonishment", None) => Discipline::OralAdmonishment,
            ("written-reprimand", None) => Discipline::WrittenReprimand,
            ("formal-written-counseling", None) => Discipline::FormalWrittenCounseling,
            ("letter-of-reprimand", None) => Discipline::LetterOfReprimand,
            ("suspension", Some(n)) if n > 0 => Discipline::Suspension(n),
            ("loss-of-pay", Some(n)) if n > 0 => Discipline::LossOfPay(n),
            ("demotion", None) => Discipline::Demotion,
            ("dismissal" | "termination", None) => Discipline::Dismissal,
            _ => return None,
        })
    }

    /// The kind name (`suspension`, `demotion`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Discipline::OralAdmonishment => "oral-admonishment",
            Discipline::WrittenReprimand => "written-reprimand",
            Discipline::FormalWrittenCounseling => "formal-written-counseling",
            Discipline::LetterOfReprimand => "letter-of-reprimand",
            Discipline::Suspension(_) => "suspension",
            Discipline::LossOfPay(_) => "loss-of-pay",
            Discipline::Demotion => "demotion",
            Discipline::Dismissal => "dismissal",
        }
    }

    fn days(&self) -> Option<u32> {
        match self {
            Discipline::Suspension(n) | Discipline::LossOfPay(n) => Some(*n),
            _ => None,
        }
    }

    /// Plain words: "3-day suspension", "written reprimand".
    pub fn describe(&self) -> String {
        match self {
            Discipline::Suspension(n) => format!("{n}-day suspension"),
            Discipline::LossOfPay(n) => format!("{n} day(s) loss of pay"),
            other => other.kind().replace('-', " "),
        }
    }
}

impl fmt::Display for Discipline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.days() {
            Some(n) => write!(f, "{}:{n}", self.kind()),
            None => f.write_str(self.kind()),
        }
    }
}

/// A range entry: one discipline or a span of days (`suspension:2-3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    kind: &'static str,
    lo: u32,
    hi: u32,
    text: String,
}

impl Span {
    /// Parses `written-reprimand`, `suspension:1`, `suspension:2-3`.
    pub fn parse(s: &str) -> Option<Span> {
        let t = s.trim().to_ascii_lowercase();
        match t.split_once(':') {
            Some((k, days)) => {
                let (lo, hi) = match days.split_once('-') {
                    Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
                    None => {
                        let n = days.trim().parse().ok()?;
                        (n, n)
                    }
                };
                let d = Discipline::parse(&format!("{k}:{lo}"))?;
                (lo <= hi).then(|| Span {
                    kind: d.kind(),
                    lo,
                    hi,
                    text: t.clone(),
                })
            }
            None => Discipline::parse(&t).map(|d| Span {
                kind: d.kind(),
                lo: 0,
                hi: 0,
                text: d.kind().to_string(),
            }),
        }
    }

    /// Whether `d` falls inside this entry.
    pub fn contains(&self, d: &Discipline) -> bool {
        d.kind() == self.kind && d.days().is_none_or(|n| (self.lo..=self.hi).contains(&n))
    }

    /// The entry as written (`suspension:2-3`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Plain words: "2 to 3 day suspension".
    pub fn describe(&self) -> String {
        if self.lo == 0 {
            return self.kind.replace('-', " ");
        }
        let what = if self.kind == "suspension" {
            "day suspension"
        } else {
            "day(s) loss of pay"
        };
        if self.hi >= 9999 {
            format!("{}+ {what}", self.lo)
        } else if self.lo == self.hi {
            format!("{} {what}", self.lo)
        } else {
            format!("{} to {} {what}", self.lo, self.hi)
        }
    }
}

/// Which engine family a policy uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// APD-style: categories raised by active reckoning periods (Discipline Work Sheet).
    Reckoning,
    /// Maryland-style matrix: levels by count inside a look-back window.
    Matrix,
}

/// A documented reading of an ambiguous passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Short name.
    pub topic: String,
    /// The reading the engine applies.
    pub reading: String,
    /// Where the manual says it.
    pub cite: String,
}

/// A penalty level of a matrix category or special circumstance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// 1, 2, …
    pub level: u32,
    /// Allowed disciplines.
    pub range: Vec<String>,
    /// The manual's wording.
    #[serde(default)]
    pub text: String,
    /// Citation.
    #[serde(default)]
    pub cite: Option<String>,
    /// Look-back for reaching this level (special tables).
    #[serde(default)]
    pub window_months: Option<u32>,
    /// Past violations inside the window needed to reach this level (default
    /// level − 1).
    #[serde(default)]
    pub min_priors: Option<u32>,
}

/// A category (A, B, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Letter.
    pub id: String,
    /// Description from the manual.
    pub description: String,
    /// Citation.
    pub cite: String,
    /// Reckoning period length in months (reckoning model).
    #[serde(default)]
    pub reckoning_months: Option<u32>,
    /// Permanent record (never expires).
    #[serde(default)]
    pub permanent: bool,
    /// Discipline range (reckoning model).
    #[serde(default)]
    pub range: Vec<String>,
    /// Proactive corrective actions.
    #[serde(default)]
    pub corrective: Vec<String>,
    /// Look-back window in months (matrix model).
    #[serde(default)]
    pub lookback_months: Option<u32>,
    /// Penalty levels (matrix model).
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Category a third violation moves to (matrix model).
    #[serde(default)]
    pub next: Option<String>,
}

/// A listed violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Violation {
    /// Stable id.
    pub id: String,
    /// Title as printed.
    pub title: String,
    /// Group heading it stands under.
    #[serde(default)]
    pub group: Option<String>,
    /// Canonical heading when the manual spells it two ways.
    #[serde(default)]
    pub family: Option<String>,
    /// Listed range: `A` or `A-D`.
    pub range: String,
    /// A discipline fixed by the list (`dismissal` for "D Dismissal").
    #[serde(default)]
    pub fixed: Option<String>,
    /// Parenthetical note printed with it.
    #[serde(default)]
    pub note: Option<String>,
    /// True when the title only reads with its heading joined on.
    #[serde(default)]
    pub join_heading: bool,
    /// Category list it appears in.
    #[serde(default)]
    pub listed_under: Option<String>,
    /// Citation.
    pub cite: String,
    /// Judgement call made while encoding it.
    #[serde(default)]
    pub reading: Option<String>,
}

/// A special-circumstance table (matrix model): its own levels by count of the same
/// special violation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Special {
    /// Id (also accepted as the violation).
    pub id: String,
    /// Title.
    pub title: String,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
    /// Citation.
    pub cite: String,
    /// Default look-back for counting.
    #[serde(default)]
    pub window_months: Option<u32>,
    /// Levels.
    pub levels: Vec<Level>,
}

/// Authority row: lowest rank allowed to impose a discipline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Discipline or span.
    pub discipline: String,
    /// Rank.
    pub rank: String,
    /// Citation.
    pub cite: String,
}

/// Forwarding rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Categories that go to OPS.
    pub ops_categories: Vec<String>,
    /// Citation.
    pub cite: String,
}

/// Where the policy states each worksheet step, cited in the engine's explanations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepCites {
    /// Categorising each violation on its own.
    pub step_one: String,
    /// Using the record of active periods.
    pub step_two: String,
    /// Raise for a same, similar or related past violation.
    pub step_two_a: String,
    /// Raise for three or more past violations.
    pub step_two_b: String,
    /// Both raises.
    pub step_two_c: String,
    /// Factors move the discipline, not the category.
    pub factors: String,
}

impl Default for StepCites {
    fn default() -> Self {
        Self {
            step_one: "Step One".into(),
            step_two: "Step Two".into(),
            step_two_a: "Step Two (a)".into(),
            step_two_b: "Step Two (b)".into(),
            step_two_c: "Step Two (c)".into(),
            factors: "the policy's mitigating and aggravating factors rule".into(),
        }
    }
}

/// A whole policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Policy id used by case files.
    pub id: String,
    /// Title.
    pub title: String,
    /// Source manual.
    pub source: String,
    /// Engine family.
    pub model: Model,
    /// Readings of ambiguous passages.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Where each worksheet step stands in the manual.
    #[serde(default)]
    pub cites: StepCites,
    /// Categories in ascending seriousness.
    pub categories: Vec<Category>,
    /// Authority table.
    #[serde(default)]
    pub authority: Vec<Authority>,
    /// Ranks, lowest first.
    #[serde(default)]
    pub ranks: Vec<String>,
    /// Discipline kinds that are adverse.
    #[serde(default)]
    pub adverse: Vec<String>,
    /// Citation for `adverse`.
    #[serde(default)]
    pub adverse_cite: Option<String>,
    /// Forwarding rule.
    #[serde(default)]
    pub route: Option<Route>,
    /// Special circumstances.
    #[serde(default)]
    pub special: Vec<Special>,
    /// Listed violations.
    pub violations: Vec<Violation>,
}

/// What a case's violation text resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// Index into `violations`.
    Listed(usize),
    /// Index into `special`.
    Special(usize),
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The policies compiled into the binary.
pub const BUNDLED: &[(&str, &str)] = crate::core::bundled::POLICIES;

impl Policy {
    /// Parses and validates a policy.
    pub fn parse(file: &str, text: &str) -> Result<Policy, LoadError> {
        let p: Policy =
            serde_json::from_str(text).map_err(|e| LoadError(vec![from_serde(file, &e)]))?;
        let mut r = Reporter::new(file, text);
        p.validate(&mut r);
        r.finish().map(|()| p)
    }

    /// The bundled policy with this id.
    pub fn bundled(id: &str) -> Option<Policy> {
        static PARSED: std::sync::OnceLock<Vec<Policy>> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                BUNDLED
                    .iter()
                    .filter_map(|(name, text)| Policy::parse(&format!("bundled:{name}"), text).ok())
                    .collect()
            })
            .iter()
            .find(|p| p.id == id)
            .cloned()
    }

    fn validate(&self, r: &mut Reporter<'_>) {
        if self.categories.is_empty() {
            r.error("categories", "a policy needs at least one category");
        }
        let cat_ok = |c: &str| self.categories.iter().any(|k| k.id == c);
        for (i, c) in self.categories.iter().enumerate() {
            let p = |f: &str| format!("categories[{i}].{f}");
            if self.categories[..i].iter().any(|k| k.id == c.id) {
                r.error(&p("id"), format!("duplicate category {:?}", c.id));
            }
            let ranges: Vec<(String, &Vec<String>)> = match self.model {
                Model::Reckoning => {
                    if c.reckoning_months.is_none() && !c.permanent {
                        r.error(
                            &p("reckoning_months"),
                            "needs reckoning_months or permanent: true",
                        );
                    }
                    vec![(p("range"), &c.range)]
                }
                Model::Matrix => {
                    if c.levels.is_empty() {
                        r.error(&p("levels"), "a matrix category needs at least one level");
                    }
                    if let Some(n) = &c.next
                        && !cat_ok(n)
                    {
                        r.error(&p("next"), format!("unknown category {n:?}"));
                    }
                    c.levels
                        .iter()
                        .enumerate()
                        .map(|(j, l)| (format!("categories[{i}].levels[{j}].range"), &l.range))
                        .collect()
                }
            };
            for (path, range) in ranges {
                for (j, s) in range.iter().enumerate() {
                    if Span::parse(s).is_none() {
                        r.error(
                            &format!("{path}[{j}]"),
                            format!(
                                "{s:?} is not a discipline (e.g. written-reprimand, suspension:2-3)"
                            ),
                        );
                    }
                }
            }
        }
        for (i, a) in self.authority.iter().enumerate() {
            if Span::parse(&a.discipline).is_none() {
                r.error(
                    &format!("authority[{i}].discipline"),
                    format!("{:?} is not a discipline", a.discipline),
                );
            }
            if !self.ranks.is_empty() && !self.ranks.contains(&a.rank) {
                r.error(
                    &format!("authority[{i}].rank"),
                    format!("{:?} is not in ranks", a.rank),
                );
            }
        }
        for (i, s) in self.special.iter().enumerate() {
            for (j, l) in s.levels.iter().enumerate() {
                for (k, d) in l.range.iter().enumerate() {
                    if Span::parse(d).is_none() {
                        r.error(
                            &format!("special[{i}].levels[{j}].range[{k}]"),
                            format!("{d:?} is not a discipline"),
                        );
                    }
                }
            }
        }
        let mut ids = std::collections::HashSet::new();
        for (i, v) in self.violations.iter().enumerate() {
            let p = |f: &str| format!("violations[{i}].{f}");
            if !ids.insert(v.id.as_str()) {
                r.error(&p("id"), format!("duplicate violation id {:?}", v.id));
            }
            match self.range_of(v) {
                Some((lo, hi)) if lo <= hi => {}
                _ => r.error(
                    &p("range"),
                    format!(
                        "{:?} is not a category or span of this policy's categories",
                        v.range
                    ),
                ),
            }
            if let Some(f) = &v.fixed
                && Discipline::parse(f).is_none()
            {
                r.error(&p("fixed"), format!("{f:?} is not a discipline"));
            }
        }
    }

    /// Index of category `id`.
    pub fn category_index(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        self.categories
            .iter()
            .position(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// The listed range of `v` as category indexes (lo, hi).
    pub fn range_of(&self, v: &Violation) -> Option<(usize, usize)> {
        let r: String = v.range.chars().filter(|c| !c.is_whitespace()).collect();
        match r.split_once('-') {
            Some((a, b)) => Some((self.category_index(a)?, self.category_index(b)?)),
            None => {
                let i = self.category_index(&r)?;
                Some((i, i))
            }
        }
    }

    /// The title a violation is shown with (heading joined on where it needs it).
    pub fn display_title(&self, v: &Violation) -> String {
        match (&v.group, v.join_heading) {
            (Some(g), true) => format!("{} {}", v.title, title_case(g)),
            _ => v.title.clone(),
        }
    }

    /// The names a violation answers to, normalised.
    fn names(&self, v: &Violation) -> Vec<String> {
        let mut names = vec![normalize(&v.id), normalize(&v.title)];
        if let Some(g) = &v.group {
            names.push(normalize(&format!("{} {}", v.title, g)));
            names.push(normalize(&format!("{} {}", g, v.title)));
        }
        names
    }

    /// Resolves a case's violation text (id or title, tolerant of case, punctuation
    /// and spacing; parenthetical notes ignored).
    pub fn resolve(&self, text: &str) -> Option<Resolved> {
        // The text as given first (a parenthetical can be what tells two examples
        // apart), then without its parenthetical notes.
        [normalize(text), normalize(&strip_parens(text))]
            .iter()
            .find_map(|key| self.resolve_key(key))
    }

    fn resolve_key(&self, key: &str) -> Option<Resolved> {
        if let Some(i) = self.violations.iter().position(|v| {
            self.names(v).iter().any(|n| n == key)
                || v.note
                    .as_ref()
                    .is_some_and(|note| normalize(&format!("{} {note}", v.title)) == key)
        }) {
            return Some(Resolved::Listed(i));
        }
        self.special
            .iter()
            .position(|s| normalize(&s.id) == key || normalize(&s.title) == key)
            .map(Resolved::Special)
    }

    /// Up to three titles nearest to `text`, for "did you mean".
    pub fn nearest(&self, text: &str) -> Vec<String> {
        let key = normalize(&strip_parens(text));
        let mut scored: Vec<(usize, String)> = self
            .violations
            .iter()
            .map(|v| {
                let d = self
                    .names(v)
                    .iter()
                    .map(|n| crate::core::text::edit_distance(&key, n))
                    .min()
                    .unwrap_or(usize::MAX);
                (d, self.display_title(v))
            })
            .chain(self.special.iter().map(|s| {
                (
                    crate::core::text::edit_distance(&key, &normalize(&s.title)),
                    s.title.clone(),
                )
            }))
            .collect();
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, t)| t).collect()
    }

    /// The lowest rank that may impose `d`, with the citation.
    pub fn authority_for(&self, d: &Discipline) -> Option<&Authority> {
        self.authority
            .iter()
            .find(|a| Span::parse(&a.discipline).is_some_and(|s| s.contains(d)))
    }

    /// Whether `d` is adverse under this policy.
    pub fn is_adverse(&self, d: &Discipline) -> bool {
        self.adverse.iter().any(|k| k == d.kind())
    }
}

/// Loads every `*.json` policy in `dirs` (missing folders are fine); any invalid
/// file is an error naming it.
pub fn load_dirs(dirs: &[std::path::PathBuf]) -> Result<Vec<Policy>, LoadError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        for p in crate::core::store::json_files(dir) {
            let name = p.display().to_string();
            match std::fs::read_to_string(&p) {
                Ok(t) => match Policy::parse(&name, &t) {
                    Ok(pol) => out.push(pol),
                    Err(e) => problems.extend(e.0),
                },
                Err(e) => problems.extend(crate::core::error::read_error(&name, &e).0),
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(LoadError(problems))
    }
}

/// `text` without parenthetical notes.
pub fn strip_parens(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_policies_validate() {
        for (name, text) in BUNDLED {
            let p = Policy::parse(name, text);
            assert!(
                p.is_ok(),
                "{name}: {}",
                p.err().map(|e| e.to_string()).unwrap_or_default()
            );
        }
    }

    #[test]
    fn disciplines_parse_and_spans_contain() {
        assert_eq!(
            Discipline::parse("termination"),
            Some(Discipline::Dismissal)
        );
        assert_eq!(
            Discipline::parse("Suspension:3"),
            Some(Discipline::Suspension(3))
        );
        assert_eq!(Discipline::parse("suspension:0"), None);
        assert_eq!(Discipline::parse("suspension"), None);
        assert_eq!(Discipline::parse("suspension:x"), None);
        let s = Span::parse("suspension:2-3").expect("span");
        assert!(s.contains(&Discipline::Suspension(2)) && s.contains(&Discipline::Suspension(3)));
        assert!(!s.contains(&Discipline::Suspension(4)) && !s.contains(&Discipline::LossOfPay(2)));
        assert!(Span::parse("suspension:3-2").is_none());
        assert!(
            Span::parse("written-reprimand")
                .expect("span")
                .contains(&Discipline::WrittenReprimand)
        );
    }

    #[test]
    fn resolves_titles_ids_and_joined_headings() {
        let p = Policy::bundled("apd-sop-2020").expect("apd");
        let title = |t: &str| match p.resolve(t) {
            Some(Resolved::Listed(i)) => p.violations[i].title.clone(),
            _ => String::new(),
        };
        assert_eq!(title("tardiness"), "Tardiness");
        assert_eq!(title("  TARDINESS. "), "Tardiness");
        assert_eq!(
            title("Unauthorized Use of City Property"),
            "Unauthorized Use of"
        );
        assert_eq!(
            title("Lost or Damaged (May also pay to replace)"),
            "Lost or Damaged"
        );
        assert_eq!(
            title("city-property-unauthorized-use"),
            "Unauthorized Use of"
        );
        assert!(p.resolve("Tardyness").is_none());
        assert_eq!(
            p.nearest("Tardyness").first().map(String::as_str),
            Some("Tardiness")
        );
    }

    #[test]
    fn authority_table_lookup() {
        let p = Policy::bundled("apd-sop-2020").expect("apd");
        let rank = |d| {
            p.authority_for(&d)
                .map(|a| a.rank.clone())
                .unwrap_or_default()
        };
        assert_eq!(rank(Discipline::OralAdmonishment), "Sergeant");
        assert_eq!(rank(Discipline::WrittenReprimand), "Lieutenant");
        assert_eq!(rank(Discipline::Suspension(1)), "Captain");
        assert_eq!(rank(Discipline::Suspension(3)), "Major");
        assert_eq!(rank(Discipline::Suspension(15)), "Deputy Chief");
        assert_eq!(rank(Discipline::Suspension(16)), "Assistant Chief");
        assert_eq!(rank(Discipline::Suspension(30)), "Chief");
        assert_eq!(rank(Discipline::Demotion), "Chief");
        assert!(p.authority_for(&Discipline::LossOfPay(1)).is_none());
    }

    #[test]
    fn invalid_policy_is_reported_with_paths() {
        let text = r#"{"id":"x","title":"x","source":"x","model":"reckoning",
"categories":[{"id":"A","description":"d","cite":"c","range":["nap"]}],
"violations":[{"id":"v","title":"V","range":"A-Z","cite":"c"}]}"#;
        let e = Policy::parse("p.json", text)
            .expect_err("invalid")
            .to_string();
        assert!(
            e.contains("p.json:2:15: categories[0].reckoning_months"),
            "{e}"
        );
        assert!(e.contains("p.json:2:63: categories[0].range[0]"), "{e}");
        assert!(e.contains("violations[0].range"), "{e}");
    }
}

//! The discipline engine: works a case through a policy's worksheet and explains each
//! step with the manual's section. Pure: the same case always gives the same sheet.
//! `muster worksheet FILE` prints [`Worksheet`] as JSON (see the worksheet contract).
use crate::core::error::{LoadError, Reporter, from_serde};
use crate::core::policy::{Discipline, Model, Policy, Resolved, Span};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

/// A current violation of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    /// Text as given.
    pub violation: String,
    /// What it resolved to.
    pub resolved: Resolved,
    /// Date of occurrence.
    pub occurred: Date,
    /// Category given (index), if any.
    pub category: Option<usize>,
    /// Recommended discipline, if any.
    pub recommended: Option<Discipline>,
}

/// A past sustained violation.
#[derive(Debug, Clone, PartialEq)]
pub struct Past {
    /// Text as given.
    pub violation: String,
    /// What it resolved to, if known to the policy.
    pub resolved: Option<Resolved>,
    /// Category it was disciplined at (index); None only for a matrix special
    /// circumstance, which has its own table.
    pub category: Option<usize>,
    /// Date of occurrence.
    pub occurred: Date,
    /// Effective date of discipline.
    pub disciplined: Option<Date>,
    /// Author's override of "same, similar or related".
    pub related: Option<bool>,
}

impl Past {
    /// The category letter as given, or `special` for a special circumstance.
    pub fn category_id(&self, policy: &Policy) -> String {
        self.category
            .map(|k| policy.categories[k].id.clone())
            .unwrap_or_else(|| "special".into())
    }
}

/// A validated case, ready for the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Policy id.
    pub policy: String,
    /// Current violations, input order.
    pub current: Vec<Current>,
    /// History, input order.
    pub history: Vec<Past>,
}

/// The recommended discipline checked against range and authority.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommended {
    /// As the vocabulary writes it.
    pub discipline: String,
    /// Inside the adjusted category's range.
    pub within_range: bool,
    /// Lowest rank allowed to impose it.
    pub authority: Option<String>,
}

/// The worksheet line of one current violation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// The violation's title as the manual prints it.
    pub violation: String,
    /// Policy id of the violation.
    pub id: String,
    /// Step One category.
    pub base: String,
    /// Step Two category.
    pub adjusted: String,
    /// Matrix penalty level.
    pub level: Option<u32>,
    /// Why it was raised.
    pub raised_by: Vec<String>,
    /// History indexes used.
    pub counted: Vec<usize>,
    /// History indexes with an active period / inside the window.
    pub active: Vec<usize>,
    /// History indexes judged same, similar or related.
    pub related: Vec<usize>,
    /// Allowed disciplines.
    pub range: Vec<String>,
    /// The recommendation checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended: Option<Recommended>,
    /// One sentence per step, citing the section.
    pub explanation: Vec<String>,
}

/// The whole worksheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Worksheet {
    /// Policy id.
    pub policy: String,
    /// One line per current violation.
    pub violations: Vec<Line>,
    /// Highest adjusted category.
    pub highest: String,
    /// `unit`, `ops` or null.
    pub route: Option<String>,
}

fn parse_date(v: &Value) -> Result<Date, String> {
    let s = v.as_str().ok_or("must be a date string YYYY-MM-DD")?;
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!("{s:?} is not a date in the form YYYY-MM-DD"));
    }
    s.parse::<Date>()
        .map_err(|_| format!("{s:?} is not a real calendar date"))
}

/// Reads a case from JSON text (a contract case file or a scenario file; other
/// fields are ignored). Policies are looked up with `policies`.
pub fn parse_case(
    file: &str,
    text: &str,
    policies: &dyn Fn(&str) -> Option<Policy>,
) -> Result<(Case, Policy), LoadError> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| LoadError(vec![from_serde(file, &e)]))?;
    let mut r = Reporter::new(file, text);
    let Some(obj) = root.as_object() else {
        r.error(
            "",
            "a case must be a JSON object with policy, current and history",
        );
        return Err(r.finish().err().unwrap_or(LoadError(vec![])));
    };
    let policy = match obj.get("policy").map(|p| (p, p.as_str())) {
        None => {
            r.error("policy", "missing (apd-sop-2020 or md-uniform-matrix)");
            None
        }
        Some((_, None)) => {
            r.error("policy", "must be a string");
            None
        }
        Some((_, Some(id))) => {
            let p = policies(id);
            if p.is_none() {
                r.error(
                    "policy",
                    format!("unknown policy {id:?} (known: apd-sop-2020, md-uniform-matrix)"),
                );
            }
            p
        }
    };
    let Some(policy) = policy else {
        return Err(r.finish().err().unwrap_or(LoadError(vec![])));
    };
    let empty = Vec::new();
    let list = |r: &mut Reporter<'_>, key: &str, required: bool| -> Vec<Value> {
        match obj.get(key) {
            None if required => {
                r.error(key, "missing (a list of violations)");
                empty.clone()
            }
            None | Some(Value::Null) => empty.clone(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => {
                r.error(key, "must be a list");
                empty.clone()
            }
        }
    };
    let current_v = list(&mut r, "current", true);
    let history_v = list(&mut r, "history", false);
    if current_v.is_empty() && obj.get("current").is_some_and(Value::is_array) {
        r.error("current", "needs at least one current violation");
    }

    let resolve =
        |r: &mut Reporter<'_>, path: &str, v: &serde_json::Map<String, Value>, required: bool| {
            match v.get("violation").and_then(Value::as_str) {
                None => {
                    r.error(
                        &format!("{path}.violation"),
                        "missing (the policy's id or title for the violation)",
                    );
                    None
                }
                Some(t) => match policy.resolve(t) {
                    Some(x) => Some((t.to_string(), Some(x))),
                    None if !required => Some((t.to_string(), None)),
                    None => {
                        let near = policy.nearest(t);
                        r.error(
                            &format!("{path}.violation"),
                            format!(
                                "unknown violation {t:?} for policy {}; nearest titles: {}",
                                policy.id,
                                near.join("; ")
                            ),
                        );
                        None
                    }
                },
            }
        };
    let date = |r: &mut Reporter<'_>,
                path: &str,
                v: &serde_json::Map<String, Value>,
                key: &str,
                required: bool| {
        match v.get(key) {
            None | Some(Value::Null) => {
                if required {
                    r.error(&format!("{path}.{key}"), "missing (a date YYYY-MM-DD)");
                }
                None
            }
            Some(x) => match parse_date(x) {
                Ok(d) => Some(d),
                Err(m) => {
                    r.error(&format!("{path}.{key}"), m);
                    None
                }
            },
        }
    };
    let cat_names = policy
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");

    let mut current = Vec::new();
    for (i, v) in current_v.iter().enumerate() {
        let path = format!("current[{i}]");
        let Some(v) = v.as_object() else {
            r.error(&path, "must be an object");
            continue;
        };
        let res = resolve(&mut r, &path, v, true);
        let occurred = date(&mut r, &path, v, "occurred", true);
        let category = match v.get("category") {
            None | Some(Value::Null) => None,
            Some(c) => match c.as_str().and_then(|c| policy.category_index(c)) {
                Some(k) => Some(k),
                None => {
                    r.error(
                        &format!("{path}.category"),
                        format!("{c} is not a category of {} ({cat_names})", policy.id),
                    );
                    res.as_ref().map(|_| usize::MAX)
                }
            },
        };
        let recommended = match v.get("recommended") {
            None | Some(Value::Null) => None,
            Some(x) => match x.as_str().and_then(Discipline::parse) {
                Some(d) => Some(d),
                None => {
                    r.error(&format!("{path}.recommended"), format!("{x} is not a discipline (oral-admonishment, written-reprimand, formal-written-counseling, letter-of-reprimand, suspension:N, loss-of-pay:N, demotion, dismissal)"));
                    None
                }
            },
        };
        if let (Some((text, Some(resolved))), Some(occurred)) = (res, occurred) {
            if let Resolved::Listed(vi) = resolved {
                let viol = &policy.violations[vi];
                if let Some((lo, hi)) = policy.range_of(viol) {
                    match category {
                        None if lo != hi => r.error(
                            &format!("{path}.category"),
                            format!("missing: the manual lists {:?} as {}, so the case must fix the category", viol.title, viol.range),
                        ),
                        Some(k) if k != usize::MAX && !(lo..=hi).contains(&k) => r.error(
                            &format!("{path}.category"),
                            format!("{} is outside the listed range {} for {:?}", policy.categories[k].id, viol.range, viol.title),
                        ),
                        _ => {}
                    }
                }
            }
            current.push(Current {
                violation: text,
                resolved,
                occurred,
                category: category.filter(|k| *k != usize::MAX),
                recommended,
            });
        }
    }

    let mut history = Vec::new();
    for (i, v) in history_v.iter().enumerate() {
        let path = format!("history[{i}]");
        let Some(v) = v.as_object() else {
            r.error(&path, "must be an object");
            continue;
        };
        let related = match v.get("related") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                r.error(&format!("{path}.related"), "must be true or false");
                None
            }
        };
        // A past violation the policy does not list is fine when the author says
        // whether it is related; otherwise the engine could not judge it.
        let res = resolve(&mut r, &path, v, related.is_none());
        let occurred = date(&mut r, &path, v, "occurred", true);
        let disciplined = date(
            &mut r,
            &path,
            v,
            "disciplined",
            policy.model == Model::Reckoning,
        );
        let special = matches!(res, Some((_, Some(Resolved::Special(_)))));
        let category = match v.get("category") {
            None | Some(Value::Null) if special && policy.model == Model::Matrix => Some(None),
            None | Some(Value::Null) => {
                r.error(
                    &format!("{path}.category"),
                    "missing (the category it was disciplined at)",
                );
                None
            }
            Some(c) => {
                let k = c.as_str().and_then(|c| policy.category_index(c));
                if k.is_none() {
                    r.error(
                        &format!("{path}.category"),
                        format!("{c} is not a category of {} ({cat_names})", policy.id),
                    );
                }
                k.map(Some)
            }
        };
        if let (Some(o), Some(d)) = (occurred, disciplined)
            && d < o
        {
            r.error(
                &format!("{path}.disciplined"),
                format!("{d} is before the date of occurrence {o}"),
            );
        }
        if let (Some((text, resolved)), Some(occurred), Some(category)) = (res, occurred, category)
        {
            history.push(Past {
                violation: text,
                resolved,
                category,
                occurred,
                disciplined,
                related,
            });
        }
    }
    r.finish()?;
    Ok((
        Case {
            policy: policy.id.clone(),
            current,
            history,
        },
        policy,
    ))
}

fn add_months(d: Date, months: u32) -> Date {
    d.checked_add(i64::from(months).months())
        .unwrap_or(Date::MAX)
}

fn sub_months(d: Date, months: u32) -> Date {
    d.checked_sub(i64::from(months).months())
        .unwrap_or(Date::MIN)
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn list_idx(idx: &[usize], history: &[Past], policy: &Policy) -> String {
    idx.iter()
        .map(|i| {
            let p = &history[*i];
            format!(
                "#{i} {} ({}, {})",
                p.violation,
                p.category_id(policy),
                p.occurred
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn check_recommended(
    policy: &Policy,
    d: Discipline,
    range: &[String],
    expl: &mut Vec<String>,
    cat: &str,
) -> Recommended {
    let within = range
        .iter()
        .filter_map(|s| Span::parse(s))
        .any(|s| s.contains(&d));
    let auth = policy.authority_for(&d);
    let described: Vec<String> = range
        .iter()
        .filter_map(|s| Span::parse(s))
        .map(|s| s.describe())
        .collect();
    if within {
        expl.push(format!(
            "Step Four: a {} is within the range for {cat} ({}).",
            d.describe(),
            described.join(", ")
        ));
    } else {
        expl.push(format!(
            "Step Four: a {} is outside the range for {cat} ({}); choose a discipline inside it.",
            d.describe(),
            described.join(", ")
        ));
    }
    match auth {
        Some(a) => expl.push(format!(
            "The lowest authority that may impose a {} is the {} — {}.",
            d.describe(),
            a.rank,
            a.cite
        )),
        None if !policy.authority.is_empty() => expl.push(format!(
            "The authority table names no rank for a {} under this policy.",
            d.describe()
        )),
        None => {}
    }
    Recommended {
        discipline: d.to_string(),
        within_range: within,
        authority: auth.map(|a| a.rank.clone()),
    }
}

/// Works the case through its policy.
pub fn evaluate(case: &Case, policy: &Policy) -> Worksheet {
    let lines: Vec<Line> = case
        .current
        .iter()
        .map(|c| match policy.model {
            Model::Reckoning => reckoning_line(case, policy, c),
            Model::Matrix => matrix_line(case, policy, c),
        })
        .collect();
    let highest_idx = lines
        .iter()
        .filter_map(|l| policy.category_index(&l.adjusted))
        .max();
    let highest = highest_idx
        .map(|i| policy.categories[i].id.clone())
        .or_else(|| lines.first().map(|l| l.adjusted.clone()))
        .unwrap_or_default();
    let route = policy.route.as_ref().map(|rt| {
        let by_cat =
            highest_idx.is_some_and(|i| rt.ops_categories.contains(&policy.categories[i].id));
        let adverse = case
            .current
            .iter()
            .filter_map(|c| c.recommended)
            .any(|d| policy.is_adverse(&d));
        if by_cat || adverse { "ops" } else { "unit" }.to_string()
    });
    Worksheet {
        policy: policy.id.clone(),
        violations: lines,
        highest,
        route,
    }
}

/// Route explanation for a finished worksheet (used by drills).
pub fn explain_route(ws: &Worksheet, policy: &Policy) -> Option<String> {
    let rt = policy.route.as_ref()?;
    let r = ws.route.as_deref()?;
    Some(if r == "ops" {
        format!(
            "Forward to OPS for formal adverse action charges: the highest adjusted category is {} or an adverse discipline (suspension, demotion, dismissal — {}) is recommended — {}.",
            ws.highest,
            policy.adverse_cite.as_deref().unwrap_or(""),
            rt.cite
        )
    } else {
        format!(
            "Handled in the unit: the highest adjusted category is {} and no adverse discipline is recommended, so the unit commander arranges non-adverse action — {}.",
            ws.highest, rt.cite
        )
    })
}

fn same_or_related(policy: &Policy, cur: Resolved, past: &Past) -> bool {
    relation(policy, cur, past).is_some()
}

/// Why a past violation is same, similar or related (None when it is not).
fn relation(policy: &Policy, cur: Resolved, past: &Past) -> Option<String> {
    match past.related {
        Some(true) => return Some("the case marks it related".into()),
        Some(false) => return None,
        None => {}
    }
    match (cur, past.resolved) {
        (a, Some(b)) if a == b => Some("it is the same listed violation".into()),
        (Resolved::Listed(a), Some(Resolved::Listed(b))) => {
            let (va, vb) = (&policy.violations[a], &policy.violations[b]);
            let fam =
                |v: &crate::core::policy::Violation| v.family.clone().or_else(|| v.group.clone());
            if crate::core::text::normalize(&va.title) == crate::core::text::normalize(&vb.title) {
                Some("it is the same violation".into())
            } else {
                fam(va)
                    .filter(|f| Some(f) == fam(vb).as_ref())
                    .map(|f| format!("both stand under the heading {f}"))
            }
        }
        _ => None,
    }
}

fn reckoning_line(case: &Case, policy: &Policy, c: &Current) -> Line {
    let k = &policy.cites;
    let mut expl = Vec::new();
    let (id, title, base, fixed, cite) = match c.resolved {
        Resolved::Listed(i) => {
            let v = &policy.violations[i];
            let (lo, _) = policy.range_of(v).unwrap_or((0, 0));
            (
                v.id.clone(),
                policy.display_title(v),
                c.category.unwrap_or(lo),
                v.fixed.clone(),
                v.cite.clone(),
            )
        }
        Resolved::Special(i) => {
            let s = &policy.special[i];
            (
                s.id.clone(),
                s.title.clone(),
                c.category.unwrap_or(0),
                None,
                s.cite.clone(),
            )
        }
    };
    let base_id = policy.categories[base].id.clone();
    expl.push(format!(
        "Step One: {title} is listed as Category {base_id}{} — {cite}; {}.",
        if c.category.is_some() {
            " for this case"
        } else {
            ""
        },
        k.step_one
    ));

    // Step Two: which past violations have an active reckoning period on the date of
    // occurrence (with relate-back), and which of them are same/similar/related.
    let mut active = Vec::new();
    for (i, p) in case.history.iter().enumerate() {
        if p.occurred >= c.occurred {
            continue;
        }
        let disc = p.disciplined.unwrap_or(p.occurred);
        let relates_back = disc > c.occurred;
        let start = if relates_back { p.occurred } else { disc };
        let Some(cat) = p.category.map(|k| &policy.categories[k]) else {
            continue;
        };
        let is_active = cat.permanent
            || cat
                .reckoning_months
                .is_some_and(|m| c.occurred <= add_months(start, m));
        if relates_back {
            expl.push(format!(
                "#{i} {} was disciplined on {disc}, after this violation occurred, so it relates back to its own date of occurrence {} — {}.",
                p.violation, p.occurred, k.step_two
            ));
        }
        if is_active {
            active.push(i);
            match cat.reckoning_months {
                _ if cat.permanent => expl.push(format!(
                    "#{i} {} (Category {}) is active on {}: Category {} is a permanent record — {}.",
                    p.violation, cat.id, c.occurred, cat.id, cat.cite
                )),
                Some(m) => expl.push(format!(
                    "#{i} {} (Category {}) is active on {}: its {}-year reckoning period from {start} runs through {} — {}.",
                    p.violation, cat.id, c.occurred, m / 12, add_months(start, m), cat.cite
                )),
                None => {}
            }
        } else if let Some(m) = cat.reckoning_months {
            expl.push(format!(
                "#{i} {} (Category {}) is not counted: its {}-year reckoning period from {start} ended on {} — {}.",
                p.violation, cat.id, m / 12, add_months(start, m), cat.cite
            ));
        }
    }
    let related: Vec<usize> = active
        .iter()
        .copied()
        .filter(|i| same_or_related(policy, c.resolved, &case.history[*i]))
        .collect();
    for &i in &active {
        let p = &case.history[i];
        expl.push(match relation(policy, c.resolved, p) {
            Some(reason) => format!(
                "#{i} {} counts as same, similar or related: {reason} — {}.",
                p.violation, k.step_two_a
            ),
            None => format!(
                "#{i} {} is not related to this violation (different listed violation and heading).",
                p.violation
            ),
        });
    }
    // Circumstance (a) uses one related past violation (the first listed); every
    // other active past violation, related or not, may make up the three of (b).
    let used = related.first().copied();
    let others: Vec<usize> = active
        .iter()
        .copied()
        .filter(|i| Some(*i) != used)
        .collect();
    let mut raised_by = Vec::new();
    let mut counted = Vec::new();
    let mut steps = 0usize;
    if let Some(u) = used {
        raised_by.push("related".to_string());
        counted.push(u);
        steps += 1;
        expl.push(format!(
            "Step Two (a): raised one category — the same, similar or related past violation {} still has an active reckoning period on {} — {}.",
            list_idx(&[u], &case.history, policy),
            c.occurred,
            k.step_two_a
        ));
    }
    if others.len() >= 3 {
        raised_by.push("three-or-more".to_string());
        counted.extend(&others);
        steps += 1;
        expl.push(format!(
            "Step Two (b): raised one category — {} other past violations of any type have active reckoning periods on {} ({}); the one already used in (a) is not counted again — {}.",
            others.len(),
            c.occurred,
            list_idx(&others, &case.history, policy),
            k.step_two_b
        ));
    } else if !others.is_empty() {
        expl.push(format!(
            "Step Two (b): only {} other past violation(s) with an active reckoning period; three or more are needed — {}.",
            others.len(),
            k.step_two_b
        ));
    }
    if steps == 2 {
        expl.push(format!(
            "Both circumstances apply, so the category rises by two levels — {}.",
            k.step_two_c
        ));
    }
    counted.sort_unstable();
    let top = policy.categories.len() - 1;
    let adjusted = (base + steps).min(top);
    let adjusted_id = policy.categories[adjusted].id.clone();
    if steps == 0 {
        expl.push(format!("Step Two: no active same or related past violation and fewer than three others, so the category stays {base_id} — {}.", k.step_two));
    } else if base + steps > top {
        expl.push(format!(
            "Category {adjusted_id} is the highest, so it stays {adjusted_id} — {}.",
            k.step_two_a
        ));
    } else {
        expl.push(format!("Adjusted category: {adjusted_id}."));
    }
    expl.push(format!("Step Three: mitigating and aggravating factors move the discipline within the category's range; they do not change the category — {}.", k.factors));
    let cat = &policy.categories[adjusted];
    let range: Vec<String> = match &fixed {
        Some(f) if adjusted == top || adjusted == base => {
            expl.push(format!(
                "The list fixes the discipline for {title}: {f} — {cite}."
            ));
            vec![f.clone()]
        }
        _ => cat.range.clone(),
    };
    let recommended = c.recommended.map(|d| {
        check_recommended(
            policy,
            d,
            &range,
            &mut expl,
            &format!("Category {adjusted_id}"),
        )
    });
    Line {
        violation: title,
        id,
        base: base_id,
        adjusted: adjusted_id,
        level: None,
        raised_by,
        counted,
        active,
        related,
        range,
        recommended,
        explanation: expl,
    }
}

fn matrix_line(case: &Case, policy: &Policy, c: &Current) -> Line {
    let mut expl = Vec::new();
    match c.resolved {
        Resolved::Special(si) => {
            let s = &policy.special[si];
            let max = s.levels.iter().map(|l| l.level).max().unwrap_or(1);
            let priors = |months: Option<u32>| -> Vec<usize> {
                case.history
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| {
                        p.resolved == Some(Resolved::Special(si))
                            && p.occurred < c.occurred
                            && months.is_none_or(|m| p.occurred >= sub_months(c.occurred, m))
                    })
                    .map(|(i, _)| i)
                    .collect()
            };
            let mut level = 1;
            let mut counted = Vec::new();
            for l in (1..=max).rev() {
                let lv = s.levels.iter().find(|x| x.level == l);
                let w = lv.and_then(|x| x.window_months).or(s.window_months);
                let need = lv.and_then(|x| x.min_priors).unwrap_or(l - 1) as usize;
                let p = priors(w);
                if p.len() >= need {
                    level = l;
                    counted = p;
                    break;
                }
            }
            let lv = s.levels.iter().find(|x| x.level == level);
            let range = lv.map(|l| l.range.clone()).unwrap_or_default();
            expl.push(format!("Special circumstance: {} — {}.", s.title, s.cite));
            expl.push(format!(
                "This is the {} such violation counted, so level {level} applies: {} — {}.",
                ordinal(counted.len() + 1),
                lv.map(|l| l.text.as_str()).unwrap_or(""),
                s.cite
            ));
            let recommended = c.recommended.map(|d| {
                check_recommended(
                    policy,
                    d,
                    &range,
                    &mut expl,
                    &format!("{} level {level}", s.id),
                )
            });
            Line {
                violation: s.title.clone(),
                id: s.id.clone(),
                base: s.id.clone(),
                adjusted: s.id.clone(),
                level: Some(level),
                raised_by: Vec::new(),
                active: counted.clone(),
                related: Vec::new(),
                counted,
                range,
                recommended,
                explanation: expl,
            }
        }
        Resolved::Listed(vi) => {
            let v = &policy.violations[vi];
            let (lo, _) = policy.range_of(v).unwrap_or((0, 0));
            let base = c.category.unwrap_or(lo);
            let cat = &policy.categories[base];
            expl.push(format!(
                "Category {}: {} is an example of Category {} — {}; {}.",
                cat.id, v.title, cat.id, v.cite, cat.cite
            ));
            let counted: Vec<usize> = case
                .history
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    p.category == Some(base)
                        && p.occurred < c.occurred
                        && cat
                            .lookback_months
                            .is_none_or(|m| p.occurred >= sub_months(c.occurred, m))
                })
                .map(|(i, _)| i)
                .collect();
            let mut level = counted.len() as u32 + 1;
            let mut adjusted = base;
            let mut raised_by = Vec::new();
            match cat.lookback_months {
                Some(m) => expl.push(format!(
                    "{} past Category {} violation(s) committed in the {m} months before {} (on or after {}), so this is violation number {level} — {}.",
                    counted.len(), cat.id, c.occurred, sub_months(c.occurred, m), cat.cite
                )),
                None => expl.push(format!("{} past Category {} violation(s), so this is violation number {level}.", counted.len(), cat.id)),
            }
            let max_level = cat.levels.iter().map(|l| l.level).max().unwrap_or(1);
            if level > max_level {
                if let Some(next) = cat.next.as_deref().and_then(|n| policy.category_index(n)) {
                    expl.push(format!(
                        "A {} violation in the window moves the case to Category {}, level 1 — {}.",
                        ordinal(level as usize),
                        policy.categories[next].id,
                        cat.cite
                    ));
                    adjusted = next;
                    level = 1;
                    raised_by.push("repeat".to_string());
                } else {
                    expl.push(format!(
                        "Category {} is the highest: termination at any level — {}.",
                        cat.id, cat.cite
                    ));
                }
            }
            let acat = &policy.categories[adjusted];
            let lv = acat
                .levels
                .iter()
                .find(|l| l.level == level)
                .or_else(|| acat.levels.last());
            let range = lv.map(|l| l.range.clone()).unwrap_or_default();
            if let Some(l) = lv {
                expl.push(format!(
                    "Category {} level {}: {} — {}.",
                    acat.id,
                    level,
                    l.text,
                    l.cite.as_deref().unwrap_or(&acat.cite)
                ));
            }
            expl.push(format!("Mitigating and aggravating factors move the penalty inside this range and never move the category — {}.", policy.cites.factors));
            let recommended = c.recommended.map(|d| {
                check_recommended(
                    policy,
                    d,
                    &range,
                    &mut expl,
                    &format!("Category {} level {level}", acat.id),
                )
            });
            Line {
                violation: v.title.clone(),
                id: v.id.clone(),
                base: cat.id.clone(),
                adjusted: acat.id.clone(),
                level: Some(level),
                raised_by,
                active: counted.clone(),
                related: Vec::new(),
                counted,
                range,
                recommended,
                explanation: expl,
            }
        }
    }
}

/// Parses and evaluates a case file's text with the bundled policies: the whole of
/// `muster worksheet`.
pub fn run(file: &str, text: &str) -> Result<Worksheet, LoadError> {
    run_with(file, text, &Policy::bundled)
}

/// As [`run`], looking policies up with `policies` (an agency's own files first).
pub fn run_with(
    file: &str,
    text: &str,
    policies: &dyn Fn(&str) -> Option<Policy>,
) -> Result<Worksheet, LoadError> {
    // Editors on Windows may save a byte-order mark; it is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (case, policy) = parse_case(file, text, policies)?;
    Ok(evaluate(&case, &policy))
}

/// A diagnostic for an unreadable file.
pub fn io_error(file: &str, e: &std::io::Error) -> LoadError {
    crate::core::error::read_error(file, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(text: &str) -> Worksheet {
        run("case.json", text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(text: &str) -> String {
        run("case.json", text)
            .expect_err("should be rejected")
            .to_string()
    }

    /// An APD case: current violation (title, date, extra fields) and history items.
    fn apd(cur: &str, hist: &[&str]) -> String {
        format!(
            r#"{{"policy":"apd-sop-2020","current":[{cur}],"history":[{}]}}"#,
            hist.join(",")
        )
    }

    fn past(v: &str, cat: &str, occ: &str, disc: &str) -> String {
        format!(
            r#"{{"violation":"{v}","category":"{cat}","occurred":"{occ}","disciplined":"{disc}"}}"#
        )
    }

    const TARDY: &str = r#"{"violation":"Tardiness","occurred":"2026-03-02"}"#;

    fn line(w: &Worksheet) -> &Line {
        &w.violations[0]
    }

    #[test]
    fn step_one_single_and_listed_range() {
        let w = ws(&apd(TARDY, &[]));
        assert_eq!(
            (line(&w).base.as_str(), line(&w).adjusted.as_str()),
            ("A", "A")
        );
        assert_eq!(
            line(&w).range,
            vec!["oral-admonishment", "written-reprimand"]
        );
        assert_eq!(w.route.as_deref(), Some("unit"));
        let w = ws(&apd(
            r#"{"violation":"Unauthorized Use of City Property","occurred":"2026-03-02","category":"C"}"#,
            &[],
        ));
        assert_eq!(line(&w).base, "C");
        assert_eq!(line(&w).violation, "Unauthorized Use of City Property");
        assert_eq!(w.route.as_deref(), Some("ops"));
    }

    #[test]
    fn related_prior_inside_period_raises_one() {
        let w = ws(&apd(
            TARDY,
            &[&past("Tardiness", "A", "2025-05-01", "2025-06-01")],
        ));
        assert_eq!(line(&w).adjusted, "B");
        assert_eq!(line(&w).raised_by, vec!["related"]);
        assert_eq!(line(&w).counted, vec![0]);
    }

    #[test]
    fn reckoning_period_last_day_is_the_anniversary() {
        let on = ws(&apd(
            r#"{"violation":"Tardiness","occurred":"2026-06-01"}"#,
            &[&past("Tardiness", "A", "2025-05-01", "2025-06-01")],
        ));
        assert_eq!(line(&on).adjusted, "B", "anniversary is inside");
        let after = ws(&apd(
            r#"{"violation":"Tardiness","occurred":"2026-06-02"}"#,
            &[&past("Tardiness", "A", "2025-05-01", "2025-06-01")],
        ));
        assert_eq!(line(&after).adjusted, "A", "the day after is outside");
        assert!(line(&after).counted.is_empty());
    }

    #[test]
    fn periods_by_category_and_d_is_permanent() {
        // B: three years.
        let b_in = ws(&apd(
            TARDY,
            &[&past("Tardiness", "B", "2023-01-01", "2023-03-02")],
        ));
        assert_eq!(line(&b_in).adjusted, "B");
        let b_out = ws(&apd(
            TARDY,
            &[&past("Tardiness", "B", "2022-01-01", "2023-03-01")],
        ));
        assert_eq!(line(&b_out).adjusted, "A");
        // C: five years.
        let c_in = ws(&apd(
            TARDY,
            &[&past("Tardiness", "C", "2021-01-01", "2021-03-02")],
        ));
        assert_eq!(line(&c_in).adjusted, "B");
        let c_out = ws(&apd(
            TARDY,
            &[&past("Tardiness", "C", "2020-01-01", "2021-03-01")],
        ));
        assert_eq!(line(&c_out).adjusted, "A");
        // D: permanent record.
        let d = ws(&apd(
            TARDY,
            &[&past("Tardiness", "D", "1999-01-01", "1999-02-01")],
        ));
        assert_eq!(line(&d).adjusted, "B");
    }

    #[test]
    fn three_or_more_unrelated_raise_one_and_two_do_not() {
        let three = [
            past("Incomplete Uniform", "A", "2025-09-01", "2025-10-01"),
            past("Failed to Appear", "A", "2025-10-01", "2025-11-01"),
            past("Harassing a Citizen", "B", "2024-01-01", "2024-02-01"),
        ];
        let refs: Vec<&str> = three.iter().map(String::as_str).collect();
        let w = ws(&apd(TARDY, &refs));
        assert_eq!(line(&w).adjusted, "B");
        assert_eq!(line(&w).raised_by, vec!["three-or-more"]);
        assert_eq!(line(&w).counted, vec![0, 1, 2]);
        let w = ws(&apd(TARDY, &refs[..2]));
        assert_eq!(line(&w).adjusted, "A");
        assert!(line(&w).raised_by.is_empty());
    }

    #[test]
    fn both_raise_two_and_related_is_not_counted_twice() {
        let h = [
            past("Tardiness", "A", "2025-05-01", "2025-06-01"),
            past("Incomplete Uniform", "A", "2025-09-01", "2025-10-01"),
            past("Failed to Appear", "A", "2025-10-01", "2025-11-01"),
            past("Harassing a Citizen", "B", "2024-01-01", "2024-02-01"),
        ];
        let refs: Vec<&str> = h.iter().map(String::as_str).collect();
        let w = ws(&apd(TARDY, &refs));
        assert_eq!(line(&w).adjusted, "C");
        assert_eq!(line(&w).raised_by, vec!["related", "three-or-more"]);
        assert_eq!(line(&w).counted, vec![0, 1, 2, 3]);
        // Related + only two others: the related one is not reused to make three.
        let w = ws(&apd(TARDY, &refs[..3]));
        assert_eq!(line(&w).adjusted, "B");
        assert_eq!(line(&w).raised_by, vec!["related"]);
        assert_eq!(line(&w).counted, vec![0]);
    }

    #[test]
    fn several_related_priors_raise_once() {
        let h = [
            past("Tardiness", "A", "2025-05-01", "2025-06-01"),
            past("Tardiness", "A", "2025-07-01", "2025-08-01"),
            past("Tardiness", "A", "2025-09-01", "2025-10-01"),
        ];
        let refs: Vec<&str> = h.iter().map(String::as_str).collect();
        let w = ws(&apd(TARDY, &refs));
        assert_eq!(
            line(&w).adjusted,
            "B",
            "one used in (a), only two left for (b)"
        );
        assert_eq!(line(&w).counted, vec![0]);
        assert_eq!(line(&w).related, vec![0, 1, 2]);
        assert_eq!(line(&w).raised_by, vec!["related"]);
        // A fourth related prior makes three others of any type: both circumstances.
        let four = past("Tardiness", "A", "2025-11-01", "2025-12-01");
        let mut refs4 = refs.clone();
        refs4.push(&four);
        let w = ws(&apd(TARDY, &refs4));
        assert_eq!(line(&w).adjusted, "C");
        assert_eq!(line(&w).raised_by, vec!["related", "three-or-more"]);
        assert_eq!(line(&w).counted, vec![0, 1, 2, 3]);
    }

    #[test]
    fn cap_at_d() {
        let cur = r#"{"violation":"Unauthorized Use of City Property","occurred":"2026-03-02","category":"D","recommended":"dismissal"}"#;
        let w = ws(&apd(
            cur,
            &[&past(
                "Unauthorized Use of City Property",
                "C",
                "2025-01-01",
                "2025-02-01",
            )],
        ));
        assert_eq!(line(&w).adjusted, "D");
        assert_eq!(line(&w).raised_by, vec!["related"]);
        let cur = r#"{"violation":"Unauthorized Use of City Property","occurred":"2026-03-02","category":"C"}"#;
        let h = [
            past(
                "Unauthorized Use of City Property",
                "C",
                "2025-01-01",
                "2025-02-01",
            ),
            past("Tardiness", "A", "2025-09-01", "2025-10-01"),
            past("Failed to Appear", "A", "2025-10-01", "2025-11-01"),
            past("Harassing a Citizen", "B", "2024-01-01", "2024-02-01"),
        ];
        let refs: Vec<&str> = h.iter().map(String::as_str).collect();
        let w = ws(&apd(cur, &refs));
        assert_eq!(line(&w).adjusted, "D", "C + 2 caps at D");
        assert_eq!(w.highest, "D");
    }

    #[test]
    fn relate_back_counts_discipline_imposed_after_the_current_occurrence() {
        // Committed 2025-01-10, disciplined 2026-04-01 (after the current 2026-03-02):
        // its year runs from 2025-01-10, so it is inactive on 2026-03-02 ...
        let w = ws(&apd(
            TARDY,
            &[&past("Tardiness", "A", "2025-01-10", "2026-04-01")],
        ));
        assert_eq!(line(&w).adjusted, "A");
        // ... while one committed 2025-12-01 and disciplined later is active.
        let w = ws(&apd(
            TARDY,
            &[&past("Tardiness", "A", "2025-12-01", "2026-04-01")],
        ));
        assert_eq!(line(&w).adjusted, "B");
        assert!(
            line(&w)
                .explanation
                .iter()
                .any(|e| e.contains("relates back"))
        );
        // Misconduct committed after the current violation never counts.
        let w = ws(&apd(
            TARDY,
            &[&past("Tardiness", "A", "2026-03-05", "2026-04-01")],
        ));
        assert_eq!(line(&w).adjusted, "A");
    }

    #[test]
    fn related_by_group_heading_and_overrides() {
        // Absent Without Leave stands under ATTENDANCE like Tardiness.
        let w = ws(&apd(
            TARDY,
            &[&past(
                "Absent Without Leave",
                "A",
                "2025-09-01",
                "2025-10-01",
            )],
        ));
        assert_eq!(line(&w).raised_by, vec!["related"]);
        let no = r#"{"violation":"Absent Without Leave","category":"A","occurred":"2025-09-01","disciplined":"2025-10-01","related":false}"#;
        let w = ws(&apd(TARDY, &[no]));
        assert!(line(&w).raised_by.is_empty());
        let yes = r#"{"violation":"Some old county rule","category":"A","occurred":"2025-09-01","disciplined":"2025-10-01","related":true}"#;
        let w = ws(&apd(TARDY, &[yes]));
        assert_eq!(line(&w).adjusted, "B");
        let unknown = r#"{"violation":"Some old county rule","category":"A","occurred":"2025-09-01","disciplined":"2025-10-01"}"#;
        assert!(err(&apd(TARDY, &[unknown])).contains("history[0].violation"));
    }

    #[test]
    fn fixed_dismissal_range() {
        let w = ws(&apd(
            r#"{"violation":"Untruthful","occurred":"2026-03-02","recommended":"suspension:20"}"#,
            &[],
        ));
        assert_eq!(line(&w).base, "D");
        assert_eq!(line(&w).range, vec!["dismissal"]);
        let r = line(&w).recommended.clone().expect("rec");
        assert!(!r.within_range);
        assert_eq!(r.authority.as_deref(), Some("Assistant Chief"));
        assert_eq!(w.route.as_deref(), Some("ops"));
    }

    #[test]
    fn recommendations_range_authority_and_route() {
        let cases = [
            ("oral-admonishment", true, Some("Sergeant"), "unit"),
            ("written-reprimand", true, Some("Lieutenant"), "unit"),
            ("suspension:1", false, Some("Captain"), "ops"),
            ("termination", false, Some("Chief"), "ops"),
            ("loss-of-pay:1", false, None, "unit"),
        ];
        for (rec, within, auth, route) in cases {
            let cur = format!(
                r#"{{"violation":"Tardiness","occurred":"2026-03-02","recommended":"{rec}"}}"#
            );
            let w = ws(&apd(&cur, &[]));
            let r = line(&w).recommended.clone().expect("rec");
            assert_eq!(
                (r.within_range, r.authority.as_deref(), w.route.as_deref()),
                (within, auth, Some(route)),
                "{rec}"
            );
        }
        let cur =
            r#"{"violation":"Tardiness","occurred":"2026-03-02","recommended":"suspension:3"}"#;
        let w = ws(&apd(
            cur,
            &[&past("Tardiness", "A", "2025-05-01", "2025-06-01")],
        ));
        let r = line(&w).recommended.clone().expect("rec");
        assert!(r.within_range);
        assert_eq!(r.authority.as_deref(), Some("Major"));
        assert_eq!(w.route.as_deref(), Some("ops"), "suspension is adverse");
    }

    #[test]
    fn several_current_violations_take_the_highest() {
        let text = r#"{"policy":"apd-sop-2020","current":[
            {"violation":"Tardiness","occurred":"2026-03-02"},
            {"violation":"Harassing a Citizen","occurred":"2026-03-02"}],"history":[]}"#;
        let w = ws(text);
        assert_eq!(w.violations.len(), 2);
        assert_eq!(w.highest, "B");
        assert_eq!(w.route.as_deref(), Some("unit"));
    }

    fn md(cur: &str, hist: &[(&str, &str)]) -> Worksheet {
        let h: Vec<String> = hist
            .iter()
            .map(|(cat, occ)| format!(r#"{{"violation":"Failure to submit required report","category":"{cat}","occurred":"{occ}"}}"#))
            .collect();
        ws(&format!(
            r#"{{"policy":"md-uniform-matrix","current":[{cur}],"history":[{}]}}"#,
            h.join(",")
        ))
    }

    const REPORT: &str =
        r#"{"violation":"Failure to submit required report","occurred":"2026-01-12"}"#;

    #[test]
    fn matrix_levels_windows_and_repeat() {
        let w = md(REPORT, &[]);
        assert_eq!((line(&w).base.as_str(), line(&w).level), ("B", Some(1)));
        assert_eq!(w.route, None);
        let w = md(REPORT, &[("B", "2024-01-12")]);
        assert_eq!(line(&w).level, Some(2));
        assert_eq!(line(&w).range, vec!["loss-of-pay:1-3"]);
        let w = md(REPORT, &[("B", "2023-01-12")]);
        assert_eq!(line(&w).level, Some(2), "window's first day is inside");
        let w = md(REPORT, &[("B", "2023-01-11")]);
        assert_eq!(line(&w).level, Some(1), "outside the 36-month window");
        let w = md(REPORT, &[("A", "2025-01-12")]);
        assert_eq!(line(&w).level, Some(1), "other categories do not count");
        let w = md(REPORT, &[("B", "2024-01-12"), ("B", "2025-01-12")]);
        assert_eq!((line(&w).adjusted.as_str(), line(&w).level), ("C", Some(1)));
        assert_eq!(line(&w).raised_by, vec!["repeat"]);
        assert_eq!(line(&w).counted, vec![0, 1]);
        assert_eq!(line(&w).range, vec!["loss-of-pay:2-4"]);
    }

    #[test]
    fn a_parenthetical_that_distinguishes_examples_is_kept() {
        let w = ws(r#"{"policy":"md-uniform-matrix","current":[
            {"violation":"Unauthorized vehicle pursuit (no injury)","occurred":"2026-01-12"},
            {"violation":"Unauthorized vehicle pursuit","occurred":"2026-01-12"},
            {"violation":"Failure to notify or report to duty assignment (AWOL)","occurred":"2026-01-12"}]}"#);
        let got: Vec<(&str, &str)> = w
            .violations
            .iter()
            .map(|l| (l.violation.as_str(), l.base.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Unauthorized vehicle pursuit (no injury)", "C"),
                ("Unauthorized vehicle pursuit", "D"),
                ("Failure to notify or report to duty assignment", "C")
            ]
        );
        let w = ws(&apd(
            r#"{"violation":"Lost or Damaged (May also pay to replace)","occurred":"2026-03-02","category":"B"}"#,
            &[],
        ));
        assert_eq!(line(&w).violation, "Lost or Damaged City Property");
    }

    #[test]
    fn matrix_e_moves_to_f_and_f_is_termination() {
        let cur = r#"{"violation":"Affiliation with known criminals","occurred":"2026-01-12"}"#;
        let w = md(cur, &[("E", "2023-01-12"), ("E", "2025-01-12")]);
        assert_eq!((line(&w).adjusted.as_str(), line(&w).level), ("F", Some(1)));
        assert_eq!(line(&w).range, vec!["dismissal"]);
        let cur = r#"{"violation":"Performing secondary employment while on-duty","occurred":"2026-01-12","recommended":"termination"}"#;
        let w = md(cur, &[]);
        assert_eq!(line(&w).adjusted, "F");
        let r = line(&w).recommended.clone().expect("rec");
        assert!(r.within_range);
        assert_eq!(r.authority, None);
    }

    #[test]
    fn matrix_multi_category_needs_category_and_specials_count() {
        assert!(err(r#"{"policy":"md-uniform-matrix","current":[{"violation":"Insubordination","occurred":"2026-01-12"}]}"#).contains("current[0].category: missing"));
        let w = ws(
            r#"{"policy":"md-uniform-matrix","current":[{"violation":"Insubordination","occurred":"2026-01-12","category":"D"}]}"#,
        );
        assert_eq!(line(&w).base, "D");
        let w = ws(
            r#"{"policy":"md-uniform-matrix","current":[{"violation":"dui-1","occurred":"2026-01-12"}],
            "history":[{"violation":"Off-duty DUI that violates law","category":"E","occurred":"2019-01-01"}]}"#,
        );
        assert_eq!((line(&w).base.as_str(), line(&w).level), ("dui-1", Some(2)));
        assert_eq!(line(&w).range, vec!["loss-of-pay:30-9999", "dismissal"]);
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let w = ws(&format!("\u{feff}{}", apd(TARDY, &[])));
        assert_eq!(line(&w).base, "A");
    }

    #[test]
    fn bad_input_is_reported_never_panics() {
        for t in [
            "",
            "null",
            "[]",
            "{}",
            r#"{"policy":5}"#,
            r#"{"policy":"apd-sop-2020","current":5}"#,
            r#"{"policy":"apd-sop-2020","current":[5]}"#,
            r#"{"policy":"apd-sop-2020","current":[{"violation":7,"occurred":"x"}]}"#,
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Tardiness","occurred":"2026-13-01","category":"Z"}]}"#,
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Tardiness","occurred":"2026-01-01"}],"history":[{"violation":"Tardiness"}]}"#,
        ] {
            assert!(run("x.json", t).is_err(), "{t}");
        }
        assert!(
            err(&apd(
                r#"{"violation":"Tardiness","occurred":"2026-02-29"}"#,
                &[]
            ))
            .contains("not a real calendar date")
        );
        assert!(
            err(&apd(
                r#"{"violation":"Tardiness","occurred":"2026-3-2"}"#,
                &[]
            ))
            .contains("YYYY-MM-DD")
        );
        assert!(
            err(&apd(
                r#"{"violation":"Tardiness","occurred":"2026-03-02","category":"B"}"#,
                &[]
            ))
            .contains("outside the listed range A")
        );
    }
}

//! Drawing only: `render` turns the app state into a frame. Nothing here mutates
//! state or does I/O. All text that came from files is sanitised before it is drawn.
use crate::app::drill::{Answer, view};
use crate::app::keymap::help_rows;
use crate::app::{Mode, Screen, Session, State};
use crate::core::deck::CardKind;
use crate::core::scheduler::format_interval;
use crate::core::study::Filter;
use crate::core::text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

/// Smallest terminal the layout works in.
pub const MIN_WIDTH: u16 = 60;
/// Smallest terminal height.
pub const MIN_HEIGHT: u16 = 16;

fn clean(s: &str) -> String {
    sanitize(s, false)
}

fn clean_ml(s: &str) -> String {
    sanitize(s, true)
}

/// Draws the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Please enlarge the terminal: Muster needs {MIN_WIDTH}×{MIN_HEIGHT}, this one is {}×{}.",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let title = match &state.screen {
        Screen::Home => "Decks".to_string(),
        Screen::Study(s) | Screen::Summary(s) => clean(&s.title),
        Screen::Drills => "Scenario drills".into(),
        Screen::Tags(..) => "Study by tag".into(),
        Screen::Drill(d) => state
            .scenarios
            .get(d.scenario)
            .map(|l| clean(&l.scenario.title))
            .unwrap_or_default(),
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled(
                " Muster ",
                Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            ),
            Span::raw(format!(" {title}")),
            Span::raw(format!("   profile: {}", clean(&state.profile))).dim(),
        ]),
        header,
    );
    match &state.screen {
        Screen::Home => home(state, frame, body),
        Screen::Study(s) => study(state, s, frame, body),
        Screen::Summary(s) => summary(state, s, frame, body),
        Screen::Drills => drills(state, frame, body),
        Screen::Tags(tags, sel) => tag_list(state, tags, *sel, frame, body),
        Screen::Drill(_) => drill(state, frame, body),
    }
    if let Some(m) = &state.message {
        frame.render_widget(
            Line::from(clean(m)).style(Style::new().fg(Color::Yellow)),
            status,
        );
    }
    let mode = state.mode();
    let keys: Vec<Span> = help_rows(mode, true)
        .into_iter()
        .flat_map(|(k, d)| {
            [
                Span::styled(
                    format!(" {k} "),
                    Style::new().add_modifier(Modifier::REVERSED),
                ),
                Span::raw(format!(" {d} ")),
            ]
        })
        .collect();
    frame.render_widget(Line::from(keys), footer);
    if state.help {
        help(mode, frame, area);
    }
}

fn home(state: &State, frame: &mut Frame, area: Rect) {
    let now = state.now;
    let mut rows: Vec<Row> = state
        .col
        .library
        .decks
        .iter()
        .enumerate()
        .map(|(i, (d, _))| {
            let c = state.col.counts(&Filter::Deck(i), now);
            Row::new(vec![
                Cell::from(clean(&d.title)),
                Cell::from(c.total.to_string()),
                Cell::from(c.new.to_string()).style(Style::new().fg(Color::Blue)),
                Cell::from(c.due.to_string()).style(Style::new().fg(Color::Green)),
                Cell::from(c.learned.to_string()),
            ])
        })
        .collect();
    let all = state.col.counts(&Filter::All, now);
    rows.push(
        Row::new(vec![
            Cell::from("All decks"),
            Cell::from(all.total.to_string()),
            Cell::from(all.new.to_string()),
            Cell::from(all.due.to_string()),
            Cell::from(all.learned.to_string()),
        ])
        .add_modifier(Modifier::BOLD),
    );
    let done = state
        .drill_results
        .iter()
        .map(|r| r.scenario.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    rows.push(Row::new(vec![
        Cell::from(format!(
            "Scenario drills ({} cases)",
            state.scenario_count()
        )),
        Cell::from(format!("{done} done")),
        Cell::from(""),
        Cell::from(""),
        Cell::from(""),
    ]));
    let rows: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| highlight(r, i == state.home_sel))
        .collect();
    let [table_area, info] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(area);
    let table = Table::new(
        rows,
        [
            Constraint::Min(20),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(8),
        ],
    )
    .header(
        Row::new(vec!["Deck", "Cards", "New", "Due", "Learned"])
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )
    .block(Block::default().borders(Borders::ALL).title(" Study "));
    frame.render_widget(table, table_area);
    let new_left = state.col.new_left_today(state.settings.new_per_day, now);
    let mut lines = vec![Line::from(format!(
        " New cards left today: {new_left} of {}.  Due counts include learning cards.",
        state.settings.new_per_day
    ))];
    for p in state.problems.iter().take(2) {
        lines.push(Line::from(format!(" ⚠ {}", clean(p))).style(Style::new().fg(Color::Red)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), info);
}

fn study(state: &State, s: &Session, frame: &mut Frame, area: Rect) {
    let Some(sh) = &s.showing else { return };
    let it = state.col.items[sh.item];
    let (deck, _) = &state.col.library.decks[it.deck as usize];
    let card = deck.card(it.card as usize);
    let counts = state.col.counts(&s.filter, state.now);
    let [info, front_area, back_area, buttons] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(40),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Line::from(format!(
            " answered {} · due {} · learning {} · new {} · {}",
            s.answered,
            counts.due,
            counts.learning,
            state
                .col
                .new_left_today(state.settings.new_per_day, state.now)
                .min(counts.new),
            clean(&deck.title)
        ))
        .dim(),
        info,
    );
    let mut front = Text::from(clean_ml(&state.front_text(sh.item, sh.revealed)));
    let opts = state.options(sh.item);
    if card.kind == CardKind::MultipleChoice {
        front.push_line(Line::from(""));
        for (i, o) in opts.iter().enumerate() {
            let key = (b'a' + i as u8) as char;
            let mut line = Line::from(format!("  {key}) {}", clean(o)));
            if sh.revealed {
                if *o == card.back {
                    line = line.style(Style::new().fg(Color::Green).add_modifier(Modifier::BOLD));
                } else if sh.picked == Some(i) {
                    line = line.style(
                        Style::new()
                            .fg(Color::Red)
                            .add_modifier(Modifier::CROSSED_OUT),
                    );
                }
            }
            front.push_line(line);
        }
    } else if card.kind == CardKind::TrueFalse && !sh.revealed {
        front.push_line(Line::from(""));
        front.push_line(Line::from("  t) True    f) False"));
    } else if card.kind == CardKind::Typed {
        front.push_line(Line::from(""));
        front.push_line(Line::from(vec![
            Span::raw("  Your answer: "),
            Span::styled(
                format!("{}▏", clean(&sh.typed)),
                Style::new().add_modifier(Modifier::UNDERLINED),
            ),
        ]));
    }
    frame.render_widget(
        Paragraph::new(front)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Question ")),
        front_area,
    );
    if sh.revealed {
        let mut back = Text::default();
        if let Some(ok) = state.judged(sh) {
            let (msg, color) = if ok {
                ("✓ Correct", Color::Green)
            } else {
                ("✗ Not quite", Color::Red)
            };
            back.push_line(
                Line::from(msg).style(Style::new().fg(color).add_modifier(Modifier::BOLD)),
            );
        }
        if card.kind == CardKind::Typed {
            let diff: Vec<Span> = state
                .typed_diff(sh)
                .into_iter()
                .map(|(w, ok)| {
                    let st = if ok {
                        Style::new().fg(Color::Green)
                    } else {
                        Style::new()
                            .fg(Color::Red)
                            .add_modifier(Modifier::UNDERLINED)
                    };
                    Span::styled(format!("{} ", clean(&w)), st)
                })
                .collect();
            back.push_line(Line::from(format!("You typed: {}", clean(&sh.typed))));
            let mut l = vec![Span::raw("Expected:  ")];
            l.extend(diff);
            back.push_line(Line::from(l));
        } else if card.kind != CardKind::Cloze || !card.back.is_empty() {
            for l in clean_ml(card.back).lines() {
                back.push_line(Line::from(l.to_string()).add_modifier(Modifier::BOLD));
            }
        }
        if let Some(x) = &card.extra {
            back.push_line(Line::from(""));
            back.push_line(Line::from(clean(x)));
        }
        back.push_line(Line::from(""));
        let src = card
            .source
            .map(clean)
            .unwrap_or_else(|| "no section given".into());
        back.push_line(
            Line::from(format!("Source: {} — {}", clean(&deck.source), src))
                .style(Style::new().fg(Color::Cyan)),
        );
        frame.render_widget(
            Paragraph::new(back)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(" Answer ")),
            back_area,
        );
        let st = &state.col.states[sh.item];
        let spans: Vec<Span> = state
            .col
            .sched
            .preview(st, state.now)
            .iter()
            .flat_map(|(r, ms)| {
                [
                    Span::styled(
                        format!(" {} {} ", *r as u8, r.label()),
                        Style::new().add_modifier(Modifier::REVERSED),
                    ),
                    Span::raw(format!(" {}   ", format_interval(*ms))),
                ]
            })
            .collect();
        frame.render_widget(Line::from(spans), buttons);
    }
}

fn summary(state: &State, s: &Session, frame: &mut Frame, area: Rect) {
    let acc = if s.answered == 0 {
        0.0
    } else {
        100.0 * s.correct as f64 / s.answered as f64
    };
    let mins = (state.now - s.started).max(0) as f64 / 60_000.0;
    let next = state
        .col
        .next_due_after(&s.filter, state.now)
        .map(|t| format!("in {}", format_interval(t - state.now)));
    let lines = vec![
        Line::from("Session complete — nothing more is due right now.")
            .add_modifier(Modifier::BOLD),
        Line::from(""),
        Line::from(format!("Cards answered:  {}", s.answered)),
        Line::from(format!("Accuracy:        {acc:.0}% (not rated Again)")),
        Line::from(format!("Time:            {mins:.1} min")),
        Line::from(format!(
            "Next card due:   {}",
            next.unwrap_or_else(|| "nothing scheduled".into())
        )),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Summary ")),
        area,
    );
}

fn tag_list(state: &State, tags: &[(String, usize)], sel: usize, frame: &mut Frame, area: Rect) {
    let visible = area.height.saturating_sub(3) as usize;
    let skip = sel.saturating_sub(visible.saturating_sub(1));
    // Counts only for the rows on screen: tags can be many and collections large.
    let rows: Vec<Row> = tags
        .iter()
        .enumerate()
        .skip(skip)
        .take(visible.max(1))
        .map(|(i, (t, n))| {
            let c = state.col.counts(&Filter::Tag(t.clone()), state.now);
            let r = Row::new(vec![
                Cell::from(clean(t)),
                Cell::from(n.to_string()),
                Cell::from(c.new.to_string()).style(Style::new().fg(Color::Blue)),
                Cell::from(c.due.to_string()).style(Style::new().fg(Color::Green)),
            ]);
            highlight(r, i == sel)
        })
        .collect();
    let t = Table::new(
        rows,
        [
            Constraint::Min(30),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(6),
        ],
    )
    .header(
        Row::new(vec!["Tag", "Cards", "New", "Due"])
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Tags ({}) ", tags.len())),
    );
    frame.render_widget(t, area);
}

fn drills(state: &State, frame: &mut Frame, area: Rect) {
    let rows: Vec<Row> = state
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let best = state
                .drill_results
                .iter()
                .filter(|r| r.scenario == l.scenario.id)
                .map(|r| r.score)
                .fold(None, |a: Option<f32>, b| Some(a.map_or(b, |a| a.max(b))));
            let r = Row::new(vec![
                Cell::from(clean(&l.scenario.title)),
                Cell::from(l.scenario.policy.clone()),
                Cell::from(
                    best.map(|b| format!("{:.0}%", b * 100.0))
                        .unwrap_or_else(|| "—".into()),
                ),
            ]);
            highlight(r, i == state.drills_sel)
        })
        .collect();
    // Keep the selection visible.
    let visible = area.height.saturating_sub(3) as usize;
    let skip = state.drills_sel.saturating_sub(visible.saturating_sub(1));
    let rows: Vec<Row> = rows.into_iter().skip(skip).collect();
    let t = Table::new(
        rows,
        [
            Constraint::Min(30),
            Constraint::Length(18),
            Constraint::Length(6),
        ],
    )
    .header(
        Row::new(vec!["Case", "Policy", "Best"])
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Scenario drills "),
    );
    frame.render_widget(t, area);
}

fn drill(state: &State, frame: &mut Frame, area: Rect) {
    let Screen::Drill(d) = &state.screen else {
        return;
    };
    let Some(l) = state.scenarios.get(d.scenario) else {
        return;
    };
    // The question panel takes what it needs; the case gets the rest.
    let inner = area.width.saturating_sub(2);
    let want = if d.finished {
        d.grades.len() as u16 + 3
    } else if let Some(g) = &d.feedback {
        wrapped(&format!("x\n{}\n\n{}", g.correct, g.explanation), inner) + 2
    } else {
        d.steps.get(d.pos).map_or(3, |step| {
            let v = view(l, step);
            let opts: u16 = v
                .options
                .iter()
                .map(|o| wrapped(&format!(" a) [ ] {o}"), inner))
                .sum();
            wrapped(&v.prompt, inner) + opts.max(1) + 2
        })
    };
    let q_height = want.clamp(6, area.height.saturating_sub(5).max(6));
    let [case_area, q_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(q_height)]).areas(area);
    // Facts first (they are what the worksheet needs), then the narrative.
    let mut case = Text::default();
    if let Some(c) = &l.case {
        for (i, cur) in c.current.iter().enumerate() {
            let rec = cur
                .recommended
                .map(|r| format!(", recommended: {}", r.describe()))
                .unwrap_or_default();
            case.push_line(
                Line::from(format!(
                    "Current {}: {} — occurred {}{rec}",
                    i + 1,
                    clean(&cur.violation),
                    cur.occurred
                ))
                .add_modifier(Modifier::BOLD),
            );
        }
        if c.history.is_empty() {
            case.push_line(Line::from("History: no past sustained violations."));
        }
        for (i, p) in c.history.iter().enumerate() {
            let disc = p
                .disciplined
                .map(|d| format!(", disciplined {d}"))
                .unwrap_or_default();
            case.push_line(Line::from(format!(
                "History #{i}: {} — Category {}, occurred {}{disc}",
                clean(&p.violation),
                p.category_id(&l.policy),
                p.occurred
            )));
        }
        case.push_line(Line::from(""));
    }
    for line in clean_ml(&l.scenario.narrative).lines() {
        case.push_line(Line::from(line.to_string()));
    }
    for f in &l.scenario.factors {
        case.push_line(Line::from(clean(f)).italic());
    }
    let case_lines = wrapped(
        &case
            .lines
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        inner,
    );
    let room = case_area.height.saturating_sub(2);
    let more = case_lines > room;
    let scroll = d.scroll.min(case_lines.saturating_sub(room));
    let title = if more {
        format!(" Case · {} · PgDn/PgUp for more ", clean(&l.policy.id))
    } else {
        format!(" Case · {} ", clean(&l.policy.title))
    };
    frame.render_widget(
        Paragraph::new(case)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        case_area,
    );
    if d.finished {
        let mut t = Text::from(
            Line::from(format!("Drill complete: {:.0}%", d.score() * 100.0))
                .add_modifier(Modifier::BOLD),
        );
        for g in &d.grades {
            let color = if g.score >= 1.0 {
                Color::Green
            } else if g.score > 0.0 {
                Color::Yellow
            } else {
                Color::Red
            };
            t.push_line(
                Line::from(format!("{:>4.0}%  {}", g.score * 100.0, g.step))
                    .style(Style::new().fg(color)),
            );
        }
        frame.render_widget(
            Paragraph::new(t).block(Block::default().borders(Borders::ALL).title(" Result ")),
            q_area,
        );
        return;
    }
    let Some(step) = d.steps.get(d.pos) else {
        return;
    };
    let v = view(l, step);
    let title = format!(" {} ({}/{}) ", v.title, d.pos + 1, d.steps.len());
    if let Some(g) = &d.feedback {
        let color = if g.score >= 1.0 {
            Color::Green
        } else if g.score > 0.0 {
            Color::Yellow
        } else {
            Color::Red
        };
        let verdict = if g.score >= 1.0 {
            "Correct".to_string()
        } else if g.score > 0.0 {
            format!("Partly right ({:.0}%)", g.score * 100.0)
        } else {
            "Not right".to_string()
        };
        let t = Text::from(vec![
            Line::from(verdict).style(Style::new().fg(color).add_modifier(Modifier::BOLD)),
            Line::from(format!("Answer: {}", clean(&g.correct))),
            Line::from(""),
            Line::from(clean(&g.explanation)),
        ]);
        frame.render_widget(
            Paragraph::new(t)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL).title(title)),
            q_area,
        );
        return;
    }
    let mut t = Text::from(Line::from(clean(&v.prompt)).add_modifier(Modifier::BOLD));
    // Keep the cursor's option on screen when the list is longer than the panel.
    let width = q_area.width.saturating_sub(2);
    let mut cursor_end = wrapped(&clean(&v.prompt), width);
    for o in v.options.iter().take(d.cursor + 1) {
        cursor_end += wrapped(&format!(" a) [ ] {}", clean(o)), width);
    }
    let scroll = cursor_end.saturating_sub(q_area.height.saturating_sub(2));
    for (i, o) in v.options.iter().enumerate() {
        let key = (b'a' + i as u8) as char;
        let mark = match v.answer {
            Answer::Multi => {
                if d.ticked.contains(&i) {
                    "[x] "
                } else {
                    "[ ] "
                }
            }
            Answer::Single => "",
        };
        let mut line = Line::from(format!(" {key}) {mark}{}", clean(o)));
        if i == d.cursor {
            line = line.add_modifier(Modifier::REVERSED);
        }
        t.push_line(line);
    }
    if v.options.is_empty() {
        t.push_line(Line::from(" (no past violations — press Enter)"));
    }
    frame.render_widget(
        Paragraph::new(t)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        q_area,
    );
}

/// A table row, shown reversed when selected.
fn highlight(row: Row<'_>, selected: bool) -> Row<'_> {
    if selected {
        row.style(Style::new().add_modifier(Modifier::REVERSED))
    } else {
        row
    }
}

/// Lines `text` takes when wrapped at `width` (a close estimate for layout).
fn wrapped(text: &str, width: u16) -> u16 {
    let w = usize::from(width.max(1));
    text.lines()
        .map(|l| l.chars().count().div_ceil(w).max(1) as u16)
        .sum()
}

fn help(mode: Mode, frame: &mut Frame, area: Rect) {
    let rows = help_rows(mode, false);
    let w = area.width.saturating_sub(8).min(70);
    let h = (rows.len() as u16 + 4).min(area.height.saturating_sub(2));
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, r);
    let t = Table::new(
        rows.into_iter()
            .map(|(k, d)| Row::new(vec![Cell::from(k), Cell::from(d)])),
        [Constraint::Length(16), Constraint::Min(10)],
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Keys — ? or Esc closes "),
    );
    frame.render_widget(t, r);
}

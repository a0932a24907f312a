//! Screen tests: each screen rendered into a TestBackend at 80×24 and snapshotted,
//! plus style checks where colour carries meaning and no-panic renders at tiny sizes.
use muster::app::{Action, Mode, Screen, State, update};
use muster::core::compact::LoadedDeck;
use muster::core::deck::{Library, Origin};
use muster::core::scenario::Loaded;
use muster::core::scheduler::{Scheduler, SchedulerConfig};
use muster::core::store::Settings;
use muster::core::study::Collection;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

const NOW: i64 = 1_790_000_000_000;

const DECK: &str = r#"{"id":"demo","title":"Demo Deck","source":"APD SOP 2020","cards":[
 {"id":"c1","front":"What is the reckoning period of a Category A violation?","back":"One year from the date of discipline.","source":"§4.3.2","tags":["reckoning-period"]},
 {"id":"c2","front":"Which rank may impose a written reprimand?","back":"Lieutenant","kind":"multiple-choice","options":["Sergeant","Lieutenant","Captain"],"source":"§4.4.1"},
 {"id":"c3","front":"How many days to complete an investigation?","back":"90 days","kind":"typed","source":"§4.2.2"},
 {"id":"c4","front":"Evil \u001b[31mred\u001b[0m text \u001b]0;title\u0007here","back":"B","source":"x"}
]}"#;

fn scenario() -> Loaded {
    let text = r#"{"id":"t-1","title":"Late again","policy":"apd-sop-2020",
      "narrative":"On 2 March 2026 Officer R. Alvarez arrived 25 minutes late for roll call.",
      "current":[{"violation":"Tardiness","occurred":"2026-03-02","recommended":"written-reprimand"}],
      "history":[{"violation":"Tardiness","category":"A","occurred":"2025-05-01","disciplined":"2025-06-01"}],
      "asks":["base","active","adjusted","authority","route"]}"#;
    Loaded::parse("t.json", text).expect("scenario")
}

fn state() -> State {
    let deck = LoadedDeck::parse("demo.json", DECK.into(), false).expect("deck");
    let lib = Library {
        decks: vec![(deck, Origin::Bundled)],
        problems: vec![],
    };
    let col = Collection::new(lib, &[], Scheduler::new(SchedulerConfig::default()), 0);
    State::new(
        col,
        vec![scenario()],
        Settings::default(),
        "deputy".into(),
        NOW,
    )
}

fn draw(state: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| muster::ui::render(state, f)).expect("draw");
    t
}

fn screen_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn home_screen() {
    let s = state();
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn study_front_and_back() {
    let mut s = state();
    update(&mut s, Action::Select);
    assert_eq!(s.mode(), Mode::Front);
    insta::assert_snapshot!("study_front", draw(&s, 80, 24).backend());
    update(&mut s, Action::Reveal);
    assert_eq!(s.mode(), Mode::Back);
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("study_back", t.backend());
    let text = screen_text(&t);
    assert!(text.contains("Source: APD SOP 2020 — §4.3.2"));
    assert!(text.contains("1 Again") && text.contains("3 Good"));
}

#[test]
fn multiple_choice_marks_right_answer_green() {
    let mut s = state();
    update(&mut s, Action::Select);
    update(&mut s, Action::Reveal);
    update(&mut s, Action::Rate(muster::core::scheduler::Rating::Easy));
    assert_eq!(s.mode(), Mode::Choice);
    update(&mut s, Action::Pick('a'));
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("multiple_choice_wrong", t.backend());
    let buf = t.backend().buffer();
    let text = screen_text(&t);
    let row = text
        .lines()
        .position(|l| l.contains("b) Lieutenant"))
        .expect("row");
    let col = text
        .lines()
        .nth(row)
        .and_then(|l| l.chars().position(|c| c == 'L'))
        .expect("col");
    assert_eq!(buf[(col as u16, row as u16)].fg, Color::Green);
    assert!(text.contains("✗ Not quite"));
}

#[test]
fn typed_answer_shows_the_difference() {
    let mut s = state();
    update(&mut s, Action::Select);
    update(&mut s, Action::Reveal);
    update(&mut s, Action::Rate(muster::core::scheduler::Rating::Easy));
    update(&mut s, Action::Pick('b'));
    update(&mut s, Action::Rate(muster::core::scheduler::Rating::Easy));
    assert_eq!(s.mode(), Mode::Typing);
    for c in "90 Days".chars() {
        update(&mut s, Action::Type(c));
    }
    insta::assert_snapshot!("typed_front", draw(&s, 80, 24).backend());
    update(&mut s, Action::Reveal);
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("typed_back", t.backend());
    assert!(screen_text(&t).contains("✓ Correct"));
}

#[test]
fn control_sequences_in_cards_are_neutralised() {
    let mut s = state();
    for _ in 0..3 {
        update(&mut s, Action::Select);
        update(&mut s, Action::Reveal);
        if s.mode() == Mode::Choice {
            update(&mut s, Action::Pick('b'));
        }
        update(&mut s, Action::Rate(muster::core::scheduler::Rating::Easy));
    }
    let text = screen_text(&draw(&s, 80, 24));
    assert!(text.contains("Evil red text here"), "{text}");
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn help_overlay() {
    let mut s = state();
    update(&mut s, Action::Help);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn too_small_terminal_asks_to_enlarge() {
    let s = state();
    let t = draw(&s, 40, 10);
    assert!(screen_text(&t).contains("Please enlarge"));
    insta::assert_snapshot!(t.backend());
    draw(&s, 1, 1);
    draw(&s, 0, 0);
}

#[test]
fn drill_steps() {
    let mut s = state();
    s.screen = Screen::Drills;
    insta::assert_snapshot!("drill_list", draw(&s, 80, 24).backend());
    update(&mut s, Action::Select);
    insta::assert_snapshot!("drill_base", draw(&s, 80, 24).backend());
    update(&mut s, Action::Select); // Category A is the right base
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("drill_base_feedback", t.backend());
    assert!(screen_text(&t).contains("Correct"));
    update(&mut s, Action::Select);
    insta::assert_snapshot!("drill_active", draw(&s, 80, 24).backend());
    update(&mut s, Action::Toggle);
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Select); // adjusted: pick A (wrong: B)
    let t = draw(&s, 80, 24);
    insta::assert_snapshot!("drill_adjusted_feedback", t.backend());
    assert!(screen_text(&t).contains("Partly right"));
    update(&mut s, Action::Select);
    update(&mut s, Action::Pick('b'));
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    insta::assert_snapshot!("drill_result", draw(&s, 80, 24).backend());
}

#[test]
fn all_screens_survive_tiny_and_odd_sizes() {
    let mut s = state();
    for size in [(0, 0), (1, 1), (59, 15), (60, 16), (200, 60)] {
        draw(&s, size.0, size.1);
    }
    update(&mut s, Action::Select);
    update(&mut s, Action::Reveal);
    update(&mut s, Action::Help);
    for size in [(0, 0), (1, 1), (60, 16), (61, 17)] {
        draw(&s, size.0, size.1);
    }
}

#[test]
fn every_drill_step_of_a_full_worksheet_and_a_matrix_case() {
    let (all, bad) = muster::core::scenario::load_bundled();
    assert!(bad.is_empty());
    for id in [
        "apd-01-tardy-repeat",
        "md-09-third-b-moves-to-c",
        "md-13-off-duty-dui-first",
        "topics-07-apd-complaint-priority",
    ] {
        let l = all
            .iter()
            .find(|l| l.scenario.id == id)
            .expect("bundled scenario")
            .clone();
        let mut s = state();
        s.scenarios = vec![l];
        s.screen = Screen::Drills;
        update(&mut s, Action::Select);
        let mut step = 0;
        while matches!(s.mode(), Mode::Drill | Mode::DrillMulti) {
            insta::assert_snapshot!(format!("{id}_step_{step}"), draw(&s, 80, 24).backend());
            update(&mut s, Action::Select);
            insta::assert_snapshot!(
                format!("{id}_step_{step}_feedback"),
                draw(&s, 80, 24).backend()
            );
            update(&mut s, Action::Select);
            step += 1;
        }
        assert!(step >= 1);
        insta::assert_snapshot!(format!("{id}_result"), draw(&s, 80, 24).backend());
    }
}

#[test]
fn tag_list_screen() {
    let mut s = state();
    update(&mut s, Action::Tags);
    assert_eq!(s.mode(), Mode::Tags);
    insta::assert_snapshot!(draw(&s, 80, 24).backend());
}

#[test]
fn long_option_lists_scroll_to_the_cursor() {
    let (all, _) = muster::core::scenario::load_bundled();
    let l = all
        .into_iter()
        .find(|l| l.scenario.id == "md-13-off-duty-dui-first")
        .expect("bundled");
    let mut s = state();
    s.scenarios = vec![l];
    s.screen = Screen::Drills;
    update(&mut s, Action::Select);
    for _ in 0..20 {
        update(&mut s, Action::Down);
    }
    let text = screen_text(&draw(&s, 80, 24));
    assert!(
        text.contains("Departmental collision with injury"),
        "last option visible when selected:\n{text}"
    );
}

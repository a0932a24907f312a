//! The app layer: sequences of actions fed to `update`, asserting on state and effects.
use muster::app::{Action, Effect, Mode, Screen, State, update};
use muster::core::compact::LoadedDeck;
use muster::core::deck::{Library, Origin};
use muster::core::review_log::Op;
use muster::core::scenario::Loaded;
use muster::core::scheduler::{Rating, Scheduler, SchedulerConfig};
use muster::core::store::Settings;
use muster::core::study::{Collection, Filter};

const NOW: i64 = 1_790_000_000_000;

const DECK: &str = r#"{"id":"d","title":"D","source":"S","cards":[
 {"id":"a","front":"Reckoning period of A?","back":"One year","source":"§4.3.2","tags":["reckoning-period"]},
 {"id":"b","front":"Who imposes a written reprimand?","back":"Lieutenant","source":"§4.4.1","tags":["authority-table"]},
 {"id":"c","front":"Q3","back":"A3","source":"x"},
 {"id":"d","front":"{{c1::Category A}} lasts {{c2::one year}}","kind":"cloze","source":"x"}
]}"#;

fn state_with(new_per_day: u32) -> State {
    let deck = LoadedDeck::parse("d.json", DECK.into(), true).expect("deck");
    let lib = Library {
        decks: vec![(deck, Origin::Bundled)],
        problems: vec![],
    };
    let col = Collection::new(lib, &[], Scheduler::new(SchedulerConfig::default()), 0);
    let text = r#"{"id":"s","title":"S","policy":"apd-sop-2020","narrative":"n",
      "current":[{"violation":"Tardiness","occurred":"2026-03-02","recommended":"written-reprimand"}],
      "history":[{"violation":"Tardiness","category":"A","occurred":"2025-05-01","disciplined":"2025-06-01"}],
      "asks":["base","active","authority"]}"#;
    let settings = Settings {
        new_per_day,
        ..Settings::default()
    };
    State::new(
        col,
        vec![Loaded::parse("s.json", text).expect("scenario")],
        settings,
        "p".into(),
        NOW,
    )
}

fn logged(effects: &[Effect]) -> Vec<Op> {
    effects
        .iter()
        .filter_map(|e| {
            if let Effect::Log(l) = e {
                Some(l.op)
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn cloze_cards_become_one_item_per_deletion() {
    let s = state_with(20);
    assert_eq!(s.col.items.len(), 5);
    assert_eq!(s.front_text(3, false), "[...] lasts one year");
    assert_eq!(s.front_text(4, true), "Category A lasts [one year]");
}

#[test]
fn answer_logs_then_undo_restores() {
    let mut s = state_with(20);
    update(&mut s, Action::Select);
    assert_eq!(s.mode(), Mode::Front);
    assert!(
        update(&mut s, Action::Rate(Rating::Good)).is_empty(),
        "cannot rate before revealing"
    );
    update(&mut s, Action::Reveal);
    let eff = update(&mut s, Action::Rate(Rating::Good));
    assert_eq!(logged(&eff), vec![Op::Review]);
    assert!(!s.col.states[0].is_new());
    assert_eq!(s.col.new_left_today(20, NOW), 19);
    let eff = update(&mut s, Action::Undo);
    assert_eq!(logged(&eff), vec![Op::Undo]);
    assert!(s.col.states[0].is_new());
    assert_eq!(s.col.new_left_today(20, NOW), 20);
    let Screen::Study(sess) = &s.screen else {
        panic!("still studying")
    };
    assert_eq!(
        sess.showing.as_ref().map(|x| x.item),
        Some(0),
        "the undone card is shown again"
    );
    assert_eq!(sess.answered, 0);
}

#[test]
fn suspend_and_bury_take_cards_out_of_the_session() {
    let mut s = state_with(20);
    update(&mut s, Action::Select);
    assert_eq!(logged(&update(&mut s, Action::Suspend)), vec![Op::Suspend]);
    assert_eq!(logged(&update(&mut s, Action::Bury)), vec![Op::Bury]);
    let Screen::Study(sess) = &s.screen else {
        panic!("studying")
    };
    assert_eq!(sess.showing.as_ref().map(|x| x.item), Some(2));
    assert!(s.col.states[0].suspended);
    assert!(!s.col.states[1].available(muster::core::scheduler::study_day(NOW, 0)));
}

#[test]
fn daily_new_limit_ends_the_session_with_a_summary() {
    let mut s = state_with(2);
    update(&mut s, Action::Select);
    for _ in 0..2 {
        update(&mut s, Action::Reveal);
        update(&mut s, Action::Rate(Rating::Easy));
    }
    assert!(
        matches!(s.screen, Screen::Summary(_)),
        "two new cards, both graduated: done"
    );
    update(&mut s, Action::Back);
    assert!(matches!(s.screen, Screen::Home));
    update(&mut s, Action::Select);
    assert!(matches!(s.screen, Screen::Home));
    assert!(s.message.as_deref().unwrap_or("").contains("Nothing due"));
}

#[test]
fn a_missed_drill_step_brings_its_flashcards_due() {
    let mut s = state_with(20);
    // Study both tagged cards first so they are scheduled days out.
    update(&mut s, Action::Select);
    for _ in 0..2 {
        update(&mut s, Action::Reveal);
        update(&mut s, Action::Rate(Rating::Easy));
    }
    update(&mut s, Action::Back);
    assert_eq!(s.col.counts(&Filter::All, NOW).due, 0);
    s.screen = Screen::Drills;
    update(&mut s, Action::Select);
    update(&mut s, Action::Pick('b')); // base: B is wrong (A)
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Toggle); // active: #0 is right
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Pick('b')); // authority: Lieutenant is right
    update(&mut s, Action::Select);
    let eff = update(&mut s, Action::Select);
    assert!(
        eff.iter()
            .any(|e| matches!(e, Effect::Drill(r) if r.missed == vec!["base".to_string()]))
    );
    // The base step's tag is violation-list: no card has it, so nothing is made due...
    assert_eq!(logged(&eff), Vec::<Op>::new());
    // ...while missing authority brings the authority-table card due.
    s.screen = Screen::Drills;
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Toggle);
    update(&mut s, Action::Select);
    update(&mut s, Action::Select);
    update(&mut s, Action::Pick('d')); // Major: wrong
    update(&mut s, Action::Select);
    let eff = update(&mut s, Action::Select);
    assert_eq!(logged(&eff), vec![Op::MakeDue]);
    assert_eq!(s.col.counts(&Filter::All, NOW).due, 1);
    assert!(
        s.message
            .as_deref()
            .unwrap_or("")
            .contains("1 related flashcard")
    );
}

#[test]
fn help_and_quit() {
    let mut s = state_with(20);
    update(&mut s, Action::Help);
    assert!(s.help);
    update(&mut s, Action::Back);
    assert!(!s.help && !s.quit, "Esc closes help first");
    update(&mut s, Action::Back);
    assert!(s.quit, "q on home quits");
    let mut s = state_with(20);
    update(&mut s, Action::Select);
    update(&mut s, Action::Quit);
    assert!(s.quit, "Ctrl-C quits from anywhere");
}

#[test]
fn tag_list_studies_one_topic() {
    let mut s = state_with(20);
    update(&mut s, Action::Tags);
    let Screen::Tags(tags, _) = &s.screen else {
        panic!("tag list")
    };
    assert_eq!(
        tags.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
        vec!["authority-table", "reckoning-period"]
    );
    update(&mut s, Action::Select);
    let Screen::Study(sess) = &s.screen else {
        panic!("studying the tag")
    };
    assert_eq!(sess.filter, Filter::Tag("authority-table".into()));
    assert_eq!(sess.showing.as_ref().map(|x| x.item), Some(1));
    update(&mut s, Action::Back);
    assert!(matches!(s.screen, Screen::Home));
}

#[test]
fn special_circumstance_drills_offer_their_table() {
    let (all, _) = muster::core::scenario::load_bundled();
    let l = all
        .into_iter()
        .find(|l| l.scenario.id == "md-13-off-duty-dui-first")
        .expect("bundled");
    let mut s = state_with(20);
    s.scenarios = vec![l];
    s.screen = Screen::Drills;
    update(&mut s, Action::Select);
    let Screen::Drill(d) = &s.screen else {
        panic!("drill")
    };
    let v = muster::app::drill::view(&s.scenarios[0], &d.steps[0]);
    let pick = v
        .options
        .iter()
        .position(|o| o.contains("Off-duty DUI"))
        .expect("the DUI table is offered");
    for _ in 0..pick {
        update(&mut s, Action::Down);
    }
    update(&mut s, Action::Select);
    let Screen::Drill(d) = &s.screen else {
        panic!("drill")
    };
    assert_eq!(d.feedback.as_ref().map(|g| g.score), Some(1.0));
}

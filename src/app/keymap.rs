//! The one keymap table: key → action per mode, with a description. Key handling,
//! the footer and the `?` help screen are all generated from it.
use crate::app::{Action, Mode};
use crate::core::scheduler::Rating;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A character key.
    Char(char),
    /// Ctrl + character.
    Ctrl(char),
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Backspace.
    Backspace,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Tab.
    Tab,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
}

impl Key {
    /// How the key is shown.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{c}"),
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Backspace => "Bksp".into(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::Tab => "Tab".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
        }
    }

    /// From a crossterm event.
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        Some(match ev.code {
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                Key::Ctrl(c.to_ascii_lowercase())
            }
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Enter => Key::Enter,
            KeyCode::Esc => Key::Esc,
            KeyCode::Backspace => Key::Backspace,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Tab => Key::Tab,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            _ => return None,
        })
    }
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Modes where it applies.
    pub modes: &'static [Mode],
    /// The keys.
    pub keys: &'static [Key],
    /// What it does.
    pub action: Action,
    /// Help text.
    pub desc: &'static str,
    /// Short label for the footer; empty when only in help.
    pub footer: &'static str,
}

use Mode::*;

const ANY: &[Mode] = &[
    Home,
    Front,
    Choice,
    Back,
    Typing,
    Summary,
    Drills,
    Tags,
    Drill,
    DrillMulti,
    DrillFeedback,
];

/// The table. Order matters: the first binding for a key in a mode wins.
pub fn table() -> Vec<Binding> {
    let b = |modes, keys, action, desc, footer: &'static str| Binding {
        modes,
        keys,
        action,
        desc,
        footer,
    };
    vec![
        b(ANY, &[Key::Ctrl('c')], Action::Quit, "quit at once", ""),
        b(
            &[Home, Drills, Tags, Drill, DrillMulti],
            &[Key::Char('k'), Key::Up],
            Action::Up,
            "move up",
            "",
        ),
        b(
            &[Home, Drills, Tags, Drill, DrillMulti],
            &[Key::Char('j'), Key::Down],
            Action::Down,
            "move down",
            "",
        ),
        b(
            &[Home],
            &[Key::Enter, Key::Char('l')],
            Action::Select,
            "study the selected deck / open drills",
            "open",
        ),
        b(
            &[Home],
            &[Key::Char('a')],
            Action::StudyAll,
            "study all decks",
            "all decks",
        ),
        b(
            &[Home],
            &[Key::Char('t')],
            Action::Tags,
            "study by tag (topic)",
            "tags",
        ),
        b(
            &[Tags],
            &[Key::Enter, Key::Char('l')],
            Action::Select,
            "study the cards with the selected tag",
            "study",
        ),
        b(
            &[Drills],
            &[Key::Enter, Key::Char('l')],
            Action::Select,
            "start the selected drill",
            "start",
        ),
        b(
            &[Front, Choice],
            &[Key::Char(' '), Key::Enter],
            Action::Reveal,
            "show the answer",
            "show answer",
        ),
        b(
            &[Typing],
            &[Key::Enter],
            Action::Reveal,
            "check the typed answer",
            "check",
        ),
        b(
            &[Typing],
            &[Key::Backspace],
            Action::Backspace,
            "delete a character",
            "",
        ),
        b(
            &[Choice],
            &[Key::Char('t')],
            Action::Pick('t'),
            "answer True (true/false cards)",
            "true",
        ),
        b(
            &[Choice],
            &[Key::Char('f')],
            Action::Pick('f'),
            "answer False (true/false cards)",
            "false",
        ),
        b(
            &[Choice],
            &[
                Key::Char('a'),
                Key::Char('b'),
                Key::Char('c'),
                Key::Char('d'),
                Key::Char('e'),
            ],
            Action::Pick('?'),
            "choose option a–e (multiple choice)",
            "choose",
        ),
        b(
            &[Back],
            &[Key::Char('1')],
            Action::Rate(Rating::Again),
            "Again: forgot",
            "again",
        ),
        b(
            &[Back],
            &[Key::Char('2')],
            Action::Rate(Rating::Hard),
            "Hard: recalled with effort",
            "hard",
        ),
        b(
            &[Back],
            &[Key::Char('3'), Key::Char(' '), Key::Enter],
            Action::Rate(Rating::Good),
            "Good: recalled",
            "good",
        ),
        b(
            &[Back],
            &[Key::Char('4')],
            Action::Rate(Rating::Easy),
            "Easy: trivial",
            "easy",
        ),
        b(
            &[Front, Choice, Back, Summary],
            &[Key::Char('u')],
            Action::Undo,
            "undo the last answer",
            "undo",
        ),
        b(
            &[Front, Back],
            &[Key::Char('s')],
            Action::Suspend,
            "suspend this card",
            "",
        ),
        b(
            &[Front, Back],
            &[Key::Char('b')],
            Action::Bury,
            "bury this card until tomorrow",
            "",
        ),
        b(
            &[Drill, DrillMulti, DrillFeedback],
            &[Key::PageDown, Key::Ctrl('d')],
            Action::ScrollDown,
            "scroll the case text down",
            "",
        ),
        b(
            &[Drill, DrillMulti, DrillFeedback],
            &[Key::PageUp, Key::Ctrl('u')],
            Action::ScrollUp,
            "scroll the case text up",
            "",
        ),
        b(
            &[DrillMulti],
            &[Key::Char(' ')],
            Action::Toggle,
            "tick / untick (multi-select)",
            "tick",
        ),
        b(
            &[Drill, DrillMulti],
            &[Key::Enter],
            Action::Select,
            "submit the answer",
            "submit",
        ),
        b(
            &[DrillFeedback],
            &[Key::Enter, Key::Char(' ')],
            Action::Select,
            "next step",
            "next",
        ),
        b(
            &[Summary],
            &[Key::Enter],
            Action::Back,
            "back to the home screen",
            "home",
        ),
        b(
            &[
                Home,
                Front,
                Choice,
                Back,
                Summary,
                Drills,
                Tags,
                Drill,
                DrillMulti,
                DrillFeedback,
            ],
            &[Key::Char('?')],
            Action::Help,
            "show / hide this help",
            "help",
        ),
        b(
            &[Typing],
            &[Key::Tab],
            Action::Help,
            "show / hide this help",
            "",
        ),
        b(
            &[
                Home,
                Front,
                Choice,
                Back,
                Summary,
                Drills,
                Tags,
                Drill,
                DrillMulti,
                DrillFeedback,
            ],
            &[Key::Char('q'), Key::Esc],
            Action::Back,
            "back (quit from home)",
            "back",
        ),
        b(
            &[Typing],
            &[Key::Esc],
            Action::Back,
            "back to the deck list",
            "back",
        ),
    ]
}

/// The action for `key` in `mode`; in typing mode any other character is typed.
pub fn lookup(mode: Mode, key: Key) -> Option<Action> {
    let hit = table()
        .into_iter()
        .find(|b| b.modes.contains(&mode) && b.keys.contains(&key))
        .map(|b| match b.action {
            Action::Pick(_) => match key {
                Key::Char(c) => Action::Pick(c),
                _ => Action::Pick('?'),
            },
            a => a,
        });
    match (hit, mode, key) {
        (Some(a), _, _) => Some(a),
        (None, Typing, Key::Char(c)) => Some(Action::Type(c)),
        (None, Drill | DrillMulti, Key::Char(c)) if c.is_ascii_alphanumeric() => {
            Some(Action::Pick(c))
        }
        _ => None,
    }
}

/// `(keys, description)` rows for a mode: the help screen and the footer.
pub fn help_rows(mode: Mode, footer_only: bool) -> Vec<(String, &'static str)> {
    table()
        .into_iter()
        .filter(|b| b.modes.contains(&mode) && (!footer_only || !b.footer.is_empty()))
        .map(|b| {
            let keys = if b.keys.len() == 5 {
                format!("{}–{}", b.keys[0].label(), b.keys[4].label())
            } else {
                b.keys
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("/")
            };
            (keys, if footer_only { b.footer } else { b.desc })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vim_keys_and_arrows_both_move() {
        assert_eq!(lookup(Home, Key::Char('j')), Some(Action::Down));
        assert_eq!(lookup(Home, Key::Down), Some(Action::Down));
        assert_eq!(lookup(Home, Key::Char('k')), Some(Action::Up));
        assert_eq!(lookup(Home, Key::Up), Some(Action::Up));
    }

    #[test]
    fn ratings_and_typing() {
        assert_eq!(
            lookup(Back, Key::Char('1')),
            Some(Action::Rate(Rating::Again))
        );
        assert_eq!(
            lookup(Back, Key::Char('4')),
            Some(Action::Rate(Rating::Easy))
        );
        assert_eq!(lookup(Choice, Key::Char('c')), Some(Action::Pick('c')));
        assert_eq!(lookup(Front, Key::Char('b')), Some(Action::Bury));
        assert_eq!(
            lookup(Typing, Key::Char('q')),
            Some(Action::Type('q')),
            "q is typed, not quit"
        );
        assert_eq!(lookup(Typing, Key::Esc), Some(Action::Back));
        assert_eq!(lookup(Front, Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(lookup(Front, Key::Char('z')), None);
    }

    #[test]
    fn every_mode_has_help_and_a_way_back() {
        for m in ANY {
            let rows = help_rows(*m, false);
            assert!(
                rows.iter()
                    .any(|(_, d)| d.contains("back") || d.contains("quit")),
                "{m:?}"
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        for m in ANY {
            let mut seen = Vec::new();
            for b in table().iter().filter(|b| b.modes.contains(m)) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{m:?} {k:?} bound twice");
                    seen.push(*k);
                }
            }
        }
    }
}

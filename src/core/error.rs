//! Diagnostics for untrusted input: every problem names the file, the line:column and
//! the field path, and says what is wrong.
use std::fmt;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it (or `bundled:NAME` for embedded files).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// Field path such as `cards[3].back`; empty for syntax errors.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A failed load: one or more diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError(pub Vec<Diagnostic>);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one file, locating field paths in its source text.
pub struct Reporter<'a> {
    file: &'a str,
    text: &'a str,
    /// What was found so far.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// Starts a report on `file` whose contents are `text`.
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Self {
            file,
            text,
            diagnostics: Vec::new(),
        }
    }

    /// Records a problem at field `path` (e.g. `cards[2].options`).
    pub fn error(&mut self, path: &str, message: impl Into<String>) {
        // A missing field is reported where its parent object starts.
        let mut at = path;
        let (line, col) = loop {
            if let Some(off) = crate::core::jsonpos::locate(self.text, at) {
                break crate::core::text::line_col(self.text, off);
            }
            match at.rfind(['.', '[']) {
                Some(i) => at = &at[..i],
                None if !at.is_empty() => at = "",
                None => break (0, 0),
            }
        };
        self.diagnostics.push(Diagnostic {
            file: self.file.to_string(),
            line,
            col,
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Ok when nothing was recorded.
    pub fn finish(self) -> Result<(), LoadError> {
        if self.diagnostics.is_empty() {
            Ok(())
        } else {
            Err(LoadError(self.diagnostics))
        }
    }
}

/// A file that could not be read.
pub fn read_error(file: &str, e: &std::io::Error) -> LoadError {
    LoadError(vec![Diagnostic {
        file: file.to_string(),
        line: 0,
        col: 0,
        path: String::new(),
        message: format!("cannot read: {e}"),
    }])
}

/// Turns a serde_json error into a diagnostic with its line and column.
pub fn from_serde(file: &str, err: &serde_json::Error) -> Diagnostic {
    let msg = err.to_string();
    // serde_json appends " at line L column C"; keep only the message part.
    let message = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    Diagnostic {
        file: file.to_string(),
        line: err.line(),
        col: err.column(),
        path: String::new(),
        message,
    }
}

//! Finds where a field path (`cards[3].back`) stands in JSON source text, so that
//! validation errors found after parsing can still name a line and column.

/// Byte offset of the value at `path` in `text`, if the text is well-formed enough
/// to get there. The root path is `""`.
pub fn locate(text: &str, path: &str) -> Option<usize> {
    let segs = parse_path(path)?;
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    s.ws();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                s.expect(b'{')?;
                loop {
                    s.ws();
                    if s.peek()? == b'}' {
                        return None;
                    }
                    let key = s.string()?;
                    s.ws();
                    s.expect(b':')?;
                    s.ws();
                    if key == k {
                        break;
                    }
                    s.skip_value()?;
                    s.ws();
                    if s.peek()? == b',' {
                        s.i += 1;
                    }
                }
            }
            Seg::Index(n) => {
                s.expect(b'[')?;
                for _ in 0..n {
                    s.ws();
                    s.skip_value()?;
                    s.ws();
                    s.expect(b',')?;
                }
                s.ws();
                if s.peek()? == b']' {
                    return None;
                }
            }
        }
    }
    Some(s.i)
}

enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Option<Vec<Seg>> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            segs.push(Seg::Key(name.to_string()));
        }
        for idx in rest.split('[').filter(|x| !x.is_empty()) {
            segs.push(Seg::Index(idx.trim_end_matches(']').parse().ok()?));
        }
    }
    Some(segs)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.peek()? == c {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }
    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let start = self.i;
        while self.peek()? != b'"' {
            if self.peek()? == b'\\' {
                self.i += 1;
            }
            self.i += 1;
        }
        let raw = std::str::from_utf8(self.b.get(start..self.i)?).ok()?;
        self.i += 1;
        // Keys with escapes are compared in their decoded form.
        serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()
    }
    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.i += 1;
                }
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::line_col;

    #[test]
    fn finds_nested_fields() {
        let t = "{\n  \"a\": 1,\n  \"cards\": [\n    {\"id\": \"x\", \"b\": [1, {\"c\": 2}]},\n    {\"id\": \"y\"}\n  ]\n}";
        let off = locate(t, "cards[1].id").expect("found");
        assert_eq!(line_col(t, off), (5, 12));
        let off = locate(t, "cards[0].b[1].c").expect("found");
        assert_eq!(&t[off..off + 1], "2");
        assert!(locate(t, "cards[5]").is_none());
        assert!(locate(t, "nope").is_none());
        assert_eq!(locate(t, ""), Some(0));
    }

    #[test]
    fn never_panics_on_garbage() {
        for t in ["", "{", "[", "{\"a\":", "\"", "{\"a\" 1}", "[1,", "}}}"] {
            let _ = locate(t, "a[3].b");
        }
    }
}

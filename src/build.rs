//! Build script: embeds every deck, policy and scenario file so the binary works from
//! any directory. Generates `$OUT_DIR/bundled.rs` with three (name, contents) tables.
use std::fmt::Write as _;
use std::path::Path;

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if p.is_dir() {
            if name != "policies" {
                collect(&p, &format!("{prefix}{name}/"), out);
            }
        } else if name.ends_with(".json") {
            out.push((format!("{prefix}{name}"), p.display().to_string()));
        }
    }
}

fn table(name: &str, files: &[(String, String)]) -> String {
    let mut s =
        format!("/// Embedded files: (name, contents).\npub const {name}: &[(&str, &str)] = &[\n");
    for (n, p) in files {
        let _ = writeln!(s, "    ({n:?}, include_str!({p:?})),");
    }
    s.push_str("];\n");
    s
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&root);
    let mut decks = Vec::new();
    collect(&root.join("decks"), "", &mut decks);
    let mut policies = Vec::new();
    collect(&root.join("scenarios/policies"), "policies/", &mut policies);
    let mut scenarios = Vec::new();
    collect(&root.join("scenarios"), "", &mut scenarios);
    let code =
        table("DECKS", &decks) + &table("POLICIES", &policies) + &table("SCENARIOS", &scenarios);
    let out =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("bundled.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
    println!("cargo::rerun-if-changed=decks");
    println!("cargo::rerun-if-changed=scenarios");
}

//! The worksheet contract, run through the real binary: every example in
//! `../shared/contracts/examples` gives its expected fields (a subset) or exit 2.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/contracts/examples")
}

fn worksheet(path: &Path) -> (i32, String, String) {
    worksheet_with(path, &[])
}

/// `muster worksheet PATH` plus extra arguments: (exit code, stdout, stderr).
fn worksheet_with(path: &Path, extra: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_muster"))
        .arg("worksheet")
        .arg(path)
        .args(extra)
        .output()
        .expect("run muster");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every field of `want` is in `got` with the same value (objects recursively).
fn subset(want: &Value, got: &Value, path: &str) -> Result<(), String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, v) in w {
                let gv = g.get(k).ok_or_else(|| format!("{path}.{k} missing"))?;
                subset(v, gv, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (a, b)) in w.iter().zip(g).enumerate() {
                subset(a, b, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if want == got => Ok(()),
        _ => Err(format!("{path}: want {want}, got {got}")),
    }
}

#[test]
fn contract_examples_pass() {
    let dir = examples();
    let mut seen = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("shared/contracts/examples must sit beside the repo")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.ends_with(".json") || name.ends_with(".expected.json") {
            continue;
        }
        seen += 1;
        let (code, out, err) = worksheet(&p);
        if name.starts_with("bad-") {
            assert_eq!(code, 2, "{name} must exit 2");
            assert!(out.is_empty(), "{name}: nothing on stdout");
            assert!(
                err.contains(&p.display().to_string()),
                "{name}: stderr names the file: {err}"
            );
            if name == "bad-unknown-violation.json" {
                assert!(
                    err.contains("current[0].violation") && err.contains("Tardiness"),
                    "{err}"
                );
            }
            continue;
        }
        assert_eq!(code, 0, "{name}: {err}");
        let got: Value = serde_json::from_str(&out).expect("stdout is JSON");
        let exp_path = p.with_file_name(name.replace(".json", ".expected.json"));
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(&exp_path).expect("expected file"))
                .expect("expected JSON");
        subset(&want, &got, "").unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(seen >= 3, "examples found: {seen}");
}

#[test]
fn bad_inputs_exit_2_with_field_paths() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases: &[(&str, &str)] = &[
        (
            "{\n  \"policy\": \"apd-sop-2020\",\n  \"current\": [ {\"violation\": \"Tardiness\", \"occurred\": \"2026-02-30\"} ]\n}",
            "current[0].occurred",
        ),
        (
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Unauthorized Use of City Property","occurred":"2026-02-03"}]}"#,
            "current[0].category: missing",
        ),
        (
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Tardiness","occurred":"2026-02-03","category":"C"}]}"#,
            "current[0].category",
        ),
        (
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Tardiness","occurred":"2026-02-03"}],"history":[{"violation":"Tardiness","category":"A","occurred":"2025-05-01","disciplined":"2025-04-01"}]}"#,
            "history[0].disciplined",
        ),
        (
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Tardiness","occurred":"2026-02-03"}],"history":[{"violation":"Tardiness","category":"A","occurred":"2025-05-01"}]}"#,
            "history[0].disciplined: missing",
        ),
        ("{\"policy\": \"apd-sop-2020\",\n \"current\": [", "2:"),
        (r#"{"policy":"nope","current":[]}"#, "policy"),
        (r#"[1,2,3]"#, "must be a JSON object"),
        (
            r#"{"policy":"apd-sop-2020","current":[{"violation":"Tardiness","occurred":"2026-02-03","recommended":"suspension:-1"}]}"#,
            "current[0].recommended",
        ),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let p = dir.path().join(format!("bad{i}.json"));
        std::fs::write(&p, text).expect("write");
        let (code, out, err) = worksheet(&p);
        assert_eq!(code, 2, "case {i}: {err}");
        assert!(out.is_empty());
        assert!(
            err.contains(needle) && err.contains(&format!("bad{i}.json")),
            "case {i}: want {needle:?} in {err}"
        );
    }
}

#[test]
fn an_agency_can_bring_its_own_policy() {
    let dir = tempfile::tempdir().expect("tmp");
    let pol = dir.path().join("policies");
    std::fs::create_dir_all(&pol).expect("dir");
    // A two-category reckoning policy of a fictional agency.
    std::fs::write(pol.join("county.json"), r#"{"id":"county-gm-12","title":"County GM 12","source":"County General Manual 12","model":"reckoning",
      "categories":[
        {"id":"I","description":"Minor","cite":"GM 12.1","reckoning_months":24,"range":["written-reprimand","suspension:1-2"]},
        {"id":"II","description":"Serious","cite":"GM 12.2","permanent":true,"range":["suspension:3-10","dismissal"]}],
      "authority":[{"discipline":"written-reprimand","rank":"Sergeant","cite":"GM 12.4"},{"discipline":"suspension:1-10","rank":"Captain","cite":"GM 12.4"},{"discipline":"dismissal","rank":"Sheriff","cite":"GM 12.4"}],
      "ranks":["Sergeant","Captain","Sheriff"],"adverse":["suspension","dismissal"],"route":{"ops_categories":["II"],"cite":"GM 12.5"},
      "violations":[{"id":"late","title":"Late for shift","group":"ATTENDANCE","range":"I","cite":"GM 12.3"}]}"#).expect("w");
    let case = dir.path().join("case.json");
    std::fs::write(&case, r#"{"policy":"county-gm-12","current":[{"violation":"late for shift","occurred":"2026-05-01","recommended":"suspension:2"}],
      "history":[{"violation":"Late for shift","category":"I","occurred":"2025-01-10","disciplined":"2025-02-01"}]}"#).expect("w");
    let extra = [std::ffi::OsStr::new("--policies"), pol.as_os_str()];
    let (code, out, err) = worksheet_with(&case, &extra);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let l = &v["violations"][0];
    assert_eq!(
        (l["base"].as_str(), l["adjusted"].as_str()),
        (Some("I"), Some("II"))
    );
    assert_eq!(l["recommended"]["within_range"], Value::Bool(false));
    assert_eq!(l["recommended"]["authority"], Value::from("Captain"));
    assert_eq!(v["route"], Value::from("ops"));
    // An invalid policy file is reported, not ignored.
    std::fs::write(pol.join("broken.json"), "{\"id\": 5}").expect("w");
    let (code, _, err) = worksheet_with(&case, &extra);
    assert_eq!(code, 2);
    assert!(err.contains("broken.json"), "{err}");
}

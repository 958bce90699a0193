//! Runs the shared JSON vectors natively through `api::call`, and checks the vector set
//! against the operation table.

mod common;

use export_guard::api::OPERATIONS;
use serde_json::Value;

#[test]
fn every_vector_passes_natively() {
    let answers = common::run_all(|op, args| export_guard::api::call(op, args, common::NOW_MS));
    assert_eq!(answers.len(), common::cases().len(), "every case ran");
}

#[test]
fn the_embedded_list_matches_the_directory() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut on_disk: Vec<String> = Vec::new();
    for (dir, prefix) in [(root.to_string(), ""), (format!("{root}/bad"), "bad/")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") {
                on_disk.push(format!("{prefix}{name}"));
            }
        }
    }
    on_disk.sort();
    let listed: Vec<&str> = common::FILES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        on_disk, listed,
        "add new vector files to tests/common/mod.rs"
    );
}

/// Every operation of the table is exercised by at least 3 shared vectors, and every
/// vector names an operation of the table.
#[test]
fn every_operation_has_at_least_three_vectors() {
    let cases = common::cases();
    for op in &OPERATIONS {
        let n = cases.iter().filter(|(_, c)| c["op"] == op.name).count();
        assert!(n >= 3, "{} has {n} shared vectors; add at least 3", op.name);
    }
    for (file, c) in &cases {
        let name = c["op"].as_str().unwrap_or("");
        assert!(
            OPERATIONS.iter().any(|o| o.name == name),
            "{file} / {}: {name:?} is not in the table",
            c["name"]
        );
    }
}

/// Bad input gives a typed error (or a reject decision) with a message a person can act
/// on, and the instance answers the next call: run each bad case, then a good one.
#[test]
fn bad_input_gets_typed_errors_and_the_next_call_works() {
    let good =
        r#"[{"start":"2026-11-02T00:00:00Z","end":"2026-11-03T00:00:00Z","channels":["sms"]},[]]"#;
    let want = export_guard::api::call("decide", good, common::NOW_MS);
    let mut typed = 0;
    for (file, c) in common::cases()
        .into_iter()
        .filter(|(f, _)| f.starts_with("bad/"))
    {
        let args = common::expand(&c["args"]).to_string();
        let out: Value = serde_json::from_str(&export_guard::api::call(
            c["op"].as_str().unwrap(),
            &args,
            common::NOW_MS,
        ))
        .unwrap();
        let errors = out["errors"]
            .as_array()
            .or_else(|| out["ok"]["errors"].as_array());
        for e in errors.into_iter().flatten() {
            typed += 1;
            let code = e["code"].as_str().unwrap();
            assert!(
                export_guard::ErrorCode::ALL
                    .iter()
                    .any(|k| k.as_str() == code),
                "{file} / {}: {code}",
                c["name"]
            );
            assert!(e["message"].as_str().unwrap().len() > 10, "{e}");
        }
        assert_eq!(
            export_guard::api::call("decide", good, common::NOW_MS),
            want,
            "after {file} / {}",
            c["name"]
        );
    }
    assert!(typed > 0);
}

#[test]
fn every_error_code_is_covered_by_a_vector() {
    // The codes the vectors' answers carry (an error envelope's, a reject decision's, a
    // batch result's): what the core answered, not what a vector file mentions.
    fn codes(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let (Some(serde_json::Value::String(c)), Some(_)) =
                    (m.get("code"), m.get("message"))
                {
                    out.insert(c.clone());
                }
                m.values().for_each(|x| codes(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| codes(x, out)),
            _ => {}
        }
    }
    let answers = common::run_all(|op, args| export_guard::api::call(op, args, common::NOW_MS));
    let mut seen = std::collections::BTreeSet::new();
    for a in &answers {
        codes(&serde_json::from_str(a).unwrap(), &mut seen);
    }
    // The shim's own codes are tested where the shim runs (pkg/test/trap.test.js).
    for code in export_guard::ErrorCode::ALL
        .into_iter()
        .filter(|c| !c.from_shim())
    {
        assert!(
            seen.contains(code.as_str()),
            "no vector's answer carries {code}"
        );
    }
}

/// Every runtime compares its answers with the Node build's, so a vector whose answer
/// depends on the clock would fail elsewhere: run the whole sequence at two clocks, each
/// in a fresh instance (a thread has its own registry of prepared lists).
#[test]
fn vector_answers_do_not_depend_on_the_clock() {
    let at = |now: i64| {
        std::thread::spawn(move || {
            common::run_all(move |op, args| export_guard::api::call(op, args, now))
        })
        .join()
        .unwrap()
    };
    let (a, b) = (at(common::NOW_MS), at(common::NOW_MS + 123_456_789));
    for (((file, c), x), y) in common::cases().iter().zip(&a).zip(&b) {
        assert_eq!(x, y, "{file} / {}: pass options.now", c["name"]);
    }
}

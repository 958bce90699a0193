//! Runs the shared JSON vectors natively through `api::call`.

mod common;

#[test]
fn every_vector_passes_natively() {
    let n = common::run_all(|op, args| export_guard::api::call(op, args, common::NOW_MS));
    assert!(n >= 190, "only {n} vectors ran");
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

#[test]
fn the_bad_input_corpus_has_at_least_60_cases() {
    let n: usize = common::FILES
        .iter()
        .filter(|(name, _)| name.starts_with("bad/"))
        .map(|(_, text)| {
            serde_json::from_str::<serde_json::Value>(text).unwrap()["cases"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert!(n >= 60, "{n} bad-input cases");
}

#[test]
fn every_error_code_is_covered_by_a_vector() {
    let all: String = common::FILES.iter().map(|(_, t)| *t).collect();
    for code in export_guard::ErrorCode::ALL {
        assert!(
            all.contains(&format!("\"{}\"", code.as_str())),
            "no vector expects {code}"
        );
    }
}

/// Every runtime compares its answers with the Node build's, so a vector whose answer
/// depends on the clock would fail elsewhere: catch it here, with two clocks.
#[test]
fn vector_answers_do_not_depend_on_the_clock() {
    for (file, text) in common::FILES {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let args = common::expand(&case["args"]).to_string();
            let op = case["op"].as_str().unwrap();
            let a = export_guard::api::call(op, &args, common::NOW_MS);
            let b = export_guard::api::call(op, &args, common::NOW_MS + 123_456_789);
            assert_eq!(a, b, "{file} / {}: pass options.now", case["name"]);
        }
    }
}

//! Runs the shared JSON vectors natively through `api::call`.

mod common;

#[test]
fn every_vector_passes_natively() {
    let n = common::run_all(|op, args| export_guard::api::call(op, args, common::NOW_MS));
    assert!(n >= 80, "only {n} vectors ran");
}

#[test]
fn the_embedded_list_matches_the_directory() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json"))
            .collect();
    on_disk.sort();
    let listed: Vec<&str> = common::FILES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        on_disk, listed,
        "add new vector files to tests/common/mod.rs"
    );
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

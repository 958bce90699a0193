//! Fuzzes the date, interval and HTTP-date parsers and the local-time resolution.
#![no_main]
use export_guard::{backoff, time, zone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(ms) = time::parse_instant(&text) {
        // Whatever parses as an instant formats and parses back to itself.
        assert_eq!(time::parse_instant(&time::format_ms(ms)).unwrap(), ms);
    }
    for tz in ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"] {
        let z = zone::Zone::lookup(tz).unwrap();
        let _ = zone::parse_in(&text, Some(z));
    }
    let _ = backoff::parse_retry_after(&text, 0);
    let _ = backoff::parse_http_date(&text, 0);
    let _ = export_guard::api::call("decide", &format!("[{{\"interval\":{:?},\"channels\":[\"sms\"]}},[]]", text), 0);
});

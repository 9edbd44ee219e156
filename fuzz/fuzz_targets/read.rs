//! Fuzz target for the reader: any bytes → a document and findings, never a panic, a hang
//! or unbounded memory; the report serialises; every attachment decodes or fails cleanly.
//!
//! Run: `cargo fuzz run read -- -max_total_time=60` (see README, "Fuzzing").

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie::xml::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_input_bytes: 1 << 20, max_depth: 256, max_nodes: 200_000 };
    let document = vigie::read_bytes(data, &limits);
    let report = vigie::summary::Report::new(&document, "fuzz");
    let _ = serde_json::to_string(&report);
    let _ = vigie::summary::text(&document, "fuzz", vigie::summary::Lang::En);
    if let Some(cda) = &document.cda {
        for i in 0..cda.attachments.len() {
            let _ = document.attachment_bytes(i, 1 << 20);
        }
    }
});

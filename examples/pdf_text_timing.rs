//! How long reading a PDF's text takes, and what it adds to indexing a document.
//!
//! ```text
//! cargo run --release --example pdf_text_timing [CORPUS_DIR] [RUNS]
//! ```
//!
//! For every distinct PDF carried by the corpus's documents (default `../shared/corpus/fr`),
//! the median of RUNS (default 20) calls to `pdf_text::extract`; then, for the corpus's
//! documents that carry a PDF, `library::document_text` (which now reads the PDFs) against
//! the rest of indexing one document (`read_bytes` and `Record::of`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use vigie::library::{document_text, Record, SourceRecord};
use vigie::pdf_text::{extract, Budget};
use vigie::xml::Limits;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "../shared/corpus/fr".into()));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();

    // Distinct PDFs (by content) and the documents carrying one.
    let mut pdfs: BTreeMap<Vec<u8>, (String, String)> = BTreeMap::new();
    let mut carriers = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        let document = vigie::read_bytes(&bytes, &Limits::default());
        let Some(cda) = &document.cda else { continue };
        let mut carries = false;
        for (index, attachment) in cda.attachments.iter().enumerate() {
            if attachment.media_type.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("application/pdf")) {
                if let Ok(pdf) = document.attachment_bytes(index, 64 << 20) {
                    carries = true;
                    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
                    let kind = format!("{:?}", attachment.kind);
                    pdfs.entry(pdf).or_insert((name, kind));
                }
            }
        }
        if carries {
            carriers.push((path.clone(), bytes));
        }
    }

    println!("| PDF (first document carrying it) | carried as | size | text | median extract |");
    println!("|---|---|---|---|---|");
    let mut total = Duration::ZERO;
    for (pdf, (name, kind)) in &pdfs {
        let text = extract(pdf, Budget::default()).unwrap_or_else(|e| format!("error: {e}"));
        let samples: Vec<Duration> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                let _ = std::hint::black_box(extract(pdf, Budget::default()));
                started.elapsed()
            })
            .collect();
        let median = median(samples);
        total += median;
        println!(
            "| {name} | {kind} | {} KB | {} chars | {:.1} ms |",
            pdf.len() / 1000,
            text.trim().chars().count(),
            ms(median)
        );
    }
    println!("{} distinct PDFs, {:.1} ms in all\n", pdfs.len(), ms(total));

    println!("| document | read + record | document_text (with its PDF) |");
    println!("|---|---|---|");
    for (path, bytes) in &carriers {
        let mut reading = Vec::new();
        let mut text = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let document = vigie::read_bytes(bytes, &Limits::default());
            let source = SourceRecord { path: None, name: String::new(), member: None };
            let record = Record::of(0, &document, source, None);
            reading.push(started.elapsed());
            std::hint::black_box(record);
            let started = Instant::now();
            std::hint::black_box(document_text(&document));
            text.push(started.elapsed());
        }
        println!(
            "| {} | {:.1} ms | {:.1} ms |",
            path.file_name().unwrap_or_default().to_string_lossy(),
            ms(median(reading)),
            ms(median(text))
        );
    }
}

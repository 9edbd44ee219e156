//! Cold indexing of a folder of generated documents shaped like the corpus, as a person
//! opening it in Vigie would: `Session::add_path`, every document read on all cores; then
//! the same folder indexed with the library cache (a new one, in a temporary folder) and
//! reopened from it.
//!
//! ```text
//! cargo run --release --example index_library -- DIR [COUNT]
//! ```
//!
//! Writes COUNT documents (default 10,000) into DIR first when DIR is empty, then prints the
//! indexing time, the folder's size, the peak memory of the process and a few query times;
//! then the first indexing with the cache, the database's size, the reopening time
//! (`add_path`, and the first query after it, which sorts the indexes) with its cache hits,
//! and the first search after it.
//! Run it twice with the page cache dropped in between for a truly cold read
//! (`sync; echo 3 | sudo tee /proc/sys/vm/drop_caches`); the figure in BENCHMARKS.md says
//! which was measured.

use std::path::Path;
use std::time::Instant;

use vigie::library::store::Store;
use vigie::library::Query;
use vigie::session::Session;
use vigie::xml::Limits;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: index_library DIR [COUNT]");
        std::process::exit(2);
    };
    let count: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(10_000);
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("the folder can be created");
    if std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(true) {
        let started = Instant::now();
        for (name, bytes) in vigie::demo::corpus_like(count, 2026) {
            std::fs::write(dir.join(name), bytes).expect("written");
        }
        eprintln!("generated {count} documents in {:.1} s", started.elapsed().as_secs_f64());
    }
    let bytes: u64 = std::fs::read_dir(dir)
        .expect("listed")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();

    let started = Instant::now();
    let mut session = Session::new(Limits::default());
    let added = session.add_path(dir);
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "indexed {} documents ({:.2} GB) in {elapsed:.2} s: {:.0} documents/s, {:.0} MB/s",
        added.entries.len(),
        bytes as f64 / 1e9,
        added.entries.len() as f64 / elapsed,
        bytes as f64 / 1e6 / elapsed
    );

    for (name, query) in [
        ("all, newest first", Query { limit: Some(200), ..Query::default() }),
        (
            "search 'glycemie'",
            Query { search: Some("glycémie".into()), limit: Some(200), ..Query::default() },
        ),
        (
            "type 11502-2 since 2024",
            Query {
                types: vec!["11502-2".into()],
                since: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
                limit: Some(200),
                ..Query::default()
            },
        ),
    ] {
        let _ = session.library().query(&query);
        let started = Instant::now();
        let total = session.library().query(&query).total;
        println!("{name}: {total} documents in {:.2} ms", started.elapsed().as_secs_f64() * 1e3);
    }
    println!("peak memory (VmHWM): {}", peak_memory());
    drop(session);

    let data = tempfile::tempdir().expect("a temporary folder for the cache");
    let started = Instant::now();
    let mut first = Session::with_store(Limits::default(), Store::open_in(data.path()));
    let added = first.add_path(dir);
    let elapsed = started.elapsed().as_secs_f64();
    for note in &added.notes {
        eprintln!("note: {note}");
    }
    let stats = first.index_stats();
    drop(first);
    let database: u64 = std::fs::read_dir(data.path())
        .expect("listed")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "with the cache, first indexing: {} documents read in {elapsed:.2} s; database {:.1} MB",
        stats.read,
        database as f64 / 1e6
    );

    let started = Instant::now();
    let mut reopened = Session::with_store(Limits::default(), Store::open_in(data.path()));
    let added = reopened.add_path(dir);
    let indexed = started.elapsed().as_secs_f64();
    let total = reopened.library().query(&Query { limit: Some(200), ..Query::default() }).total;
    let elapsed = started.elapsed().as_secs_f64();
    let stats = reopened.index_stats();
    println!(
        "reopened {} documents in {indexed:.3} s ({elapsed:.3} s with the first query, {total} rows): \
         {} cache hits, {} read, {} touched",
        added.entries.len(),
        stats.cache_hits,
        stats.read,
        stats.touched
    );
    // The full-text index of a large batch is completed on a thread of its own after the
    // first query: a search right away waits for it.
    let started = Instant::now();
    let search = Query { search: Some("glycémie".into()), limit: Some(200), ..Query::default() };
    let found = reopened.library().query(&search).total;
    println!(
        "first search after reopening ('glycemie', waits for the full-text index): {found} documents in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    println!("peak memory (VmHWM): {}", peak_memory());
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

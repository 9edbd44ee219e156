//! Profiling helper: reads the given files N times, optionally stopping after a stage.
//! `cargo run --release --example readloop -- N [decode|tokenize|parse|tree|borrowed|full|statements] FILES...`
//! (`statements`: `full`, then every entry's statement built).
//! It allocates with the binaries' allocator (mimalloc), as the benchmarks do.

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// mimalloc, counting allocations (printed on stderr when `READLOOP_COUNT` is set).
struct Counting;
static ALLOCATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1);
    let stage = args.get(1).cloned().unwrap_or_default();
    let mut docs: Vec<Vec<u8>> = args.iter().skip(2).filter_map(|p| std::fs::read(p).ok()).collect();
    if docs.is_empty() {
        // no files: the generated 5 MB document of the benchmarks
        docs.push(vigie::demo::large_document(5_000_000).into_bytes());
    }
    let limits = vigie::xml::Limits::default();
    let shared: Vec<std::sync::Arc<[u8]>> = docs.iter().map(|d| std::sync::Arc::from(&d[..])).collect();
    let mut total = 0;
    for _ in 0..n {
        for (d, shared) in docs.iter().zip(&shared) {
            total += match stage.as_str() {
                "tokenize" => tokenize(&vigie::xml::decode::decode(d).text),
                "decode" => vigie::xml::decode::decode(d).text.len(),
                "parse" => {
                    vigie::xml::parse::parse(vigie::xml::decode::decode(d).text, &limits).tree.node_count()
                }
                "tree" => {
                    vigie::xml::parse::parse(vigie::xml::decode::decode_shared(shared.clone()).text, &limits)
                        .tree
                        .node_count()
                }
                "borrowed" => vigie::read_bytes(d, &limits).findings.len(),
                "statements" => statements_built(&vigie::read_shared(shared.clone(), &limits)),
                _ => vigie::read_shared(shared.clone(), &limits).findings.len(),
            };
        }
    }
    println!("{total}");
    if std::env::var_os("READLOOP_COUNT").is_some() {
        eprintln!("allocations: {}", ALLOCATIONS.load(std::sync::atomic::Ordering::Relaxed));
    }
}

fn tokenize(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0;
    while !matches!(reader.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {
        events += 1;
    }
    events
}

/// Builds every entry's statement of a document, and counts the statements.
fn statements_built(document: &vigie::Document) -> usize {
    let entries = document.cda.iter().flat_map(|c| c.entries());
    entries.map(|e| e.statement().relationships.len() + 1).sum()
}

//! The text of PDFs for search: the words come out of real and generated PDFs, and hostile
//! PDFs give an error value — quickly, without a panic message, without taking the process
//! down.
//!
//! The tests of this file share the process-wide count of abandoned extraction threads, so
//! they run one at a time (`serial`).

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use vigie::library::{document_text, pdf_document_text, Query};
use vigie::model::Body;
use vigie::pdf_text::{abandoned_threads, extract, Budget, PdfTextError};
use vigie::session::Session;
use vigie::xml::Limits;

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/fr").join(name)
}

const N1_GENERIC: &str = "TestContenuCDA-3-0__ExemplesCDA__DOC_NON_STRUCTURE_CDA-R2-N1.xml";
const N1_BIO: &str = "TestContenuCDA-3-0__ExemplesCDA__BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml";
const N1_IMAGING: &str = "TestContenuCDA-3-0__ExemplesCDA__IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml";

// ---------------------------------------------------------------------------------------
// Writing small PDFs by hand.

/// A PDF of the given objects (numbered from 1), with an exact cross-reference table and
/// `trailer` as the trailer's extra entries (`/Root 1 0 R` is always there).
fn pdf(objects: &[Vec<u8>], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn object(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

const HELVETICA: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/// One page showing `content` (a content stream), with Helvetica as /F1. Objects: 1
/// catalog, 2 pages, 3 page, 4 font, 5 content.
fn one_page(page_extra: &str, content: &[u8]) -> Vec<Vec<u8>> {
    vec![
        object("<< /Type /Catalog /Pages 2 0 R >>"),
        object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        object(&format!(
            "<< /Type /Page /Parent 2 0 R {page_extra} /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        )),
        object(HELVETICA),
        stream("", content),
    ]
}

/// A one-page PDF showing each line with `Tj`, in WinAnsi (Latin-1 for these tests).
fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = b"BT /F1 12 Tf 56 780 Td\n".to_vec();
    for line in lines {
        content.push(b'(');
        content.extend(line.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')));
        content.extend_from_slice(b") Tj 0 -16 Td\n");
    }
    content.extend_from_slice(b"ET");
    pdf(&one_page("/MediaBox [0 0 595 842]", &content), "")
}

/// Extracts with the default budget, checking that it came back within it (plus a margin
/// for a loaded machine).
fn timed_extract(bytes: &[u8]) -> Result<String, PdfTextError> {
    let started = Instant::now();
    let result = extract(bytes, Budget::default());
    let elapsed = started.elapsed();
    assert!(elapsed < Budget::default().time + Duration::from_secs(1), "took {elapsed:?}");
    result
}

fn folded(text: &str) -> String {
    vigie::library::search::fold(text)
}

// ---------------------------------------------------------------------------------------
// The words come out.

#[test]
fn the_words_of_a_hand_written_pdf_come_out() {
    let _serial = serial();
    let bytes = text_pdf(&["Échographie abdominale : foie stéatosique.", "Conclusion (sans gravité)."]);
    let text = folded(&timed_extract(&bytes).unwrap());
    for word in ["echographie", "abdominale", "steatosique", "conclusion", "gravite"] {
        assert!(text.contains(word), "{word} not in {text:?}");
    }
}

#[test]
fn the_words_of_the_demo_pdf_letters_come_out() {
    let _serial = serial();
    let mut letters = 0;
    for (name, xml) in vigie::demo::corpus_like(40, 7) {
        let document = vigie::read_bytes(&xml, &Limits::default());
        let Some(cda) = &document.cda else { continue };
        let Body::NonXml(body) = &cda.body else { continue };
        if body.media_type.as_deref() != Some("application/pdf") {
            continue;
        }
        // The sentence is in the PDF only (base64 of WinAnsi), not in the XML.
        assert!(!String::from_utf8_lossy(&xml).contains("Document fictif"), "{name}");
        let text = document_text(&document);
        assert!(text.contains("document fictif genere par vigie"), "{name}: {text:?}");
        letters += 1;
    }
    assert!(letters >= 3, "only {letters} PDF letters among the generated documents");
}

#[test]
fn the_n1_imaging_report_gives_the_words_of_its_pdf() {
    let _serial = serial();
    let document = vigie::read_path(&corpus(N1_IMAGING), &Limits::default());
    let xml = std::fs::read_to_string(corpus(N1_IMAGING)).unwrap();
    // Words of the PDF's body (its lorem ipsum), nowhere in the XML.
    for word in ["praesentium", "voluptates"] {
        assert!(!xml.contains(word));
    }
    let text = document_text(&document);
    for word in ["scanner de la tete et du cou", "praesentium", "voluptates", "pat-trois"] {
        assert!(text.contains(word), "{word} not in {text:?}");
    }
}

/// The generic N1 example and the N1 lab report carry the same PDF: five screenshots and no
/// text at all (pdftotext finds none either). That is not an error: there are no words.
#[test]
fn the_n1_examples_whose_pdf_is_only_images_give_no_words_and_no_error() {
    let _serial = serial();
    for name in [N1_GENERIC, N1_BIO] {
        let document = vigie::read_path(&corpus(name), &Limits::default());
        let cda = document.cda.as_ref().unwrap();
        let Body::NonXml(body) = &cda.body else { panic!("{name} is not level 1") };
        let bytes = document.attachment_bytes(body.attachment.unwrap(), 64 << 20).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = timed_extract(&bytes).unwrap();
        assert_eq!(text.trim(), "", "{name}");
    }
}

#[test]
fn a_word_only_in_the_pdf_of_an_n1_document_is_found_by_the_library() {
    let _serial = serial();
    let mut session = Session::new(Limits::default());
    session.add_path(&corpus(N1_IMAGING));
    session.add_path(&corpus(N1_GENERIC));
    let query = Query { search: Some("praesentium".into()), ..Query::default() };
    let results = session.library().query(&query);
    assert_eq!(results.total, 1);
    assert!(results.rows[0].record.source.name.contains("IMG_CR_IMG"));
}

#[test]
fn a_bare_pdf_file_gives_its_folded_words() {
    let _serial = serial();
    let bytes = text_pdf(&["Compte rendu opératoire", "Cholécystectomie cœlioscopique"]);
    let text = pdf_document_text(&bytes).unwrap();
    assert!(text.contains("compte rendu operatoire"), "{text:?}");
    assert!(text.contains("cholecystectomie"), "{text:?}");
    assert_eq!(pdf_document_text(b"not a pdf").unwrap_err(), PdfTextError::NotPdf);
}

#[test]
fn a_pdf_pdf_extract_panics_on_is_read_by_lopdf() {
    let _serial = serial();
    // No /MediaBox anywhere: pdf-extract `expect`s one and panics; lopdf does not need it.
    let bytes = pdf(&one_page("", b"BT /F1 12 Tf 56 780 Td (Radiographie thoracique) Tj ET"), "");
    let text = timed_extract(&bytes).unwrap();
    assert!(text.contains("Radiographie thoracique"), "{text:?}");
}

// ---------------------------------------------------------------------------------------
// Hostile PDFs: an error value, within the budget.

fn assert_error(bytes: &[u8], expected_code: &str) -> PdfTextError {
    let error = timed_extract(bytes).expect_err("an error");
    assert_eq!(error.code(), expected_code, "{error}");
    assert!(!error.to_string().is_empty());
    error
}

#[test]
fn a_truncated_pdf_is_an_error() {
    let _serial = serial();
    let whole = text_pdf(&["Compte rendu"]);
    for cut in [whole.len() / 2, whole.len() - 30, 9] {
        let error = assert_error(&whole[..cut], "pdf.malformed");
        assert!(error.to_string().contains("lopdf"), "{error}");
    }
}

#[test]
fn garbage_after_the_header_is_an_error() {
    let _serial = serial();
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut state = 0x2545_4446u32;
    bytes.extend((0..200_000).map(|_| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as u8
    }));
    assert_error(&bytes, "pdf.malformed");
}

#[test]
fn a_huge_declared_object_count_is_an_error_not_an_allocation() {
    let _serial = serial();
    let bytes = text_pdf(&["Compte rendu"]);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // The cross-reference table and the trailer claim four billion objects.
    let lying = text.replace("xref\n0 6\n", "xref\n0 4000000000\n").replace("/Size 6", "/Size 4000000000");
    assert_ne!(lying, text);
    let result = timed_extract(lying.as_bytes());
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn a_page_tree_that_loops_is_refused() {
    let _serial = serial();
    // The page is its own parent, and has no /MediaBox: pdf-extract would look for one up
    // the chain for ever (a stack overflow, which aborts the process).
    let mut objects = one_page("", b"BT /F1 12 Tf (boucle) Tj ET");
    objects[2] =
        object("<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>");
    objects[1] = object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    let error = assert_error(&pdf(&objects, ""), "pdf.unsafe-structure");
    assert!(error.to_string().contains("loops back"), "{error}");
}

#[test]
fn a_page_tree_thousands_of_levels_deep_is_refused() {
    let _serial = serial();
    // Catalog, then 5,000 /Pages nodes each the parent of the next, the page at the bottom.
    let depth = 5_000;
    let mut objects = vec![object("<< /Type /Catalog /Pages 2 0 R >>")];
    for level in 0..depth {
        let id = level + 2;
        let parent = if level == 0 { String::new() } else { format!("/Parent {} 0 R", id - 1) };
        objects.push(object(&format!("<< /Type /Pages {parent} /Kids [{} 0 R] /Count 1 >>", id + 1)));
    }
    let page = depth + 2;
    objects.push(object(&format!(
        "<< /Type /Page /Parent {} 0 R /Resources << /Font << /F1 {} 0 R >> >> /Contents {} 0 R >>",
        page - 1,
        page + 1,
        page + 2
    )));
    objects.push(object(HELVETICA));
    objects.push(stream("", b"BT /F1 12 Tf (profond) Tj ET"));
    let result = timed_extract(&pdf(&objects, ""));
    // lopdf lists pages only 256 levels down: either no page, or a refused tree.
    let code = result.as_ref().map_err(PdfTextError::code).err();
    assert!(matches!(code, Some("pdf.unsafe-structure" | "pdf.malformed")), "{result:?}");
}

#[test]
fn a_form_that_draws_itself_is_not_given_to_pdf_extract_and_lopdf_reads_the_page() {
    let _serial = serial();
    let mut objects =
        one_page("/MediaBox [0 0 595 842]", b"BT /F1 12 Tf 56 780 Td (Avant la forme) Tj ET /X1 Do");
    // The page's resources name the form; the form has none of its own, so it draws itself
    // through the page's.
    objects[2] = object(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>",
    );
    objects.push(stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", b"/X1 Do"));
    let text = timed_extract(&pdf(&objects, "")).unwrap();
    assert!(text.contains("Avant la forme"), "{text:?}");
}

#[test]
fn deeply_nested_arrays_are_an_error_not_a_stack_overflow() {
    let _serial = serial();
    let mut objects = one_page("/MediaBox [0 0 595 842]", b"BT /F1 12 Tf (tableaux) Tj ET");
    let depth = 100_000;
    let nested =
        format!("<< /Type /Catalog /Pages 2 0 R /Deep {}{} >>", "[".repeat(depth), "]".repeat(depth));
    objects[0] = object(&nested);
    let result = timed_extract(&pdf(&objects, ""));
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn an_encrypted_pdf_is_refused_with_a_reason() {
    let _serial = serial();
    let mut objects = one_page("/MediaBox [0 0 595 842]", b"BT /F1 12 Tf (secret) Tj ET");
    objects.push(object("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <00> /U <00> >>"));
    let error = assert_error(&pdf(&objects, "/Encrypt 6 0 R /ID [<01> <01>]"), "pdf.encrypted");
    assert!(error.to_string().contains("encrypted"));
}

#[test]
fn a_deflate_bomb_is_refused_before_it_is_inflated() {
    let _serial = serial();
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![b' '; 64 << 20]).unwrap();
    let bomb = encoder.finish().unwrap();
    let mut objects = one_page("/MediaBox [0 0 595 842]", b"");
    objects[4] = stream("/Filter /FlateDecode", &bomb);
    let budget = Budget { max_inflated_bytes: 16 << 20, ..Budget::default() };
    let error = extract(&pdf(&objects, ""), budget).unwrap_err();
    assert_eq!(error, PdfTextError::InflateLimit { limit: 16 << 20 });
    assert!(error.to_string().contains("16 MiB"), "{error}");
}

#[test]
fn too_large_and_not_a_pdf_are_said_before_anything_is_read() {
    let _serial = serial();
    let bytes = text_pdf(&["Compte rendu"]);
    let budget = Budget { max_bytes: 100, ..Budget::default() };
    assert_eq!(extract(&bytes, budget), Err(PdfTextError::TooLarge { size: bytes.len(), limit: 100 }));
    assert_error(b"<ClinicalDocument/>", "pdf.not-pdf");
}

// ---------------------------------------------------------------------------------------
// Time: the caller stops waiting; abandoned threads are counted and capped.

/// A PDF that takes pdf-extract a while: many pages of many short strings.
fn slow_pdf(pages: usize) -> Vec<u8> {
    let mut content = b"BT /F1 10 Tf\n".to_vec();
    for i in 0..4_000 {
        content.extend_from_slice(format!("1 0 0 1 {} {} Tm (mot{i}) Tj\n", i % 500, i % 800).as_bytes());
    }
    content.extend_from_slice(b"ET");
    let kids: Vec<String> = (0..pages).map(|p| format!("{} 0 R", p + 5)).collect();
    let mut objects = vec![
        object("<< /Type /Catalog /Pages 2 0 R >>"),
        object(&format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" "))),
        object(HELVETICA),
        stream("", &content),
    ];
    for _ in 0..pages {
        objects.push(object(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>",
        ));
    }
    pdf(&objects, "")
}

fn wait_for_abandoned_threads_to_end() {
    let started = Instant::now();
    while abandoned_threads() > 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "abandoned threads never ended");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_slow_pdf_times_out_and_its_thread_is_counted_until_it_ends() {
    let _serial = serial();
    wait_for_abandoned_threads_to_end();
    let bytes = slow_pdf(200);
    let budget = Budget { time: Duration::from_millis(20), ..Budget::default() };
    let started = Instant::now();
    let result = extract(&bytes, budget);
    let elapsed = started.elapsed();
    assert_eq!(result, Err(PdfTextError::TimedOut { budget: budget.time }));
    assert!(elapsed < Duration::from_millis(500), "waited {elapsed:?}");
    // The thread checks the deadline as it writes text, so it ends soon after.
    wait_for_abandoned_threads_to_end();
    // With enough time the same PDF is read.
    let text = extract(&bytes, Budget { time: Duration::from_secs(60), ..Budget::default() }).unwrap();
    assert!(text.contains("mot3999"));
}

#[test]
fn once_two_abandoned_threads_run_further_pdfs_are_skipped() {
    let _serial = serial();
    wait_for_abandoned_threads_to_end();
    // lopdf parses a file in one step that cannot be interrupted: 400,000 small objects
    // (33 MB) take it about 2 s, after a raw scan of a few milliseconds. With 200 ms, the
    // caller gives up while lopdf parses, and the thread runs on.
    let mut objects = one_page("/MediaBox [0 0 595 842]", b"BT /F1 12 Tf (lent) Tj ET");
    objects.extend((0..400_000).map(|i| object(&format!("[{i} /Nom (chaine) << /A 1 /B [1 2 3] >>]"))));
    let heavy = pdf(&objects, "");
    let budget = Budget { time: Duration::from_millis(200), ..Budget::default() };
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        outcomes.push(extract(&heavy, budget).map_err(|e| e.code()));
    }
    assert_eq!(outcomes[..2], [Err("pdf.timed-out"), Err("pdf.timed-out")]);
    assert_eq!(outcomes[2], Err("pdf.busy"));
    let busy = extract(&text_pdf(&["x"]), Budget::default()).unwrap_err();
    assert!(busy.to_string().contains("earlier PDFs"), "{busy}");
    wait_for_abandoned_threads_to_end();
    assert!(extract(&text_pdf(&["Compte rendu"]), Budget::default()).unwrap().contains("Compte rendu"));
}

// ---------------------------------------------------------------------------------------
// The console stays quiet.

/// Runs the hostile PDFs in a child process (this test binary again, showing output) and
/// reads its stderr: pdf-extract's caught panics must print nothing, while a panic caught
/// on any other thread still goes through the default hook — which prints even though the
/// panic is caught (that is what the extraction threads are kept from doing).
#[test]
fn caught_panics_of_the_pdf_libraries_print_nothing() {
    let _serial = serial();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "hostile_pdfs_in_a_child_process", "--nocapture", "--test-threads=1"])
        .env("VIGIE_PDF_TEXT_CHILD", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child test did not run:\n{stdout}");
    assert!(stderr.contains("panic on an ordinary thread"), "the control panic was not printed:\n{stderr}");
    let rest = stderr.replace("panic on an ordinary thread", "");
    let control_lines = rest.lines().filter(|l| l.contains("panicked")).count();
    assert_eq!(control_lines, 1, "pdf library panics reached stderr:\n{stderr}");
}

#[test]
fn hostile_pdfs_in_a_child_process() {
    if std::env::var_os("VIGIE_PDF_TEXT_CHILD").is_none() {
        return;
    }
    // pdf-extract panics on this one (no /MediaBox): caught, silent, lopdf reads it.
    let no_media_box = pdf(&one_page("", b"BT /F1 12 Tf (silence) Tj ET"), "");
    assert!(extract(&no_media_box, Budget::default()).unwrap().contains("silence"));
    // And on a colour space it does not know, with lopdf failing too: an error value.
    let mut objects = one_page("/MediaBox [0 0 595 842]", b"/Nope cs BT /F1 12 Tf (x) Tj ET");
    objects[3] = object("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H >>");
    let _ = extract(&pdf(&objects, ""), Budget::default());
    // The control: a panic caught on a thread of our own still goes through the default hook.
    let caught = std::thread::spawn(|| std::panic::catch_unwind(|| panic!("panic on an ordinary thread")));
    assert!(caught.join().unwrap().is_err());
}

#[test]
fn a_bare_pdf_file_in_a_folder_is_found_by_a_word_of_its_text() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scan.pdf"), text_pdf(&["Compte rendu opératoire", "Cholécystectomie"]))
        .unwrap();
    let mut session = vigie::session::Session::new(vigie::xml::Limits::default());
    let added = session.add_path(dir.path());
    assert_eq!(added.entries[0].overview.as_ref().map(|o| o.kind), Some(vigie::InputKind::Pdf));
    let query = vigie::library::Query { search: Some("cholecystectomie".into()), ..Default::default() };
    let results = session.library().query(&query);
    assert_eq!(results.total, 1);
    assert_eq!(results.rows[0].record.body, vigie::library::BodyKind::BarePdf);
}

//! The few libxml2 functions XSD validation needs, declared by hand, and the process-wide
//! set-up that makes them safe to call: libxml2 initialised once, an external entity loader
//! that refuses everything but local schema files, and errors collected instead of printed.
//!
//! Why not the `libxml` crate: it generates its bindings with bindgen at build time (libclang
//! on every build machine), panics when libxml2 returns null, and ties each validation
//! context to a schema of its own (a compiled schema could not be shared between threads).
//! Sixteen declarations cover what Vigie uses; their types follow `libxml/xmlschemas.h`,
//! `parser.h` and `xmlerror.h`, unchanged from libxml2 2.9 to 2.14.

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

/// Opaque libxml2 objects.
#[repr(C)]
pub(super) struct XmlSchema {
    _private: [u8; 0],
}
#[repr(C)]
pub(super) struct XmlSchemaParserCtxt {
    _private: [u8; 0],
}
#[repr(C)]
pub(super) struct XmlSchemaValidCtxt {
    _private: [u8; 0],
}
#[repr(C)]
pub(super) struct XmlDoc {
    _private: [u8; 0],
}

/// `xmlError` (libxml/xmlerror.h).
#[repr(C)]
pub(super) struct XmlError {
    domain: c_int,
    code: c_int,
    message: *const c_char,
    level: c_int,
    file: *const c_char,
    line: c_int,
    str1: *const c_char,
    str2: *const c_char,
    str3: *const c_char,
    int1: c_int,
    /// The column, when libxml2 knows it (0 otherwise).
    int2: c_int,
    ctxt: *mut c_void,
    node: *mut c_void,
}

type StructuredErrorFunc = unsafe extern "C" fn(user_data: *mut c_void, error: *const XmlError);
type EntityLoader =
    unsafe extern "C" fn(url: *const c_char, id: *const c_char, ctxt: *mut c_void) -> *mut c_void;

#[link(name = "xml2")]
extern "C" {
    fn xmlInitParser();
    fn xmlSchemaInitTypes();
    fn xmlGetExternalEntityLoader() -> Option<EntityLoader>;
    fn xmlSetExternalEntityLoader(loader: Option<EntityLoader>);
    fn xmlSetStructuredErrorFunc(ctx: *mut c_void, handler: Option<StructuredErrorFunc>);
    pub(super) fn xmlSchemaNewParserCtxt(url: *const c_char) -> *mut XmlSchemaParserCtxt;
    pub(super) fn xmlSchemaSetParserStructuredErrors(
        ctxt: *mut XmlSchemaParserCtxt,
        handler: Option<StructuredErrorFunc>,
        ctx: *mut c_void,
    );
    pub(super) fn xmlSchemaParse(ctxt: *mut XmlSchemaParserCtxt) -> *mut XmlSchema;
    pub(super) fn xmlSchemaFreeParserCtxt(ctxt: *mut XmlSchemaParserCtxt);
    pub(super) fn xmlSchemaFree(schema: *mut XmlSchema);
    pub(super) fn xmlSchemaNewValidCtxt(schema: *mut XmlSchema) -> *mut XmlSchemaValidCtxt;
    pub(super) fn xmlSchemaSetValidStructuredErrors(
        ctxt: *mut XmlSchemaValidCtxt,
        handler: Option<StructuredErrorFunc>,
        ctx: *mut c_void,
    );
    pub(super) fn xmlSchemaValidateDoc(ctxt: *mut XmlSchemaValidCtxt, doc: *mut XmlDoc) -> c_int;
    pub(super) fn xmlSchemaFreeValidCtxt(ctxt: *mut XmlSchemaValidCtxt);
    pub(super) fn xmlReadMemory(
        buffer: *const c_char,
        size: c_int,
        url: *const c_char,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut XmlDoc;
    pub(super) fn xmlFreeDoc(doc: *mut XmlDoc);
}

/// Parser options for a document: no network, no DTD loaded, no entity substituted (the
/// prolog is blanked before anyway), the declared encoding ignored (we pass UTF-8), line
/// numbers beyond 65,535 kept, libxml2's size limits lifted (a 20 MB PDF in base64 is one
/// text node; without a DTD nothing can be amplified), and parser messages silenced.
pub(super) const DOCUMENT_OPTIONS: c_int = (1 << 11) // XML_PARSE_NONET
    | (1 << 5) // XML_PARSE_NOERROR
    | (1 << 6) // XML_PARSE_NOWARNING
    | (1 << 21) // XML_PARSE_IGNORE_ENC
    | (1 << 22) // XML_PARSE_BIG_LINES
    | (1 << 19); // XML_PARSE_HUGE

/// Errors kept from one run of libxml2, at most (the issues made of them are capped lower).
pub(super) const MAX_ERRORS: usize = 100_000;

/// One error as libxml2 reported it.
#[derive(Debug, Clone)]
pub(super) struct RawError {
    /// What part of libxml2 raised it: 1 the parser, 3 namespaces, 16 schema parsing, 17
    /// schema validation (`xmlErrorDomain`).
    pub domain: i32,
    pub code: i32,
    /// 1 warning, 2 error, 3 fatal.
    pub level: i32,
    pub message: String,
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
}

/// The structured error handler: copies the error into the `Vec<RawError>` behind
/// `user_data` (null: the error is dropped).
unsafe extern "C" fn collect(user_data: *mut c_void, error: *const XmlError) {
    if user_data.is_null() || error.is_null() {
        return;
    }
    // SAFETY: libxml2 hands a valid xmlError for the duration of the call; `user_data` is
    // the `Vec` installed by `with_errors` on this thread, alive until it returns.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
        let error = &*error;
        let text =
            |p: *const c_char| (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned());
        let errors = &mut *(user_data as *mut Vec<RawError>);
        if errors.len() >= MAX_ERRORS {
            return;
        }
        errors.push(RawError {
            domain: error.domain,
            code: error.code,
            level: error.level,
            message: text(error.message).unwrap_or_default().trim_end().to_owned(),
            file: text(error.file),
            line: u32::try_from(error.line).unwrap_or(0),
            column: u32::try_from(error.int2).unwrap_or(0),
        });
    }));
}

pub(super) fn collector() -> Option<StructuredErrorFunc> {
    Some(collect)
}

/// The loader libxml2 had before ours, used for the local files a schema includes.
static DEFAULT_LOADER: OnceLock<Option<EntityLoader>> = OnceLock::new();

thread_local! {
    /// Whether this thread is loading a schema (the only time a file may be read).
    static LOADING_SCHEMA: Cell<bool> = const { Cell::new(false) };
    /// What the loader refused on this thread since the last `take_refused`.
    static REFUSED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Whether a URL names a local file: a path, or `file:`; never a network scheme.
fn is_local(url: &str) -> bool {
    match url.split_once(':') {
        None => true,
        Some((scheme, _)) if scheme.len() == 1 => true, // a Windows drive letter
        Some((scheme, _)) => scheme.eq_ignore_ascii_case("file"),
    }
}

/// The external entity loader of the whole process: while a schema loads on this thread,
/// local files go to libxml2's loader; everything else (a document's DTD or entities, a
/// schema's `http:` import, `xsi:schemaLocation` hints) is refused and noted.
unsafe extern "C" fn guarded_loader(url: *const c_char, id: *const c_char, ctxt: *mut c_void) -> *mut c_void {
    let requested = if url.is_null() {
        String::new()
    } else {
        // SAFETY: libxml2 passes a NUL-terminated URL.
        unsafe { CStr::from_ptr(url) }.to_string_lossy().into_owned()
    };
    if LOADING_SCHEMA.with(Cell::get) && !url.is_null() && is_local(&requested) {
        if let Some(Some(default)) = DEFAULT_LOADER.get() {
            // SAFETY: libxml2's own loader, called with the arguments it was given.
            return unsafe { default(url, id, ctxt) };
        }
    }
    let _ = REFUSED.try_with(|r| r.borrow_mut().push(requested));
    std::ptr::null_mut()
}

/// Initialises libxml2 once per process and installs the guarded loader. Then, on the
/// calling thread, routes libxml2's global errors to `errors` for the duration of `f`.
///
/// # Safety
/// `errors` must stay valid, and be touched by nothing else, until this returns.
pub(super) unsafe fn with_errors<T>(
    errors: *mut Vec<RawError>,
    loading_schema: bool,
    f: impl FnOnce() -> T,
) -> T {
    DEFAULT_LOADER.get_or_init(|| {
        // SAFETY: plain initialisation calls; OnceLock runs them once, before any other use.
        unsafe {
            xmlInitParser();
            xmlSchemaInitTypes();
            let default = xmlGetExternalEntityLoader();
            xmlSetExternalEntityLoader(Some(guarded_loader));
            default
        }
    });
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            LOADING_SCHEMA.with(|l| l.set(false));
            // SAFETY: the thread's handler goes back to dropping errors (null user data).
            unsafe { xmlSetStructuredErrorFunc(std::ptr::null_mut(), Some(collect)) };
        }
    }
    LOADING_SCHEMA.with(|l| l.set(loading_schema));
    // SAFETY: `errors` outlives the call: `Reset` uninstalls it before this function returns.
    unsafe { xmlSetStructuredErrorFunc(errors as *mut c_void, Some(collect)) };
    let _reset = Reset;
    f()
}

/// What the loader refused on this thread since the last call.
pub(super) fn take_refused() -> Vec<String> {
    REFUSED.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

//! The few libxml2 functions XSD validation needs, declared by hand, and the process-wide
//! set-up that makes them safe to call: libxml2 initialised once, an external entity loader
//! that refuses everything but local schema files, and errors collected instead of printed.
//!
//! Why not the `libxml` crate: it generates its bindings with bindgen at build time (libclang
//! on every build machine), panics when libxml2 returns null, and ties each validation
//! context to a schema of its own (a compiled schema could not be shared between threads).
//! Sixteen functions cover what Vigie uses; their types follow `libxml/xmlschemas.h`,
//! `parser.h` and `xmlerror.h`, unchanged from libxml2 2.9 to 2.14. They are resolved at run
//! time ([`api`], libloading) the first time a schema is loaded, so a process that validates
//! nothing never loads libxml2, and a machine without it still runs every other layer.

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

/// The libxml2 functions Vigie calls, resolved from the shared library when XSD validation
/// is first asked for (`dlopen`), never at process start: linking libxml2 made every `vigie`
/// process load it and ICU (~0.9 ms, BENCHMARKS.md "Rendering"), validation or not.
pub(super) struct Api {
    init_parser: unsafe extern "C" fn(),
    schema_init_types: unsafe extern "C" fn(),
    get_external_entity_loader: unsafe extern "C" fn() -> Option<EntityLoader>,
    set_external_entity_loader: unsafe extern "C" fn(loader: Option<EntityLoader>),
    set_structured_error_func: unsafe extern "C" fn(ctx: *mut c_void, handler: Option<StructuredErrorFunc>),
    pub schema_new_parser_ctxt: unsafe extern "C" fn(url: *const c_char) -> *mut XmlSchemaParserCtxt,
    pub schema_set_parser_structured_errors: unsafe extern "C" fn(
        ctxt: *mut XmlSchemaParserCtxt,
        handler: Option<StructuredErrorFunc>,
        ctx: *mut c_void,
    ),
    pub schema_parse: unsafe extern "C" fn(ctxt: *mut XmlSchemaParserCtxt) -> *mut XmlSchema,
    pub schema_free_parser_ctxt: unsafe extern "C" fn(ctxt: *mut XmlSchemaParserCtxt),
    pub schema_free: unsafe extern "C" fn(schema: *mut XmlSchema),
    pub schema_new_valid_ctxt: unsafe extern "C" fn(schema: *mut XmlSchema) -> *mut XmlSchemaValidCtxt,
    pub schema_set_valid_structured_errors: unsafe extern "C" fn(
        ctxt: *mut XmlSchemaValidCtxt,
        handler: Option<StructuredErrorFunc>,
        ctx: *mut c_void,
    ),
    pub schema_validate_doc: unsafe extern "C" fn(ctxt: *mut XmlSchemaValidCtxt, doc: *mut XmlDoc) -> c_int,
    pub schema_free_valid_ctxt: unsafe extern "C" fn(ctxt: *mut XmlSchemaValidCtxt),
    pub read_memory: unsafe extern "C" fn(
        buffer: *const c_char,
        size: c_int,
        url: *const c_char,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut XmlDoc,
    pub free_doc: unsafe extern "C" fn(doc: *mut XmlDoc),
    /// The library the pointers above point into, kept loaded for the life of the process.
    _library: libloading::Library,
}

/// Where libxml2 is looked for: `VIGIE_LIBXML2` alone when set (a path or a file name),
/// else the names it has on each system (Debian/Ubuntu: `libxml2.so.2`, `.so.16` from 2.14).
fn candidates() -> Vec<std::ffi::OsString> {
    if let Some(chosen) = std::env::var_os("VIGIE_LIBXML2").filter(|v| !v.is_empty()) {
        return vec![chosen];
    }
    let system: &[&str] = if cfg!(target_os = "macos") {
        &["libxml2.2.dylib", "/usr/lib/libxml2.2.dylib", "/opt/homebrew/opt/libxml2/lib/libxml2.2.dylib"]
    } else if cfg!(windows) {
        &["libxml2.dll", "libxml2-2.dll", "libxml2-16.dll"]
    } else {
        &["libxml2.so.2", "libxml2.so.16", "libxml2.so"]
    };
    system.iter().map(Into::into).collect()
}

/// libxml2, loaded and initialised once per process; the error says what to install.
pub(super) fn api() -> Result<&'static Api, String> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(|| {
        let names = candidates();
        let mut tried = Vec::new();
        for name in &names {
            // SAFETY: loading libxml2 runs its initialisers, which have no preconditions.
            match unsafe { libloading::Library::new(name) } {
                Ok(library) => {
                    // SAFETY: the symbols are resolved with the types libxml2's headers give them.
                    let api = match unsafe { resolve(library) } {
                        Ok(api) => api,
                        Err(e) => {
                            tried.push(format!("{} ({e})", name.to_string_lossy()));
                            continue;
                        }
                    };
                    // SAFETY: plain initialisation calls, made once, before any other use.
                    unsafe {
                        (api.init_parser)();
                        (api.schema_init_types)();
                        let default = (api.get_external_entity_loader)();
                        let _ = DEFAULT_LOADER.set(default);
                        (api.set_external_entity_loader)(Some(guarded_loader));
                    }
                    return Ok(api);
                }
                Err(e) => tried.push(format!("{} ({e})", name.to_string_lossy())),
            }
        }
        Err(format!(
            "libxml2 est introuvable : installez-le (Debian/Ubuntu : apt install libxml2) ou donnez son \
             chemin dans VIGIE_LIBXML2 (libxml2 was not found: install it, or set VIGIE_LIBXML2 to \
             its path); essayé (tried): {}",
            tried.join(", ")
        ))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Every function of [`Api`] from `library`.
///
/// # Safety
/// `library` must be libxml2 (2.9 or later): the symbols are given its headers' types.
unsafe fn resolve(library: libloading::Library) -> Result<Api, libloading::Error> {
    macro_rules! get {
        ($name:literal) => {
            // SAFETY: per this function's contract, the symbol has the field's type.
            *unsafe { library.get(concat!($name, "\0").as_bytes()) }?
        };
    }
    Ok(Api {
        init_parser: get!("xmlInitParser"),
        schema_init_types: get!("xmlSchemaInitTypes"),
        get_external_entity_loader: get!("xmlGetExternalEntityLoader"),
        set_external_entity_loader: get!("xmlSetExternalEntityLoader"),
        set_structured_error_func: get!("xmlSetStructuredErrorFunc"),
        schema_new_parser_ctxt: get!("xmlSchemaNewParserCtxt"),
        schema_set_parser_structured_errors: get!("xmlSchemaSetParserStructuredErrors"),
        schema_parse: get!("xmlSchemaParse"),
        schema_free_parser_ctxt: get!("xmlSchemaFreeParserCtxt"),
        schema_free: get!("xmlSchemaFree"),
        schema_new_valid_ctxt: get!("xmlSchemaNewValidCtxt"),
        schema_set_valid_structured_errors: get!("xmlSchemaSetValidStructuredErrors"),
        schema_validate_doc: get!("xmlSchemaValidateDoc"),
        schema_free_valid_ctxt: get!("xmlSchemaFreeValidCtxt"),
        read_memory: get!("xmlReadMemory"),
        free_doc: get!("xmlFreeDoc"),
        _library: library,
    })
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

/// On the calling thread, routes libxml2's global errors to `errors` for the duration of `f`.
///
/// # Safety
/// `errors` must stay valid, and be touched by nothing else, until this returns.
pub(super) unsafe fn with_errors<T>(
    api: &Api,
    errors: *mut Vec<RawError>,
    loading_schema: bool,
    f: impl FnOnce() -> T,
) -> T {
    struct Reset<'a>(&'a Api);
    impl Drop for Reset<'_> {
        fn drop(&mut self) {
            LOADING_SCHEMA.with(|l| l.set(false));
            // SAFETY: the thread's handler goes back to dropping errors (null user data).
            unsafe { (self.0.set_structured_error_func)(std::ptr::null_mut(), Some(collect)) };
        }
    }
    LOADING_SCHEMA.with(|l| l.set(loading_schema));
    // SAFETY: `errors` outlives the call: `Reset` uninstalls it before this function returns.
    unsafe { (api.set_structured_error_func)(errors as *mut c_void, Some(collect)) };
    let _reset = Reset(api);
    f()
}

/// What the loader refused on this thread since the last call.
pub(super) fn take_refused() -> Vec<String> {
    REFUSED.with(|r| std::mem::take(&mut *r.borrow_mut()))
}

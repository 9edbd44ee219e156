// pdf.js, loaded only when a PDF is shown (`PdfViewer.svelte` imports this module
// dynamically): the worker bundled by Vite, and the options that keep a document inert.
//
// A PDF is data here, never a program: no XFA forms, no annotation layer (so no link, form
// field or JavaScript action can be activated), and nothing fetched — no CMaps or standard
// fonts from a CDN, no WebAssembly (the app's CSP allows no `wasm-unsafe-eval`: JPEG 2000 and
// JBIG2 images are decoded by pdf.js's JavaScript decoders, bundled). Fonts the
// PDF does not embed fall back to the system's (`useSystemFonts`); Symbol and ZapfDingbats
// come from pdf.js's own files, bundled as lazily loaded modules (`BundledData`).
//
// pdf.js 5 and later have no `eval` path at all (the `isEvalSupported` option is gone), and
// scripting exists only in the viewer's sandbox, which is not used.

import { AnnotationMode, getDocument, GlobalWorkerOptions, TextLayer, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

export { AnnotationMode, TextLayer };
export type { PDFDocumentProxy, PDFPageProxy, PageViewport, RenderTask } from 'pdfjs-dist';

/** The two standard fonts pdf.js asks for while it uses the system's fonts for the others
 *  (Symbol, ZapfDingbats), each a module of its own (a `data:` URL string, vite.config.ts's
 *  `assetsInclude`), loaded when a PDF needs it: script from 'self', no fetch. */
const STANDARD_FONTS = import.meta.glob('/node_modules/pdfjs-dist/standard_fonts/Foxit{Symbol,Dingbats}.pfb', {
  query: '?inline',
  import: 'default',
}) as Record<string, () => Promise<string>>;

/** Decodes a `data:…;base64,` URL without fetching it (the CSP's connect-src has no data:). */
function dataUrlBytes(url: string): Uint8Array {
  const binary = atob(url.slice(url.indexOf(',') + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** What pdf.js asks the page for when it needs one of its own data files: the standard
 *  fonts come from the bundle; CMaps and WebAssembly are refused (never fetched). */
class BundledData {
  constructor(_options: unknown) {}

  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    if (kind === 'standardFontDataUrl') {
      const load = Object.entries(STANDARD_FONTS).find(([path]) => path.endsWith(`/${filename}`))?.[1];
      if (load) return dataUrlBytes(await load());
    }
    throw new Error(`${kind} ${filename}: not bundled`);
  }
}

/** Opens a PDF from its bytes (pdf.js takes them over: pass a copy if you keep them). */
export function openPdf(data: Uint8Array): { promise: Promise<PDFDocumentProxy>; destroy(): Promise<void> } {
  const task = getDocument({
    data,
    enableXfa: false,
    useSystemFonts: true,
    useWorkerFetch: false,
    useWasm: false,
    // Where pdf.js imports its JavaScript image decoders from (JPEG 2000, JBIG2): the app's
    // own files (vite.config.ts's `pdfjsDecoders`; in development, the package's folder).
    wasmUrl: import.meta.env.DEV ? '/node_modules/pdfjs-dist/wasm/' : new URL('pdfjs/wasm/', document.baseURI).href,
    // Asked for Symbol and ZapfDingbats. No `standardFontDataUrl`: pdf.js would also write
    // it into @font-face rules as a URL to load.
    BinaryDataFactory: BundledData,
    disableFontFace: false,
    stopAtErrors: false,
    isOffscreenCanvasSupported: true,
  });
  return { promise: task.promise, destroy: () => task.destroy() };
}

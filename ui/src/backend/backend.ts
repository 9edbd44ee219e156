// The one interface the UI talks to. Two implementations: `HttpBackend` for `vigie serve`
// (fetch to /api) and `TauriBackend` for the desktop app (Tauri commands). They return the
// same JSON (docs/api.md), so every component is written once.

import type {
  Added,
  CheckReport,
  ClinicalSummary,
  Cumulative,
  Entry,
  IndexingProgress,
  LabReport,
  LibraryQuery,
  LibraryResults,
  RecentFolder,
  Rendered,
  Report,
} from '../types';
import type { Locale } from '../i18n';

/** What the platform reports while files are dragged over the window (desktop app). */
export interface DropEvents {
  /** Files are over the window (`true`) or left it (`false`). */
  hover(over: boolean): void;
  /** Files were dropped and added to the session. */
  added(result: Added): void;
  /** Adding them failed. */
  failed(error: BackendError): void;
}

export interface Backend {
  readonly name: 'http' | 'tauri';
  /** Every document of the session, in the order they were added. */
  listDocuments(): Promise<Entry[]>;
  /** Finds documents in the library: filters, facets, search, versions, one page of rows
   *  (`offset`, `limit`). */
  queryLibrary(query: LibraryQuery): Promise<LibraryResults>;
  /** The report of a document (header, body, attachments, findings). */
  openDocument(id: number): Promise<Report>;
  /** The lab results of a document, by chapter (empty for a document without results). */
  documentResults(id: number): Promise<LabReport>;
  /** Every lab result of the document's patient across the session, by test and date
   *  (empty without a patient or results). */
  documentCumulative(id: number): Promise<Cumulative>;
  /** The clinical summary of a document: allergies, problems, treatments, history,
   *  vaccinations… by category (empty for a document without such sections). */
  documentClinical(id: number): Promise<ClinicalSummary>;
  /** The document as a hardened page for a sandboxed iframe (`srcdoc`), its own words
   *  (labels, placeholders, the report's descriptions) in `lang`, with the security report of
   *  what was neutralised. */
  documentRender(id: number, lang: Locale): Promise<Rendered>;
  /** The decoded XML source of a document. */
  documentSource(id: number): Promise<string>;
  /** Checks a document, layer by layer: each layer's status and every issue, located. A
   *  layer without what it needs (the kit folder, the schema folder) is reported skipped. */
  checkDocument(id: number): Promise<CheckReport>;
  /** A URL a plain link can point at for an attachment, when the platform serves them by
   *  URL (HTTP); `null` when the bytes must be fetched first (`attachmentUrl`). */
  attachmentHref(id: number, index: number): string | null;
  /** A URL the page can open or download the attachment from (a blob: URL in the desktop
   *  app: revoke it when done). */
  attachmentUrl(id: number, index: number, mediaType: string | undefined): Promise<string>;
  /** The decoded bytes of an attachment (the PDF viewer reads them; nothing is opened). */
  attachmentBytes(id: number, index: number): Promise<Uint8Array>;
  /** The bytes of a bare PDF file (a document whose report's `kind` is `pdf`), for the PDF
   *  viewer; any other kind of document is refused. */
  documentFile(id: number): Promise<Uint8Array>;
  /** Opens a web or mail link of a document outside the app (the system's browser or mail
   *  client, a new tab in a browser). Call it only after the person clicked the link and
   *  confirmed its URL (`ExternalLinkDialog`); the platform checks the URL again
   *  (`externalLink`, and Rust in the desktop app). */
  openExternal(url: string): Promise<void>;
  /** Whether the platform has its own file dialog (`chooseFiles`); otherwise use a file
   *  input and `addFiles`. */
  readonly hasNativeDialog: boolean;
  /** Opens the platform's file dialog and adds what was chosen; `null` when cancelled. */
  chooseFiles(): Promise<Added | null>;
  /** Opens the platform's folder dialog and adds every document under the chosen folder;
   *  `null` when cancelled or without a native dialog (`hasNativeDialog`). */
  chooseFolder(): Promise<Added | null>;
  /** Adds files the page holds (a file input, a drop in a browser). */
  addFiles(files: readonly File[]): Promise<Added>;
  /** Listens for files dropped on the window when the platform, not the page, receives
   *  them (the desktop app gets paths). Returns how to stop listening, or `null` when drops
   *  arrive as page events (a browser). */
  watchDrops(events: DropEvents): Promise<(() => void) | null>;
  /** Listens to indexing progress while the platform adds many files (the desktop app);
   *  returns how to stop listening, or `null` when the platform reports none. */
  watchIndexing(onprogress: (progress: IndexingProgress) => void): Promise<(() => void) | null>;
  /** Stops the indexing under way; what was indexed stays. */
  cancelIndexing(): Promise<void>;
  /** The folders opened recently (desktop app; empty elsewhere). */
  recentFolders(): Promise<RecentFolder[]>;
  /** Opens again a recent folder, by its position in `recentFolders()`. */
  openRecent(index: number): Promise<Added>;
}

/** A failure with a message a person can act on. `unreachable` when the backend did not
 *  answer at all (the server was stopped). */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** The backend of the platform the page runs on: the desktop app's when inside Tauri. */
export async function pickBackend(): Promise<Backend> {
  if ('__TAURI_INTERNALS__' in window) {
    const { TauriBackend } = await import('./tauri');
    return new TauriBackend();
  }
  const { HttpBackend } = await import('./http');
  return new HttpBackend();
}

// The desktop app: Tauri commands over the same session (src-tauri/src/commands.rs).
// The page never hands the app a path: files come in through the native dialogs, which the
// app shows itself (`open_files`, `open_folder`), or a drop on the window, which the app adds
// itself and then announces (`documents-added`, src-tauri/src/drops.rs).

import { invoke } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';

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
import { BackendError, type Backend, type DropEvents } from './backend';

/** What the app emits after adding files dropped on the window (`DOCUMENTS_ADDED` in
 *  src-tauri/src/drops.rs). */
const DOCUMENTS_ADDED = 'documents-added';
/** What the app emits while it indexes (`INDEXING_PROGRESS` in src-tauri/src/indexing.rs). */
const INDEXING_PROGRESS = 'indexing-progress';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new BackendError(typeof error === 'string' ? error : String(error));
  }
}

export class TauriBackend implements Backend {
  readonly name = 'tauri' as const;
  readonly hasNativeDialog = true;

  listDocuments(): Promise<Entry[]> {
    return call('list_documents');
  }

  queryLibrary(query: LibraryQuery): Promise<LibraryResults> {
    return call('query_library', { query });
  }

  openDocument(id: number): Promise<Report> {
    return call('open_document', { id });
  }

  documentResults(id: number): Promise<LabReport> {
    return call('document_results', { id });
  }

  documentCumulative(id: number): Promise<Cumulative> {
    return call('document_cumulative', { id });
  }

  documentClinical(id: number): Promise<ClinicalSummary> {
    return call('document_clinical', { id });
  }

  documentRender(id: number, lang: Locale): Promise<Rendered> {
    return call('document_render', { id, lang });
  }

  documentSource(id: number): Promise<string> {
    return call('document_source', { id });
  }

  checkDocument(id: number): Promise<CheckReport> {
    return call('check_document', { id });
  }

  attachmentHref(): null {
    return null;
  }

  async attachmentUrl(id: number, index: number, mediaType: string | undefined): Promise<string> {
    const bytes = await call<ArrayBuffer>('document_attachment', { id, index });
    return URL.createObjectURL(new Blob([bytes], { type: mediaType ?? 'application/octet-stream' }));
  }

  async attachmentBytes(id: number, index: number): Promise<Uint8Array> {
    // `document_attachment` answers a binary IPC response: an ArrayBuffer.
    const bytes = await call<ArrayBuffer | number[]>('document_attachment', { id, index });
    return bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : Uint8Array.from(bytes);
  }

  async documentFile(id: number): Promise<Uint8Array> {
    // `document_file` answers a binary IPC response: an ArrayBuffer.
    const bytes = await call<ArrayBuffer | number[]>('document_file', { id });
    return bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : Uint8Array.from(bytes);
  }

  /** The app opens it with the system's launcher once Rust has checked it again
   *  (src-tauri/src/external.rs): the webview itself never navigates. */
  openExternal(url: string): Promise<void> {
    return call('open_external', { url });
  }

  chooseFiles(): Promise<Added | null> {
    return call('open_files');
  }

  chooseFolder(): Promise<Added | null> {
    return call('open_folder');
  }

  async addFiles(files: readonly File[]): Promise<Added> {
    // In the desktop app the dialogs and drops are handled by the app: a File object never
    // reaches here.
    return { entries: [], notes: files.map((f) => `${f.name}: use Open… or drop the file on the window`) };
  }

  async watchIndexing(onprogress: (progress: IndexingProgress) => void): Promise<() => void> {
    return getCurrentWebview().listen<IndexingProgress>(INDEXING_PROGRESS, ({ payload }) => onprogress(payload));
  }

  cancelIndexing(): Promise<void> {
    return call('cancel_indexing');
  }

  recentFolders(): Promise<RecentFolder[]> {
    return call('recent_folders');
  }

  openRecent(index: number): Promise<Added> {
    return call('open_recent', { index });
  }

  /** The app adds dropped files itself; the page only highlights the drop zone while files
   *  are over the window, and shows what was added. */
  async watchDrops(events: DropEvents): Promise<() => void> {
    const webview = getCurrentWebview();
    const stops = await Promise.all([
      webview.onDragDropEvent(({ payload }) => events.hover(payload.type === 'enter' || payload.type === 'over')),
      webview.listen<Added>(DOCUMENTS_ADDED, ({ payload }) => events.added(payload)),
    ]);
    return () => stops.forEach((stop) => stop());
  }
}

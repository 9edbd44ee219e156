// The desktop app: Tauri commands over the same session (src-tauri/src/commands.rs).
// Files come in as paths, from the native dialog or a drop on the window.

import { invoke } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open } from '@tauri-apps/plugin-dialog';

import type { Added, Entry, Report } from '../types';
import { BackendError, type Backend, type DropEvents } from './backend';

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

  openDocument(id: number): Promise<Report> {
    return call('open_document', { id });
  }

  documentSource(id: number): Promise<string> {
    return call('document_source', { id });
  }

  attachmentHref(): null {
    return null;
  }

  async attachmentUrl(id: number, index: number, mediaType: string | undefined): Promise<string> {
    const bytes = await call<ArrayBuffer>('document_attachment', { id, index });
    return URL.createObjectURL(new Blob([bytes], { type: mediaType ?? 'application/octet-stream' }));
  }

  async chooseFiles(): Promise<Added | null> {
    const chosen = await open({ multiple: true, directory: false });
    if (chosen === null) return null;
    const paths = Array.isArray(chosen) ? chosen : [chosen];
    return paths.length ? call<Added>('add_paths', { paths }) : null;
  }

  async addFiles(files: readonly File[]): Promise<Added> {
    // In the desktop app drops arrive as paths (watchDrops) and the dialog gives paths: a
    // File object never reaches here.
    return { entries: [], notes: files.map((f) => `${f.name}: use Open… or drop the file on the window`) };
  }

  async watchDrops(events: DropEvents): Promise<() => void> {
    return getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === 'enter' || payload.type === 'over') {
        events.hover(true);
      } else if (payload.type === 'leave') {
        events.hover(false);
      } else if (payload.type === 'drop') {
        events.hover(false);
        if (payload.paths.length === 0) return;
        call<Added>('add_paths', { paths: payload.paths }).then(events.added, (error: unknown) =>
          events.failed(error instanceof BackendError ? error : new BackendError(String(error))),
        );
      }
    });
  }
}

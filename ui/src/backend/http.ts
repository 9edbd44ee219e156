// `vigie serve`'s HTTP API (docs/api.md). Errors come back as `{"error": "..."}`.

import type { Added, CheckReport, ClinicalSummary, Cumulative, Entry, LabReport, LibraryQuery, LibraryResults, RecentFolder, Rendered, Report } from '../types';
import type { Locale } from '../i18n';
import { externalLink } from '../links';
import { BackendError, type Backend, type DropEvents } from './backend';

export class HttpBackend implements Backend {
  readonly name = 'http' as const;
  readonly hasNativeDialog = false;

  constructor(private readonly base = '/api') {}

  private async request(path: string, init?: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { ...init, credentials: 'same-origin', cache: 'no-store' });
    } catch (error) {
      throw new BackendError(String(error), true);
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const body: unknown = await response.json();
        if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') {
          message = body.error;
        }
      } catch {
        // Not JSON (a proxy's page, the body limit's plain text): keep the status.
      }
      throw new BackendError(message);
    }
    return response;
  }

  async listDocuments(): Promise<Entry[]> {
    return (await this.request('/documents')).json() as Promise<Entry[]>;
  }

  async queryLibrary(query: LibraryQuery): Promise<LibraryResults> {
    const response = await this.request('/library', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(query),
    });
    return response.json() as Promise<LibraryResults>;
  }

  async openDocument(id: number): Promise<Report> {
    return (await this.request(`/documents/${id}`)).json() as Promise<Report>;
  }

  async documentResults(id: number): Promise<LabReport> {
    return (await this.request(`/documents/${id}/results`)).json() as Promise<LabReport>;
  }

  async documentCumulative(id: number): Promise<Cumulative> {
    return (await this.request(`/documents/${id}/cumulative`)).json() as Promise<Cumulative>;
  }

  async documentClinical(id: number): Promise<ClinicalSummary> {
    return (await this.request(`/documents/${id}/clinical`)).json() as Promise<ClinicalSummary>;
  }

  async documentRender(id: number, lang: Locale): Promise<Rendered> {
    return (await this.request(`/documents/${id}/render?lang=${lang}`)).json() as Promise<Rendered>;
  }

  async documentSource(id: number): Promise<string> {
    return (await this.request(`/documents/${id}/source`)).text();
  }

  async checkDocument(id: number): Promise<CheckReport> {
    return (await this.request(`/documents/${id}/check`)).json() as Promise<CheckReport>;
  }

  attachmentHref(id: number, index: number): string {
    return `${this.base}/documents/${id}/attachments/${index}`;
  }

  async attachmentUrl(id: number, index: number): Promise<string> {
    return this.attachmentHref(id, index);
  }

  async attachmentBytes(id: number, index: number): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request(`/documents/${id}/attachments/${index}`)).arrayBuffer());
  }

  async documentFile(id: number): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request(`/documents/${id}/file`)).arrayBuffer());
  }

  /** A new tab with no link back to this page (`noopener`) and no referrer: the link's site
   *  learns nothing of the session. Called right after the person confirmed, so that the
   *  browser still counts it as their gesture. */
  async openExternal(url: string): Promise<void> {
    const link = externalLink(url);
    if (!link.ok) throw new BackendError(`this link is not opened (${link.reason})`);
    window.open(link.url, '_blank', 'noopener,noreferrer');
  }

  async chooseFiles(): Promise<Added | null> {
    return null;
  }

  async chooseFolder(): Promise<Added | null> {
    return null;
  }

  /** Sends each file as the raw body of a POST, its name percent-encoded in X-File-Name. */
  async addFiles(files: readonly File[]): Promise<Added> {
    const added: Added = { entries: [], notes: [] };
    for (const file of files) {
      try {
        const response = await this.request('/documents', {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
          body: file,
        });
        const result = (await response.json()) as Added;
        added.entries.push(...result.entries);
        added.notes?.push(...(result.notes ?? []));
      } catch (error) {
        if (error instanceof BackendError && error.unreachable) throw error;
        added.notes?.push(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return added;
  }

  async watchDrops(_events: DropEvents): Promise<null> {
    return null;
  }

  /** `vigie serve` indexes what it was given before it answers: there is nothing to follow. */
  async watchIndexing(): Promise<null> {
    return null;
  }

  async cancelIndexing(): Promise<void> {}

  async recentFolders(): Promise<RecentFolder[]> {
    return [];
  }

  async openRecent(): Promise<Added> {
    throw new BackendError('recent folders exist only in the desktop app');
  }
}

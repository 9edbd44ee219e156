// Asks the backend for the library's rows, a page at a time, for the rows in view.
//
// Paging rather than fetching every row: the backend answers `Results` with whole rows
// (~1 KB each, 100 MB for 100,000 documents) and has no cheaper "ids only" answer, so the
// client asks for the pages around the viewport (never more than `PAGE_SIZE` rows a request,
// `MARGIN` rows beyond the view on each side) and keeps at most `RowPages.maxPages` of them.
// Every answer also carries the total and the facets, which is how a new query's first page
// updates the counts. An answer to an older query is dropped (each query has a generation).

import type { Backend } from './backend/backend';
import { toQuery, type LibraryView } from './library';
import { RowPages } from './pages';
import type { Facets, LibraryResults, LibraryRow } from './types';
import { pagesCovering } from './virtual';

export const PAGE_SIZE = 100;
/** Rows fetched ahead of the view, above and below. */
export const MARGIN = 50;
/** While the list scrolls, rows are asked for at most this often. */
const THROTTLE_MS = 80;

export const NO_FACETS: Facets = {
  types: [],
  classes: [],
  specialties: [],
  authors: [],
  organizations: [],
  patients: [],
  bodies: [],
};

export class LibraryLoader {
  /** Documents matching the query (all pages). */
  total = $state(0);
  librarySize = $state(0);
  hidden = $state(0);
  facets = $state.raw<Facets>(NO_FACETS);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  /** A new query was sent and its first answer is awaited (the rows shown are older). */
  pending = $state(false);
  error = $state<unknown>(null);
  /** Bumped whenever rows arrive: read it to re-render rows. */
  version = $state(0);

  private readonly pages = new RowPages<LibraryRow>(PAGE_SIZE);
  private view: LibraryView | null = null;
  private generation = 0;
  /** Whether the rows held answer the current query (else they are the previous query's,
   *  kept on screen until the new ones come). */
  private fresh = false;
  private readonly inflight = new Set<number>();
  /** The rows in view, as last told. */
  private wanted = { start: 0, end: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastAsked = 0;

  constructor(
    private readonly backend: Backend,
    /** Told of the first answer to each query. */
    private readonly onanswer?: (results: LibraryResults) => void,
  ) {}

  /** Asks `view` afresh, starting with the rows `[start, end)`. */
  reload(view: LibraryView, start = 0, end = 1): void {
    this.view = view;
    this.generation += 1;
    this.fresh = false;
    this.inflight.clear();
    this.pending = true;
    if (this.status === 'error') this.status = 'loading';
    const pages = pagesCovering(start, Math.max(end, start + 1), PAGE_SIZE, Number.MAX_SAFE_INTEGER);
    for (const page of pages) void this.fetch(page);
  }

  /** Fetches what is missing around the rows `[start, end)` in view, at most every
   *  `THROTTLE_MS` while the list scrolls (dragging the scroll bar across 100,000 rows asks
   *  for the pages where it pauses, not for every page it passes). */
  ensure(start: number, end: number): void {
    this.wanted = { start, end };
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastAsked + THROTTLE_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastAsked = Date.now();
      this.fetchMissing();
    }, wait);
  }

  /** Stops the pending timer (the pane is going away). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.generation += 1;
  }

  private fetchMissing(): void {
    if (!this.view || !this.fresh) return;
    const { start, end } = this.wanted;
    for (const page of pagesCovering(start - MARGIN, end + MARGIN, PAGE_SIZE, this.total)) {
      if (!this.pages.has(page) && !this.inflight.has(page)) void this.fetch(page, start, end);
    }
  }

  /** The row at `index`, when it has been fetched (read `version` to follow arrivals). */
  row(index: number): LibraryRow | undefined {
    void this.version;
    return this.pages.row(index);
  }

  /** Where the document `id` is among the rows held, or -1. */
  indexOf(id: number): number {
    return this.pages.findIndex((row) => row.id === id);
  }

  private async fetch(page: number, start = page * PAGE_SIZE, end = start + PAGE_SIZE): Promise<void> {
    const view = this.view;
    if (!view) return;
    const generation = this.generation;
    this.inflight.add(page);
    try {
      const results = await this.backend.queryLibrary(toQuery(view, page * PAGE_SIZE, PAGE_SIZE));
      if (generation !== this.generation) return;
      const first = !this.fresh;
      if (first) {
        this.pages.clear();
        this.fresh = true;
        this.facets = results.facets;
      }
      this.total = results.total;
      this.librarySize = results.library_size;
      this.hidden = results.hidden_versions;
      this.pages.set(page, results.rows);
      this.pages.trim(start, end);
      this.status = 'ready';
      this.error = null;
      this.version += 1;
      if (first) {
        this.pending = false;
        this.onanswer?.(results);
        this.fetchMissing();
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.status = 'error';
      this.error = error;
      this.pending = false;
    } finally {
      if (generation === this.generation) this.inflight.delete(page);
    }
  }
}

// The rows of a long result list, held page by page as the backend returns them: only the
// pages near what the person looks at are kept, so that a list of 100,000 documents costs
// the page a few thousand rows at most.

export class RowPages<Row> {
  private readonly pages = new Map<number, readonly Row[]>();

  constructor(
    readonly pageSize: number,
    /** Most pages kept; the farthest from the view go first. */
    readonly maxPages = 60,
  ) {}

  get size(): number {
    return this.pages.size;
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** The row at `index`, when its page is here. */
  row(index: number): Row | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  set(page: number, rows: readonly Row[]): void {
    this.pages.set(page, rows);
  }

  clear(): void {
    this.pages.clear();
  }

  /** Drops the pages farthest from rows `[start, end)` until at most `maxPages` remain. */
  trim(start: number, end: number): void {
    if (this.pages.size <= this.maxPages) return;
    const first = Math.floor(start / this.pageSize);
    const last = Math.floor(Math.max(start, end - 1) / this.pageSize);
    const distance = (page: number) => (page < first ? first - page : page > last ? page - last : 0);
    const far = [...this.pages.keys()].sort((a, b) => distance(b) - distance(a));
    for (const page of far.slice(0, this.pages.size - this.maxPages)) this.pages.delete(page);
  }

  /** The index of the first held row that satisfies `test`, or -1. */
  findIndex(test: (row: Row) => boolean): number {
    let found = -1;
    for (const [page, rows] of this.pages) {
      const at = rows.findIndex(test);
      if (at >= 0) {
        const index = page * this.pageSize + at;
        if (found < 0 || index < found) found = index;
      }
    }
    return found;
  }
}

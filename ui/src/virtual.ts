// The arithmetic of a virtual list with a fixed row height: which rows are in view, where
// to scroll to show one, which pages of rows to ask the backend for. Pure functions.

/** Rows `[start, end)` to put in the DOM: those in view plus `overscan` on each side. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 0,
): { start: number; end: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  return { start: Math.max(0, Math.min(count, first - overscan)), end: Math.min(count, last + overscan) };
}

/** The scroll position that shows row `index` whole, moving as little as possible;
 *  `scrollTop` itself when it is already whole in view. */
export function revealOffset(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}

/** The pages of `pageSize` rows that cover rows `[start, end)` of `count`. */
export function pagesCovering(start: number, end: number, pageSize: number, count: number): number[] {
  const last = Math.min(end, count);
  if (last <= start || pageSize <= 0) return [];
  const pages: number[] = [];
  for (let page = Math.floor(Math.max(0, start) / pageSize); page * pageSize < last; page++) pages.push(page);
  return pages;
}

/** Where a key moves the cursor in a list of `count` rows, `page` rows to a screen; `null`
 *  for a key that does not move it. From no cursor (-1) any move goes to the first row. */
export function moveCursor(key: string, cursor: number, count: number, page: number): number | null {
  if (count <= 0) return null;
  const step: Record<string, number> = {
    ArrowDown: cursor < 0 ? 0 : cursor + 1,
    ArrowUp: cursor < 0 ? 0 : cursor - 1,
    PageDown: cursor < 0 ? 0 : cursor + Math.max(1, page),
    PageUp: cursor < 0 ? 0 : cursor - Math.max(1, page),
    Home: 0,
    End: count - 1,
  };
  const target = step[key];
  return target === undefined ? null : Math.max(0, Math.min(count - 1, target));
}

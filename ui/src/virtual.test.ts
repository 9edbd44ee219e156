import { describe, expect, it } from 'vitest';

import { RowPages } from './pages';
import { moveCursor, pagesCovering, revealOffset, visibleRange } from './virtual';

describe('the window of a virtual list', () => {
  it('holds the rows in view and the overscan, within the list', () => {
    expect(visibleRange(0, 600, 60, 100_000)).toEqual({ start: 0, end: 10 });
    expect(visibleRange(0, 600, 60, 100_000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(6_000_030, 600, 60, 100_000, 5)).toEqual({ start: 99_995, end: 100_000 });
    expect(visibleRange(90, 600, 60, 100_000)).toEqual({ start: 1, end: 12 });
    expect(visibleRange(0, 600, 60, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(0, 600, 60, 0)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls as little as needed to show a row whole', () => {
    expect(revealOffset(5, 0, 600, 60)).toBe(0);
    expect(revealOffset(10, 0, 600, 60)).toBe(60);
    expect(revealOffset(2, 300, 600, 60)).toBe(120);
    expect(revealOffset(99_999, 0, 600, 60)).toBe(5_999_400);
  });

  it('asks for the pages that cover the rows, not past the end', () => {
    expect(pagesCovering(0, 10, 100, 1000)).toEqual([0]);
    expect(pagesCovering(-50, 160, 100, 1000)).toEqual([0, 1]);
    expect(pagesCovering(950, 1100, 100, 1000)).toEqual([9]);
    expect(pagesCovering(10, 10, 100, 1000)).toEqual([]);
  });

  it('moves the cursor by key, within the list', () => {
    expect(moveCursor('ArrowDown', -1, 10, 5)).toBe(0);
    expect(moveCursor('ArrowDown', 9, 10, 5)).toBe(9);
    expect(moveCursor('ArrowUp', 0, 10, 5)).toBe(0);
    expect(moveCursor('PageDown', 2, 10, 5)).toBe(7);
    expect(moveCursor('End', 2, 10, 5)).toBe(9);
    expect(moveCursor('Home', 7, 10, 5)).toBe(0);
    expect(moveCursor('a', 2, 10, 5)).toBeNull();
    expect(moveCursor('ArrowDown', -1, 0, 5)).toBeNull();
  });
});

describe('pages of rows', () => {
  it('find a row by its index and keep only the pages near the view', () => {
    const pages = new RowPages<number>(10, 3);
    for (let page = 0; page < 5; page++) pages.set(page, Array.from({ length: 10 }, (_, i) => page * 10 + i));
    expect(pages.row(42)).toBe(42);
    pages.trim(20, 30);
    expect([0, 1, 2, 3, 4].filter((p) => pages.has(p))).toEqual([1, 2, 3]);
    expect(pages.row(5)).toBeUndefined();
    expect(pages.findIndex((n) => n === 35)).toBe(35);
    expect(pages.findIndex((n) => n === 5)).toBe(-1);
  });
});

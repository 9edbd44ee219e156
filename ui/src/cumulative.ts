// The cumulative view's model: a patient's results by test and date (`Cumulative`, from
// src/results/cumulative.rs) as a table — newest first, the open report's column marked —
// and one test's series as the arrays a trend chart draws. Pure functions, tested in
// cumulative.test.ts.

import type { Cumulative, CumulativePoint, CumulativeSeries } from './types';

/** A row of the table: one test in one unit, a cell per column shown. */
export interface CumulativeRow {
  index: number;
  series: CumulativeSeries;
  cells: (CumulativePoint | null)[];
}

export interface CumulativeTable {
  /** Column indexes into `Cumulative.columns`, newest first. */
  columns: number[];
  rows: CumulativeRow[];
}

export interface TableOptions {
  /** Only the tests the given document reports (its own results with their history). */
  document?: number;
  /** Only the tests with an abnormal value somewhere. */
  abnormalOnly?: boolean;
}

/** The table: columns newest first; rows in the series' order (by label). */
export function cumulativeTable(c: Cumulative, options: TableOptions = {}): CumulativeTable {
  const inDocument = (s: CumulativeSeries) =>
    options.document === undefined || s.points.some((p) => c.columns[p.column]?.document === options.document);
  const rows: CumulativeRow[] = [];
  c.series.forEach((series, index) => {
    if (!inDocument(series) || (options.abnormalOnly && series.abnormal === 0)) return;
    rows.push({ index, series, cells: [] });
  });
  // Only the columns some row shown has a value in.
  const used = new Set<number>();
  for (const row of rows) for (const p of row.series.points) used.add(p.column);
  const columns = [...used].sort((a, b) => b - a);
  const position = new Map(columns.map((column, i) => [column, i]));
  for (const row of rows) {
    row.cells = columns.map(() => null);
    for (const p of row.series.points) {
      const at = position.get(p.column);
      if (at !== undefined) row.cells[at] = p;
    }
  }
  return { columns, rows };
}

/** One test's series as a chart draws it: x in seconds, y and the range per point. */
export interface TrendData {
  x: number[];
  y: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
  abnormal: boolean[];
  /** The values as written, for the tooltip and the text alternative. */
  labels: string[];
}

/** Seconds since 1970 of an ISO 8601 date at any precision (`2024`, `2024-03`, `2024-03-01T08:30+01:00`). */
export function isoSeconds(iso: string): number | null {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(.*)$/.exec(iso);
  if (!m) return null;
  const [, y, mo = '01', d = '01', rest = ''] = m;
  const t = Date.parse(`${y}-${mo}-${d}${rest || 'T00:00:00'}`);
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

/** The points of a series with a number, oldest first, ready for the chart. */
export function trendData(c: Cumulative, series: CumulativeSeries): TrendData {
  const data: TrendData = { x: [], y: [], low: [], high: [], abnormal: [], labels: [] };
  for (const p of [...series.points].sort((a, b) => a.column - b.column)) {
    const column = c.columns[p.column];
    const x = column ? isoSeconds(column.iso) : null;
    if (x === null || p.number === undefined) continue;
    data.x.push(x);
    data.y.push(p.number);
    data.low.push(p.low ?? null);
    data.high.push(p.high ?? null);
    data.abnormal.push(p.abnormal);
    data.labels.push(p.display);
  }
  return data;
}

/** A sentence saying what the chart shows, for those who do not see it. */
export function trendSummary(data: TrendData, unit: string | undefined): { count: number; abnormal: number; min: number; max: number; unit: string } | null {
  const numbers = data.y.filter((y): y is number => y !== null);
  if (numbers.length === 0) return null;
  return {
    count: numbers.length,
    abnormal: data.abnormal.filter(Boolean).length,
    min: Math.min(...numbers),
    max: Math.max(...numbers),
    unit: unit ?? '',
  };
}

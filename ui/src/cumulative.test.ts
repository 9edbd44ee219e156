import { describe, expect, test } from 'vitest';

import { cumulativeTable, isoSeconds, trendData, trendSummary } from './cumulative';
import type { Cumulative } from './types';

const cumulative: Cumulative = {
  reports: 3,
  columns: [
    { time: '20240101', iso: '2024-01-01', display: '01/01/2024', document: 4 },
    { time: '20240201', iso: '2024-02-01', display: '01/02/2024', document: 7 },
    { time: '20240301', iso: '2024-03-01', display: '01/03/2024', document: 9 },
  ],
  series: [
    {
      label: 'Glucose',
      unit: 'g/L',
      code: '2345-7',
      abnormal: 1,
      numeric: true,
      points: [
        { column: 0, display: '1.0 g/L', number: 1.0, low: 0.7, high: 1.1, abnormal: false },
        { column: 1, display: '110 mg/dL', number: 1.1, low: 0.7, high: 1.1, abnormal: false, converted_from: 'mg/dL' },
        { column: 2, display: '1.4 g/L', number: 1.4, low: 0.7, high: 1.1, flag: 'H', abnormal: true },
      ],
    },
    {
      label: 'TSH',
      unit: 'm[IU]/L',
      abnormal: 0,
      numeric: false,
      points: [{ column: 0, display: '1.9 m[IU]/L', number: 1.9, abnormal: false }],
    },
  ],
};

describe('table', () => {
  test('columns newest first, a cell per column, empty where the test was not done', () => {
    const table = cumulativeTable(cumulative);
    expect(table.columns).toEqual([2, 1, 0]);
    expect(table.rows.map((r) => r.series.label)).toEqual(['Glucose', 'TSH']);
    expect(table.rows[1]!.cells.map((c) => c?.display ?? null)).toEqual([null, null, '1.9 m[IU]/L']);
  });

  test("a report's own tests with their history; only the columns they use", () => {
    const table = cumulativeTable(cumulative, { document: 9 });
    expect(table.rows.map((r) => r.series.label)).toEqual(['Glucose']);
    expect(table.columns).toEqual([2, 1, 0]);
    expect(cumulativeTable(cumulative, { document: 4 }).rows).toHaveLength(2);
  });

  test('abnormal only keeps the tests with an abnormal value', () => {
    expect(cumulativeTable(cumulative, { abnormalOnly: true }).rows.map((r) => r.series.label)).toEqual(['Glucose']);
  });
});

describe('trend', () => {
  test('dates at any precision become seconds', () => {
    expect(isoSeconds('2024-03-01')).toBe(Date.parse('2024-03-01T00:00:00') / 1000);
    expect(isoSeconds('2024')).toBe(Date.parse('2024-01-01T00:00:00') / 1000);
    expect(isoSeconds('2024-03-01T08:30:00+01:00')).toBe(Date.parse('2024-03-01T08:30:00+01:00') / 1000);
    expect(isoSeconds('not a date')).toBeNull();
  });

  test('the series in its unit, oldest first, with its range and abnormal points', () => {
    const data = trendData(cumulative, cumulative.series[0]!);
    expect(data.y).toEqual([1.0, 1.1, 1.4]);
    expect(data.high).toEqual([1.1, 1.1, 1.1]);
    expect(data.abnormal).toEqual([false, false, true]);
    expect(trendSummary(data, 'g/L')).toEqual({ count: 3, abnormal: 1, min: 1.0, max: 1.4, unit: 'g/L' });
  });
});

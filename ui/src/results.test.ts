import { describe, expect, test } from 'vitest';

import { flagArrow, flagOf, germName, previousText, rangeText, readingOf, resultsCsv, resultTables, valueParts } from './results';
import type { LabReport, LabResult } from './types';

const tsh: LabResult = {
  test: { code: '3016-3', label: 'Thyréostimuline' },
  value: { kind: 'quantity', display: '1.950 m[IU]/L', value: '1.950', unit: 'm[IU]/L' },
  reference_ranges: [
    {
      value: { kind: 'interval', display: '0.270–4.200 m[IU]/L' },
      interpretation: { code: 'N', french: 'Normal', english: 'Normal', meaning: 'normal' },
    },
  ],
  interpretations: [{ code: 'N', french: 'Normal', english: 'Normal', meaning: 'normal' }],
  range_position: 'within',
};

const ft4: LabResult = {
  test: { code: '3024-7', label: 'Thyroxine libre' },
  value: {
    kind: 'quantity',
    display: '7.67 pg/mL',
    unit: 'pg/mL',
    translations: [{ value: '9.87', unit: 'pmol/L' }],
  },
  reference_ranges: [{ value: { kind: 'interval', display: '9.30–17.00 pg/mL' } }],
  interpretations: [{ code: 'L', french: 'Anormalement bas', english: 'Low', meaning: 'low' }],
  abnormal: 'interpretation',
  range_position: 'below',
  previous: [
    {
      value: { kind: 'quantity', display: '8.1 pg/mL' },
      effective_time: { value: { raw: '20230101', iso: '2023-01-01', precision: 'day', display: '01/01/2023' } },
    },
  ],
};

const report: LabReport = {
  result_count: 2,
  abnormal_count: 1,
  chapters: [
    {
      title: 'BIOCHIMIE',
      chapters: [
        {
          title: 'Biochimie',
          batteries: [
            { kind: 'examination', code: { label: 'Biochimie' }, results: [tsh] },
            { kind: 'battery', code: { label: 'Bilan "thyroïdien", complet' }, results: [ft4] },
          ],
        },
      ],
    },
  ],
};

describe('flags', () => {
  test('an arrow stands beside the words, never colour alone', () => {
    expect(flagArrow('low')).toBe('▼');
    expect(flagArrow('critical-high')).toBe('▲▲');
    expect(flagArrow('normal')).toBe('');
    expect(flagArrow(undefined)).toBe('');
    expect(flagOf(ft4, 'fr')).toEqual({ meaning: 'low', words: 'Anormalement bas', arrow: '▼' });
    expect(flagOf(ft4, 'en')?.words).toBe('Low');
  });

  test('without an interpretation, a value out of range is flagged by the range', () => {
    const bare: LabResult = { test: {}, abnormal: 'range', range_position: 'above' };
    expect(flagOf(bare, 'fr')).toEqual({ meaning: 'high', words: 'Élevé (hors valeurs de référence)', arrow: '▲' });
    expect(flagOf({ test: {} }, 'fr')).toBeNull();
  });
});

describe('cells', () => {
  test('value, unit, second unit, range and previous result', () => {
    expect(valueParts(tsh)).toEqual({ value: '1.950', unit: 'm[IU]/L', second: '' });
    expect(valueParts(ft4)).toEqual({ value: '7.67', unit: 'pg/mL', second: '9.87 pmol/L' });
    expect(rangeText(tsh)).toBe('0.270–4.200 m[IU]/L');
    expect(previousText(ft4, 'fr')).toEqual({ value: '8.1 pg/mL', date: '01/01/2023' });
    expect(previousText(tsh, 'fr')).toBeNull();
  });
});

describe('tables', () => {
  test('a table per chapter (a sub-chapter named like it adds nothing), a sub-heading per battery unless it repeats the chapter', () => {
    const tables = resultTables(report);
    expect(tables).toHaveLength(1);
    expect(tables[0]?.title).toBe('BIOCHIMIE');
    expect(tables[0]?.groups.map((g) => g.heading)).toEqual([null, 'Bilan "thyroïdien", complet']);
  });

  test('abnormal only keeps the abnormal rows and drops empty groups', () => {
    const tables = resultTables(report, true);
    expect(tables[0]?.groups).toHaveLength(1);
    expect(tables[0]?.groups[0]?.results).toEqual([ft4]);
  });
});

describe('CSV', () => {
  test('a header, then one quoted line per row shown', () => {
    const csv = resultsCsv(resultTables(report, true), 'fr');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'Chapitre,Examen,Analyse,Code,Valeur,Unité,Valeurs de référence,Interprétation,Antériorité,Date de l’antériorité',
    );
    expect(lines[1]).toBe(
      'BIOCHIMIE,"Bilan ""thyroïdien"", complet",Thyroxine libre,3024-7,7.67,pg/mL,9.30–17.00 pg/mL,Anormalement bas,8.1 pg/mL,01/01/2023',
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
  });
});

describe('antibiogram', () => {
  const resistant = { code: 'R', french: 'Résistant', english: 'Resistant', meaning: 'susceptibility' as const };
  const susceptible = { code: 'S', french: 'Sensible', english: 'Susceptible', meaning: 'susceptibility' as const };
  const amoxR: LabResult = { test: { code: '20-8', label: 'Amoxicilline' }, interpretations: [resistant], span: { start: 10, end: 20 } };
  const amoxS: LabResult = { test: { code: '20-8', label: 'Amoxicilline' }, interpretations: [susceptible], span: { start: 30, end: 40 } };
  const count: LabResult = { test: { code: '630-4', label: 'Numération' }, value: { kind: 'quantity', display: '10^5 /mL' }, span: { start: 1, end: 5 } };
  const micro: LabReport = {
    result_count: 3,
    abnormal_count: 1,
    chapters: [
      {
        title: 'ECBU',
        batteries: [
          { kind: 'isolate', germ: { label: 'Escherichia coli' }, results: [count, amoxR] },
          { kind: 'isolate', germ: { label: 'Streptococcus' }, results: [amoxS] },
        ],
        antibiogram: {
          isolates: [{ label: 'Escherichia coli' }, { label: 'Streptococcus' }],
          antibiotics: [
            {
              label: 'Amoxicilline',
              test: { code: '20-8' },
              cells: [
                { interpretation: resistant, value: '≥ 0.512 ug/mL', span: { start: 10, end: 20 } },
                { interpretation: susceptible, span: { start: 30, end: 40 } },
              ],
            },
            { label: 'Vancomycine', test: { code: '19-0' }, cells: [null, { interpretation: susceptible, span: { start: 50, end: 60 } }] },
          ],
        },
      },
    ],
  };

  test('readings are shown in the matrix, not repeated as rows; the other results stay rows', () => {
    const table = resultTables(micro)[0]!;
    expect(table.antibiogram?.antibiotics.map((a) => a.label)).toEqual(['Amoxicilline', 'Vancomycine']);
    expect(table.groups.flatMap((g) => g.results.map((r) => r.test.label))).toEqual(['Numération']);
  });

  test('a cell reads as a letter with its words, never colour alone', () => {
    const cell = micro.chapters[0]!.antibiogram!.antibiotics[0]!.cells[0]!;
    expect(readingOf(cell, 'fr')).toEqual({ level: 'R', letter: 'R', words: 'Résistant', value: '≥ 0.512 ug/mL' });
    expect(readingOf(cell, 'en').words).toBe('Resistant');
  });

  test("a germ is named without SNOMED CT's semantic tag", () => {
    expect(germName('Escherichia coli (organism)')).toBe('Escherichia coli');
    expect(germName('Candida albicans')).toBe('Candida albicans');
  });

  test('abnormal only keeps the antibiotics some germ is not susceptible to', () => {
    const table = resultTables(micro, true)[0]!;
    expect(table.antibiogram?.antibiotics.map((a) => a.label)).toEqual(['Amoxicilline']);
  });

  test('the CSV carries each reading with its germ', () => {
    const csv = resultsCsv(resultTables(micro), 'fr').split('\r\n');
    expect(csv).toContain('ECBU,Escherichia coli,Amoxicilline,20-8,≥ 0.512 ug/mL,,,Résistant,,');
    expect(csv).toContain('ECBU,Streptococcus,Vancomycine,19-0,,,,Sensible,,');
  });
});

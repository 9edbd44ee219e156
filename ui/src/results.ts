// The lab results grid's model: the chapters of a `LabReport` flattened into tables of rows
// (a table per chapter, a sub-heading per battery), each flag in words with an arrow, and
// the CSV of the rows shown. Pure functions, tested in results.test.ts.

import { formatInterval } from './format';
import { translate, type Locale } from './i18n';
import type {
  LabAntibiogram,
  LabBattery,
  LabChapter,
  LabInterpretation,
  LabResult,
  LabReport,
  LabSusceptibility,
  Meaning,
} from './types';

/** A battery's rows under its sub-heading (`null`: the chapter's own results). */
export interface ResultGroup {
  heading: string | null;
  results: LabResult[];
}

/** A chapter's table: its title (with its parents', `BIOCHIMIE › Biochimie`), groups, and
 *  its antibiogram as a germ × antibiotic matrix (whose readings are not repeated as rows). */
export interface ResultTable {
  title: string;
  groups: ResultGroup[];
  antibiogram?: LabAntibiogram;
}

/** An antibiogram reading in three levels, so the matrix reads at a glance. */
export type Level = 'S' | 'I' | 'R' | 'other';

const LEVELS: Record<string, Level> = { S: 'S', 'SYN-S': 'S', I: 'I', SDD: 'I', R: 'R', NS: 'R', 'SYN-R': 'R' };

/** A matrix cell in words: the reading's letter, its words, and the MIC or diameter. */
export interface Reading {
  level: Level;
  letter: string;
  words: string;
  value: string;
}

export function readingOf(cell: LabSusceptibility, locale: Locale): Reading {
  const i = cell.interpretation;
  const code = i?.code?.toUpperCase() ?? '';
  return {
    level: LEVELS[code] ?? 'other',
    letter: code,
    words: i ? interpretationWords(i, locale) : '',
    value: cell.value ?? '',
  };
}

/** A germ's name without SNOMED CT's semantic tag: `Escherichia coli (organism)` → `Escherichia coli`. */
export function germName(label: string): string {
  return label.replace(/\s*\((organism|organisme)\)$/i, '');
}

/** Keeps the antibiotics with a reading other than susceptible (for « anormaux uniquement »). */
function notSusceptible(matrix: LabAntibiogram): LabAntibiogram | undefined {
  const antibiotics = matrix.antibiotics.filter((row) =>
    row.cells.some((c) => c && (LEVELS[c.interpretation?.code?.toUpperCase() ?? ''] ?? 'other') !== 'S'),
  );
  return antibiotics.length ? { isolates: matrix.isolates, antibiotics } : undefined;
}

function matrixSpans(matrix: LabAntibiogram | undefined): Set<number> {
  const starts = new Set<number>();
  for (const row of matrix?.antibiotics ?? []) for (const c of row.cells) if (c) starts.add(c.span.start);
  return starts;
}

const ARROWS: Partial<Record<Meaning, string>> = {
  low: '▼',
  high: '▲',
  'critical-low': '▼▼',
  'critical-high': '▲▲',
  critical: '!!',
  abnormal: '!',
  'off-scale-low': '<',
  'off-scale-high': '>',
};

/** The marker that stands beside a flag's words, so that it is not shown by colour alone. */
export function flagArrow(meaning: Meaning | undefined): string {
  return meaning ? (ARROWS[meaning] ?? '') : '';
}

/** A result's flag: the interpretation that decides it (not a change from the previous
 *  result), else the range the value falls out of. */
export interface Flag {
  meaning: Meaning;
  words: string;
  arrow: string;
}

function interpretationWords(i: LabInterpretation, locale: Locale): string {
  return (locale === 'fr' ? i.french : i.english) ?? i.display_name ?? i.english ?? i.code ?? '';
}

export function flagOf(result: LabResult, locale: Locale): Flag | null {
  const interpretations = result.interpretations ?? [];
  const decisive = interpretations.find((i) => i.meaning !== 'change') ?? interpretations[0];
  if (decisive) {
    return { meaning: decisive.meaning, words: interpretationWords(decisive, locale), arrow: flagArrow(decisive.meaning) };
  }
  if (result.abnormal === 'range' && result.range_position && result.range_position !== 'within') {
    const meaning: Meaning = result.range_position === 'below' ? 'low' : 'high';
    return { meaning, words: translate(locale, `results.flag.${meaning}`), arrow: flagArrow(meaning) };
  }
  return null;
}

/** The reference range to show: the normal one (N, or the only one), as written. */
export function rangeText(result: LabResult): string {
  const ranges = result.reference_ranges ?? [];
  const range = ranges.find((r) => r.interpretation?.meaning === 'normal') ?? ranges[0];
  if (!range) return '';
  const text = range.value?.display ?? range.text ?? '';
  return range.population ? `${text} (${range.population})` : text;
}

/** The value's text without its unit, and its unit; a coded or text value has no unit. */
export function valueParts(result: LabResult): { value: string; unit: string; second: string } {
  const v = result.value;
  if (!v) return { value: '', unit: '', second: '' };
  const second = (v.translations ?? []).map((t) => [t.value, t.unit].filter(Boolean).join(' ')).join(', ');
  const unit = v.unit ?? '';
  const value = unit && v.display.endsWith(` ${unit}`) ? v.display.slice(0, -unit.length - 1) : v.display;
  return { value, unit, second };
}

/** The latest previous result's value and date, in words. */
export function previousText(result: LabResult, locale: Locale): { value: string; date: string } | null {
  const previous = result.previous?.[0];
  if (!previous) return null;
  return { value: previous.value?.display ?? '', date: formatInterval(previous.effective_time, locale) };
}

function batteryLabel(b: LabBattery): string {
  return b.germ?.label ?? b.code?.label ?? b.code?.code ?? '';
}

function collectBatteries(batteries: LabBattery[], path: string[], chapterTitle: string, out: ResultGroup[]) {
  for (const battery of batteries) {
    const label = batteryLabel(battery);
    const here = label && label.toLowerCase() !== chapterTitle.toLowerCase() ? [...path, label] : path;
    if (battery.results?.length) out.push({ heading: here.length ? here.join(' › ') : null, results: battery.results });
    collectBatteries(battery.batteries ?? [], here, chapterTitle, out);
  }
}

function collectChapters(
  chapters: LabChapter[],
  path: string[],
  abnormalOnly: boolean,
  keep: (r: LabResult) => boolean,
  out: ResultTable[],
) {
  for (const chapter of chapters) {
    const title = chapter.title ?? chapter.code?.label ?? '';
    // A sub-chapter named like its chapter (« BIOCHIMIE › Biochimie ») adds nothing.
    const repeats = path.at(-1)?.toLowerCase() === title.toLowerCase();
    const titles = title && !repeats ? [...path, title] : path;
    const groups: ResultGroup[] = [];
    if (chapter.results?.length) groups.push({ heading: null, results: chapter.results });
    collectBatteries(chapter.batteries ?? [], [], title, groups);
    const inMatrix = matrixSpans(chapter.antibiogram);
    const shown = groups
      .map((g) => ({
        heading: g.heading,
        results: g.results.filter((r) => keep(r) && !(r.span && inMatrix.has(r.span.start))),
      }))
      .filter((g) => g.results.length > 0);
    const antibiogram = chapter.antibiogram && (abnormalOnly ? notSusceptible(chapter.antibiogram) : chapter.antibiogram);
    if (shown.length || antibiogram) out.push({ title: titles.join(' › '), groups: shown, antibiogram });
    collectChapters(chapter.chapters ?? [], titles, abnormalOnly, keep, out);
  }
}

/** The tables of the grid, with only the abnormal results when `abnormalOnly`. */
export function resultTables(report: LabReport, abnormalOnly = false): ResultTable[] {
  const out: ResultTable[] = [];
  collectChapters(report.chapters, [], abnormalOnly, (r) => !abnormalOnly || r.abnormal !== undefined, out);
  return out;
}

function csvField(text: string): string {
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows shown, as CSV (comma-separated, RFC 4180 quoting, CRLF line breaks). */
export function resultsCsv(tables: ResultTable[], locale: Locale): string {
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  const header = [
    t('results.chapter'),
    t('results.battery'),
    t('results.test'),
    t('results.code'),
    t('results.value'),
    t('results.unit'),
    t('results.range'),
    t('results.flag'),
    t('results.previous'),
    t('results.previousDate'),
  ];
  const lines = [header];
  for (const table of tables) {
    for (const group of table.groups) {
      for (const r of group.results) {
        const { value, unit } = valueParts(r);
        const previous = previousText(r, locale);
        lines.push([
          table.title,
          group.heading ?? '',
          r.test.label ?? '',
          r.test.code ?? '',
          value,
          unit,
          rangeText(r),
          flagOf(r, locale)?.words ?? '',
          previous?.value ?? '',
          previous?.date ?? '',
        ]);
      }
    }
    // The matrix's readings, one line per germ and antibiotic, as the grid's rows would be.
    const matrix = table.antibiogram;
    for (const row of matrix?.antibiotics ?? []) {
      row.cells.forEach((cell, column) => {
        if (!cell) return;
        const reading = readingOf(cell, locale);
        const germ = matrix?.isolates[column]?.label ?? '';
        lines.push([table.title, germ, row.label, row.test.code ?? '', reading.value, '', '', reading.words, '', '']);
      });
    }
  }
  return lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

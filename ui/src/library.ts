// The library pane's state and the words it shows, as pure functions: what the person chose
// (filters, search, order) → the `LibraryQuery` sent to the backend; date presets → a date
// range; the choices → removable chips; long facets → their top values. The locale and
// "today" are passed in, so that everything here is tested without a browser.

import { translate, translatePlural, type Key, type Locale } from './i18n';
import type { BodyKind, DateField, FacetValue, LibraryQuery, LibraryRow, SortBy } from './types';

/** The facets a person ticks values in, named as in `Facets` and `LibraryQuery`. */
export type FacetName = 'types' | 'classes' | 'specialties' | 'authors' | 'organizations' | 'patients' | 'bodies';

/** In the order the filter panel shows them. */
export const FACETS: readonly FacetName[] = [
  'classes',
  'types',
  'specialties',
  'authors',
  'organizations',
  'patients',
  'bodies',
];

/** What narrows the list down. Dates are `YYYY-MM-DD`, '' for an open end. */
export interface Filters {
  since: string;
  until: string;
  dateField: DateField;
  selected: Record<FacetName, string[]>;
}

/** Everything the pane asks, but the page. */
export interface LibraryView {
  filters: Filters;
  search: string;
  allVersions: boolean;
  sort: SortBy;
  reverse: boolean;
}

export function emptyFilters(dateField: DateField = 'document'): Filters {
  return {
    since: '',
    until: '',
    dateField,
    selected: { types: [], classes: [], specialties: [], authors: [], organizations: [], patients: [], bodies: [] },
  };
}

export function emptyView(): LibraryView {
  return { filters: emptyFilters(), search: '', allVersions: false, sort: 'date', reverse: false };
}

/** Whether any filter (date or facet) is set. The search box is not a filter. */
export function hasFilters(filters: Filters): boolean {
  return filters.since !== '' || filters.until !== '' || FACETS.some((f) => filters.selected[f].length > 0);
}

/** The query for one page of rows; empty choices are left out. */
export function toQuery(view: LibraryView, offset: number, limit: number): LibraryQuery {
  const { filters } = view;
  const query: LibraryQuery = { offset, limit };
  if (filters.since) query.since = filters.since;
  if (filters.until) query.until = filters.until;
  if ((filters.since || filters.until) && filters.dateField !== 'document') query.date_field = filters.dateField;
  for (const facet of FACETS) {
    const values = filters.selected[facet];
    if (values.length === 0) continue;
    if (facet === 'bodies') query.bodies = values as BodyKind[];
    else query[facet] = [...values];
  }
  const search = view.search.trim();
  if (search) query.search = search;
  if (view.allVersions) query.all_versions = true;
  if (view.sort !== 'date') query.sort = view.sort;
  if (view.reverse) query.reverse = true;
  return query;
}

/** Whether two views ask the same thing (the search compared as it is sent). */
export function sameView(a: LibraryView, b: LibraryView): boolean {
  return JSON.stringify(toQuery(a, 0, 0)) === JSON.stringify(toQuery(b, 0, 0));
}

/** Ticks or unticks `value` in `facet`. */
export function toggle(filters: Filters, facet: FacetName, value: string): Filters {
  const values = filters.selected[facet];
  const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  return { ...filters, selected: { ...filters.selected, [facet]: next } };
}

// ---- dates --------------------------------------------------------------------------

export type DatePreset = '12m' | '2y' | '5y' | 'all';

export const DATE_PRESETS: readonly DatePreset[] = ['12m', '2y', '5y', 'all'];

const PRESET_MONTHS: Record<DatePreset, number> = { '12m': 12, '2y': 24, '5y': 60, all: 0 };

/** A calendar day as `YYYY-MM-DD`, in local time. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The same day `months` months earlier, on the month's last day when it has no such day
 *  (29 February a year earlier is 28 February). */
export function monthsBefore(today: Date, months: number): Date {
  const year = today.getFullYear();
  const month = today.getMonth() - months;
  const last = new Date(year, month + 1, 0).getDate();
  return new Date(year, month, Math.min(today.getDate(), last));
}

/** The range of a preset: from the same day N months ago, open-ended; `all` is no range. */
export function presetRange(preset: DatePreset, today: Date): { since: string; until: string } {
  const months = PRESET_MONTHS[preset];
  return months === 0 ? { since: '', until: '' } : { since: isoDay(monthsBefore(today, months)), until: '' };
}

/** The preset a range is, if it is one. */
export function presetOf(since: string, until: string, today: Date): DatePreset | null {
  return DATE_PRESETS.find((p) => {
    const range = presetRange(p, today);
    return range.since === since && range.until === until;
  }) ?? null;
}

/** A day typed by the reader, as `YYYY-MM-DD`: `''` for an empty field, `null` for text that is
 *  not a day of the calendar. French reads day first (1/4/2021, 01-04-2021, 01.04.2021: the
 *  1st of April); both languages read 2021-04-01. English takes no other order: 03/04/2021
 *  is a different day on either side of the Atlantic, and a wrong date here hides documents. */
export function parseDay(text: string, locale: Locale): string | null {
  const t = text.trim();
  if (t === '') return '';
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const dayFirst = locale === 'fr' ? /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t) : null;
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : dayFirst
      ? [Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1])]
      : [0, 0, 0];
  const date = new Date(year, month - 1, day);
  const real = year > 0 && date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return real ? isoDay(date) : null;
}

/** A `YYYY-MM-DD` day as the reader writes it: 01/04/2021 in French, 2021-04-01 in English. */
export function dayText(day: string, locale: Locale): string {
  const [y, m, d] = day.split('-');
  return locale === 'fr' && y && m && d ? `${d}/${m}/${y}` : day;
}

/** The date range in words: "du 01/01/2024 au 31/12/2024", "depuis le 01/01/2024"... */
export function rangeText(since: string, until: string, locale: Locale): string {
  const low = dayText(since, locale);
  const high = dayText(until, locale);
  if (since && until) return translate(locale, 'interval.fromTo', { low, high });
  if (since) return translate(locale, 'interval.from', { low });
  if (until) return translate(locale, 'interval.to', { high });
  return '';
}

// ---- chips --------------------------------------------------------------------------

/** A filter in force, shown as a removable chip above the list. */
export interface Chip {
  facet: FacetName | 'date';
  value: string;
  text: string;
}

/** The label of a facet value, in the person's language where Vigie names it itself. */
export function valueLabel(facet: FacetName, value: string, label: string | undefined, locale: Locale): string {
  if (facet === 'bodies') return translate(locale, `body.kind.${value}` as Key);
  // A patient is "NAME (birth date)", the date in ISO form: write it as the reader does.
  if (facet === 'patients' && label) {
    return label.replace(/\((\d{4}-\d{2}-\d{2})\)$/, (_, day: string) => `(${dayText(day, locale)})`);
  }
  return label ?? value;
}

/** Every filter in force, date first, then the facets in panel order. `labels` holds what
 *  each ticked value was called when it was ticked, keyed `facet:value`. */
export function chipsOf(filters: Filters, labels: ReadonlyMap<string, string>, locale: Locale): Chip[] {
  const chips: Chip[] = [];
  const range = rangeText(filters.since, filters.until, locale);
  if (range) {
    const label = translate(locale, filters.dateField === 'service' ? 'facet.date.service' : 'facet.date.document');
    chips.push({ facet: 'date', value: '', text: translate(locale, 'labelled', { label, value: range }) });
  }
  for (const facet of FACETS) {
    for (const value of filters.selected[facet]) {
      const label = translate(locale, `facet.${facet}`);
      const text = valueLabel(facet, value, labels.get(`${facet}:${value}`), locale);
      chips.push({ facet, value, text: translate(locale, 'labelled', { label, value: text }) });
    }
  }
  return chips;
}

/** The filters without one chip's. */
export function removeChip(filters: Filters, chip: Chip): Filters {
  if (chip.facet === 'date') return { ...filters, since: '', until: '' };
  return toggle(filters, chip.facet, chip.value);
}

// ---- facets -------------------------------------------------------------------------

/** The values shown while a facet is collapsed: the `limit` most frequent and every ticked
 *  one, in the facet's own order (grouped as the server sorted them). */
export function collapse(values: readonly FacetValue[], limit: number): FacetValue[] {
  if (values.length <= limit) return [...values];
  const top = new Set(
    values
      .map((v, i) => ({ v, i }))
      .sort((a, b) => b.v.count - a.v.count || a.i - b.i)
      .slice(0, limit)
      .map(({ v }) => v),
  );
  return values.filter((v) => top.has(v) || v.selected);
}

/** Values in runs of the same group, in order; `group` is undefined for ungrouped ones. */
export function groupRuns(values: readonly FacetValue[]): { group: string | undefined; values: FacetValue[] }[] {
  const runs: { group: string | undefined; values: FacetValue[] }[] = [];
  for (const value of values) {
    const last = runs.at(-1);
    if (last && last.group === value.group) last.values.push(value);
    else runs.push({ group: value.group, values: [value] });
  }
  return runs;
}

/** A value's label under its group heading: "Médecin, Biologie médicale (SM)" under
 *  "Médecin" reads "Biologie médicale (SM)". */
export function labelInGroup(label: string, group: string | undefined): string {
  if (!group || label === group) return label;
  const prefix = `${group}, `;
  return label.startsWith(prefix) && label.length > prefix.length ? label.slice(prefix.length) : label;
}

// ---- rows ---------------------------------------------------------------------------

/** A row's French `date_display` split into its day and time, in the reader's language. */
export function splitDate(display: string | undefined, locale: Locale): { day: string; time: string } {
  if (!display) return { day: '', time: '' };
  const [day = '', time = ''] = display.split(' ');
  const localDay = locale === 'fr' ? day : day.split('/').reverse().join('-');
  return { day: localDay, time };
}

/** The confidentiality codes worth a badge (anything but N, normal), each with a short
 *  label and a sentence for its tooltip. */
export function confidentialityBadges(
  row: Pick<LibraryRow, 'confidentiality'>,
  locale: Locale,
): { code: string; short: string; long: string }[] {
  const known = new Set(['R', 'V', 'MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX']);
  return (row.confidentiality ?? [])
    .filter((c) => c.code !== 'N')
    .map((c) =>
      known.has(c.code)
        ? {
            code: c.code,
            short: translate(locale, `conf.short.${c.code}` as Key),
            long: translate(locale, `conf.long.${c.code}` as Key),
          }
        : { code: c.code, short: c.code, long: translate(locale, 'conf.long.unknown', { label: c.label, code: c.code }) },
    );
}

/** The count line: "12 documents sur 86 · 3 versions antérieures masquées". */
export function countLine(total: number, librarySize: number, hidden: number, locale: Locale): string {
  const count = translatePlural(locale, 'library.count', total, { total: librarySize });
  return hidden > 0 ? `${count} · ${translatePlural(locale, 'library.hidden', hidden)}` : count;
}

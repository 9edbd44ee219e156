import { describe, expect, it } from 'vitest';

import {
  chipsOf,
  collapse,
  confidentialityBadges,
  countLine,
  dayText,
  emptyFilters,
  emptyView,
  groupRuns,
  hasFilters,
  labelInGroup,
  monthsBefore,
  parseDay,
  presetOf,
  presetRange,
  rangeText,
  removeChip,
  splitDate,
  toQuery,
  toggle,
} from './library';
import type { FacetValue } from './types';

const today = new Date(2026, 10, 23); // 23 November 2026, local time

function value(label: string, count: number, extra: Partial<FacetValue> = {}): FacetValue {
  return { value: label.toLowerCase(), label, count, selected: false, ...extra };
}

describe('date presets', () => {
  it('go back from today, open-ended', () => {
    expect(presetRange('12m', today)).toEqual({ since: '2025-11-23', until: '' });
    expect(presetRange('2y', today)).toEqual({ since: '2024-11-23', until: '' });
    expect(presetRange('5y', today)).toEqual({ since: '2021-11-23', until: '' });
    expect(presetRange('all', today)).toEqual({ since: '', until: '' });
  });

  it('land on the month’s last day when the day does not exist', () => {
    expect(monthsBefore(new Date(2024, 1, 29), 12)).toEqual(new Date(2023, 1, 28));
    expect(monthsBefore(new Date(2026, 2, 31), 24)).toEqual(new Date(2024, 2, 31));
    expect(monthsBefore(new Date(2026, 0, 15), 12)).toEqual(new Date(2025, 0, 15));
  });

  it('are recognised from the range they set, and a typed range is none of them', () => {
    expect(presetOf('2024-11-23', '', today)).toBe('2y');
    expect(presetOf('', '', today)).toBe('all');
    expect(presetOf('2024-11-23', '2025-01-01', today)).toBeNull();
    expect(presetOf('2024-11-22', '', today)).toBeNull();
  });

  it('read as words in both languages', () => {
    expect(rangeText('2024-01-01', '2024-12-31', 'fr')).toBe('du 01/01/2024 au 31/12/2024');
    expect(rangeText('2024-01-01', '', 'fr')).toBe('depuis le 01/01/2024');
    expect(rangeText('', '2024-12-31', 'en')).toBe('until 2024-12-31');
    expect(rangeText('', '', 'fr')).toBe('');
  });
});

describe('typed days', () => {
  it('reads French days day first, and ISO days in both languages', () => {
    expect(parseDay('01/04/2021', 'fr')).toBe('2021-04-01');
    expect(parseDay(' 1-4-2021 ', 'fr')).toBe('2021-04-01');
    expect(parseDay('1.4.2021', 'fr')).toBe('2021-04-01');
    expect(parseDay('2021-04-01', 'fr')).toBe('2021-04-01');
    expect(parseDay('2021-04-01', 'en')).toBe('2021-04-01');
    expect(parseDay('', 'fr')).toBe('');
  });

  it('refuses what is not a day, and the ambiguous order in English', () => {
    expect(parseDay('31/02/2021', 'fr')).toBeNull();
    expect(parseDay('01/13/2021', 'fr')).toBeNull();
    expect(parseDay('04/01/2021', 'en')).toBeNull();
    expect(parseDay('avril 2021', 'fr')).toBeNull();
    expect(parseDay('01/04/21', 'fr')).toBeNull();
  });

  it('shows a day back as it is typed', () => {
    expect(dayText(parseDay('29/02/2024', 'fr')!, 'fr')).toBe('29/02/2024');
  });
});

describe('the query', () => {
  it('leaves out what is not chosen', () => {
    expect(toQuery(emptyView(), 0, 100)).toEqual({ offset: 0, limit: 100 });
  });

  it('carries every choice under its Rust name', () => {
    let filters = { ...emptyFilters('service'), since: '2022-01-01' };
    filters = toggle(filters, 'types', '11502-2');
    filters = toggle(filters, 'bodies', 'pdf');
    const query = toQuery(
      { filters, search: '  glyc ', allVersions: true, sort: 'author', reverse: true },
      200,
      100,
    );
    expect(query).toEqual({
      offset: 200,
      limit: 100,
      since: '2022-01-01',
      date_field: 'service',
      types: ['11502-2'],
      bodies: ['pdf'],
      search: 'glyc',
      all_versions: true,
      sort: 'author',
      reverse: true,
    });
  });

  it('unticks a ticked value', () => {
    const once = toggle(emptyFilters(), 'authors', 'a');
    expect(once.selected.authors).toEqual(['a']);
    expect(toggle(once, 'authors', 'a').selected.authors).toEqual([]);
    expect(hasFilters(once)).toBe(true);
    expect(hasFilters(emptyFilters())).toBe(false);
  });
});

describe('chips', () => {
  const labels = new Map([['types:11502-2', "CR d'examens biologiques"]]);

  it('name the date range, then each ticked value with its facet', () => {
    let filters = { ...emptyFilters(), since: '2024-01-01' };
    filters = toggle(filters, 'types', '11502-2');
    filters = toggle(filters, 'bodies', 'pdf');
    filters = toggle(filters, 'authors', 'unknown-key');
    expect(chipsOf(filters, labels, 'fr').map((c) => c.text)).toEqual([
      'Date du document\u00a0: depuis le 01/01/2024',
      "Type de document\u00a0: CR d'examens biologiques",
      'Auteur\u00a0: unknown-key',
      'Contenu\u00a0: PDF dans un CDA',
    ]);
    expect(chipsOf(filters, labels, 'en')[3]?.text).toBe('Content: PDF in a CDA');
  });

  it('write a patient’s birth date as the reader does', () => {
    const filters = toggle(emptyFilters(), 'patients', 'ins');
    const named = new Map([['patients:ins', 'DOMINIQUE PAT-TROIS (1979-03-28)']]);
    expect(chipsOf(filters, named, 'fr')[0]?.text).toBe('Patient\u00a0: DOMINIQUE PAT-TROIS (28/03/1979)');
    expect(chipsOf(filters, named, 'en')[0]?.text).toBe('Patient: DOMINIQUE PAT-TROIS (1979-03-28)');
  });

  it('say which date the range applies to', () => {
    const filters = { ...emptyFilters('service'), until: '2024-12-31' };
    expect(chipsOf(filters, labels, 'fr')[0]?.text).toBe('Date de l’acte\u00a0: jusqu’au 31/12/2024');
  });

  it('remove their own filter only', () => {
    let filters = { ...emptyFilters(), since: '2024-01-01', until: '2024-02-01' };
    filters = toggle(toggle(filters, 'types', 'a'), 'types', 'b');
    const chips = chipsOf(filters, new Map(), 'fr');
    const withoutDate = removeChip(filters, chips[0]!);
    expect([withoutDate.since, withoutDate.until]).toEqual(['', '']);
    expect(withoutDate.selected.types).toEqual(['a', 'b']);
    expect(removeChip(filters, chips[1]!).selected.types).toEqual(['b']);
  });
});

describe('facets', () => {
  it('collapse to the most frequent values and every ticked one, in their order', () => {
    const values = [
      value('A', 1, { group: 'x' }),
      value('B', 9, { group: 'x' }),
      value('C', 5, { group: 'y' }),
      value('D', 7, { group: 'y' }),
      value('E', 1, { group: 'y', selected: true }),
    ];
    expect(collapse(values, 2).map((v) => v.label)).toEqual(['B', 'D', 'E']);
    expect(collapse(values, 8)).toHaveLength(5);
  });

  it('keep the first of equal counts when collapsing', () => {
    const values = [value('A', 2), value('B', 2), value('C', 2)];
    expect(collapse(values, 2).map((v) => v.label)).toEqual(['A', 'B']);
  });

  it('group runs of the same group', () => {
    const runs = groupRuns([value('A', 1, { group: 'x' }), value('B', 1, { group: 'x' }), value('C', 1)]);
    expect(runs.map((r) => [r.group, r.values.length])).toEqual([
      ['x', 2],
      [undefined, 1],
    ]);
  });

  it('drop the group from a label under its heading', () => {
    expect(labelInGroup('Médecin, Biologie médicale (SM)', 'Médecin')).toBe('Biologie médicale (SM)');
    expect(labelInGroup('Pharmacien', 'Pharmacien')).toBe('Pharmacien');
    expect(labelInGroup('Dispositif médical', undefined)).toBe('Dispositif médical');
  });
});

describe('rows', () => {
  it('split the date from the time, in the reader’s order', () => {
    expect(splitDate('01/04/2021 18:10', 'fr')).toEqual({ day: '01/04/2021', time: '18:10' });
    expect(splitDate('01/04/2021 18:10', 'en')).toEqual({ day: '2021-04-01', time: '18:10' });
    expect(splitDate('2021', 'fr')).toEqual({ day: '2021', time: '' });
    expect(splitDate(undefined, 'fr')).toEqual({ day: '', time: '' });
  });

  it('badge every confidentiality code but N, in words', () => {
    const badges = confidentialityBadges(
      {
        confidentiality: [
          { code: 'N', label: 'Normal' },
          { code: 'MASQUE_PS', label: 'Masqué aux professionnels de santé' },
          { code: 'X', label: 'Inconnu' },
        ],
      },
      'fr',
    );
    expect(badges).toEqual([
      { code: 'MASQUE_PS', short: 'Masqué aux PS', long: 'Masqué aux professionnels de santé (MASQUE_PS)' },
      { code: 'X', short: 'X', long: 'Confidentialité : Inconnu (X)' },
    ]);
  });

  it('count what matches and what is folded', () => {
    expect(countLine(12, 86, 3, 'fr')).toBe('12 documents sur 86 · 3 versions antérieures masquées');
    expect(countLine(1, 86, 0, 'fr')).toBe('1 document sur 86');
    expect(countLine(2, 86, 1, 'en')).toBe('2 documents of 86 · 1 earlier version hidden');
  });
});

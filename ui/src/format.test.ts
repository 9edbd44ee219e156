import { describe, expect, it } from 'vitest';

import {
  codeText,
  narrativeId,
  formatInterval,
  formatSize,
  formatTimestamp,
  givenNames,
  identifierText,
  overviewOf,
  personName,
} from './format';
import type { PersonName, Report, Timestamp } from './types';

const span = { start: 0, end: 0 };

function name(...parts: [PersonName['parts'][number]['kind'], string, string?][]): PersonName {
  return { parts: parts.map(([kind, value, qualifier]) => ({ kind, value, ...(qualifier ? { qualifier } : {}) })), span };
}

function ts(raw: string, iso: string, display: string): Timestamp {
  return { raw, iso, display, precision: 'day' };
}

describe('narrativeId', () => {
  it('is the id the renderer gives the referenced element', () => {
    expect(narrativeId('#res-1')).toBe('n-res-1');
    expect(narrativeId(' #a b')).toBe('n-a_b');
    expect(narrativeId('#Résultat.1:x')).toBe('n-R_sultat.1:x');
  });
});

describe('codeText', () => {
  it('prefers the known label, then the displayName, the original text, the code', () => {
    expect(codeText({ code: '11502-2', display_name: 'CR bio', label: 'CR d’examens biologiques', span })).toBe(
      'CR d’examens biologiques',
    );
    expect(codeText({ code: '11502-2', display_name: 'CR bio', span })).toBe('CR bio');
    expect(codeText({ code: 'X', span })).toBe('X');
    expect(codeText({ null_flavor: 'UNK', span }, 'en')).toBe('not given (UNK)');
    expect(codeText(undefined)).toBe('');
  });
});

describe('personName', () => {
  it('shows the used name and the birth name when they differ', () => {
    const married = name(['given', 'Marie'], ['family', 'DURAND', 'BR'], ['family', 'Martin', 'SP']);
    expect(personName(name(['given', 'A B'], ['given', 'A', 'BR'], ['given', 'Bea', 'CL'], ['family', 'X', 'BR']))).toBe(
      'Bea X',
    );
    expect(personName(name(['given', 'A B'], ['given', 'A', 'BR'], ['family', 'X', 'BR'], ['family', 'Y', 'CL']))).toBe(
      'A Y (né·e X)',
    );
    expect(personName(married)).toBe('Marie MARTIN (né·e DURAND)');
    expect(personName(married, 'en')).toBe('Marie MARTIN (born DURAND)');
  });

  it('shows a single family name once', () => {
    expect(personName(name(['prefix', 'M'], ['given', 'Marcel'], ['family', 'CAMPARINI'], ['suffix', 'DR']))).toBe(
      'M Marcel CAMPARINI DR',
    );
  });

  it('lists given names once each', () => {
    expect(givenNames(name(['given', 'DOMINIQUE MARIE-LOUISE'], ['given', 'DOMINIQUE', 'BR']))).toEqual([
      'DOMINIQUE',
      'MARIE-LOUISE',
    ]);
  });

  it('says when the name was not given', () => {
    expect(personName({ parts: [], null_flavor: 'MSK', span })).toBe('non renseigné (MSK)');
  });
});

describe('dates and sizes', () => {
  const day = ts('20210401', '2021-04-01', '01/04/2021');
  const later = ts('20210403', '2021-04-03', '03/04/2021');

  it('shows the same Paris time day first in French and year first in English', () => {
    const written = ts('202104011710+0100', '2021-04-01T17:10+01:00', '01/04/2021 18:10');
    expect(formatTimestamp(written, 'fr')).toBe('01/04/2021 18:10');
    expect(formatTimestamp(written, 'en')).toBe('2021-04-01 18:10');
    expect(formatTimestamp(ts('202104', '2021-04', '04/2021'), 'en')).toBe('2021-04');
    expect(formatTimestamp(ts('20210401171005.25', '', '01/04/2021 17:10:05,25'), 'en')).toBe('2021-04-01 17:10:05.25');
  });

  it('writes intervals in words', () => {
    expect(formatInterval({ low: day, high: later }, 'fr')).toBe('du 01/04/2021 au 03/04/2021');
    expect(formatInterval({ low: day }, 'en')).toBe('since 2021-04-01');
    expect(formatInterval({ low: day, high: day }, 'fr')).toBe('01/04/2021');
    expect(formatInterval({ value: later }, 'fr')).toBe('03/04/2021');
    expect(formatInterval({}, 'fr')).toBe('');
    const at = (display: string) => ts('', '', display);
    expect(formatInterval({ low: at('01/04/2021 08:00'), high: at('01/04/2021 10:30') }, 'fr')).toBe(
      'le 01/04/2021 de 08:00 à 10:30',
    );
    const year = (y: string): Timestamp => ({ raw: y, iso: y, display: y, precision: 'year' });
    expect(formatInterval({ low: year('2020'), high: year('2021') }, 'fr')).toBe('de 2020 à 2021');
    expect(formatInterval({ high: year('2021') }, 'fr')).toBe('jusqu’en 2021');
  });

  it('formats sizes with the units of the language', () => {
    expect(formatSize(512, 'fr')).toBe('512 o');
    expect(formatSize(1536, 'fr')).toBe('1,5 Ko');
    expect(formatSize(78786, 'en')).toBe('76.9 KB');
    expect(formatSize(3 * 1024 * 1024, 'en')).toBe('3 MB');
  });

  it('quotes identifiers as extension (root)', () => {
    expect(identifierText({ root: '1.2.3', extension: '42', span })).toBe('42 (1.2.3)');
    expect(identifierText({ root: '1.2.3', span })).toBe('1.2.3');
  });
});

describe('overview', () => {
  it('reads the list facts from a report', () => {
    const report: Report = {
      file: 'a.xml',
      kind: 'clinical-document',
      size: 10,
      complete: true,
      findings: [{ code: 'x', severity: 'error', message: 'm', span, position: null }],
      document: {
        header: {
          template_ids: [],
          code: { code: '11502-2', label: 'CR d’examens biologiques', span },
          effective_time: ts('20210401', '2021-04-01', '01/04/2021'),
          patients: [{ ids: [], names: [name(['given', 'Ruth'], ['family', 'NEYMAR', 'BR'])], span }],
          authors: [],
          span,
        },
        body: { kind: 'missing' },
        attachments: [],
      },
    };
    expect(overviewOf(report)).toEqual({
      kind: 'clinical-document',
      errors: 1,
      type_label: 'CR d’examens biologiques',
      date: '01/04/2021',
      date_iso: '2021-04-01',
      patient: 'Ruth NEYMAR',
    });
  });
});

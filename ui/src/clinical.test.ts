import { describe, expect, test } from 'vitest';

import {
  administrationFacts,
  codeReference,
  detailFact,
  detailText,
  differs,
  doseWords,
  factText,
  narrativeBeside,
  narrativeOf,
  periodWords,
  itemFacts,
  itemLabel,
  itemStatus,
  showsSectionTitle,
  stepText,
  subjectOf,
  timingText,
  valueText,
} from './clinical';
import type { ClinicalItem, ClinicalSection, Timestamp } from './types';

const span = { start: 0, end: 1 };
const day = (raw: string, display: string): Timestamp => ({ raw, iso: raw, precision: 'day', display });

/** IPS-FR's allergy to paracetamol, as the API sends it (trimmed). */
const allergy: ClinicalItem = {
  statement: 'observation',
  label: 'PARACETAMOL',
  label_source: 'substance',
  kind: { code: '416098002', system_name: 'SNOMED CT', label: 'allergie médicamenteuse' },
  status: 'completed',
  clinical_status: { code: 'active', label: 'Actif' },
  concern: { status: 'active' },
  criticality: { code: 'low', label: 'Bas' },
  substance: { code: 'XM5DJ7', system_name: 'CIM-11', label: 'PARACETAMOL' },
  effective_time: { low: day('20211204', '04/12/2021') },
  span,
};

/** IPS-FR's LEVOTHYROX. */
const treatment: ClinicalItem = {
  statement: 'substanceAdministration',
  label: 'LEVOTHYROX 75 microgrammes, comprimé sécable',
  label_source: 'product',
  status: 'completed',
  administration: {
    product: { code: '62080626', system_name: 'CIS', label: 'LEVOTHYROX 75 microgrammes, comprimé sécable' },
    route: { code: '20053000', label: 'Voie orale' },
    dose: { display: '1 {tablet}', text: '1 cp' },
    timing: [{ xsi_type: 'PIVL_TS', period: '1 d', text: '1 fois/j' }],
  },
  span,
};

describe('an item', () => {
  test('is named by its coded subject, with the system and code beside', () => {
    expect(itemLabel(allergy, 'fr')).toEqual({ text: 'PARACETAMOL' });
    expect(codeReference(subjectOf(allergy))).toBe('CIM-11 XM5DJ7');
    expect(codeReference(subjectOf(treatment))).toBe('CIS 62080626');
    expect(codeReference(undefined)).toBe('');
    expect(codeReference({ code: 'E06.3', system: '2.16.840.1.113883.6.3' })).toBe('2.16.840.1.113883.6.3 E06.3');
  });

  test('says when its label is not a coded concept', () => {
    const kindOnly: ClinicalItem = { ...allergy, label: 'allergie médicamenteuse', label_source: 'kind' };
    expect(itemLabel(kindOnly, 'fr')).toEqual({ text: 'allergie médicamenteuse', note: 'objet non codé' });
    const narrative: ClinicalItem = { ...allergy, label: 'Paracétamol', label_source: 'narrative' };
    expect(itemLabel(narrative, 'en').note).toBe('document text, not coded');
    expect(itemLabel({ statement: 'act', span }, 'fr').text).toBe('Sans libellé');
  });

  test('shows the clinical status, else the concern’s, else a statusCode other than completed', () => {
    expect(itemStatus(allergy, 'fr')).toBe('Actif');
    expect(itemStatus({ ...allergy, clinical_status: undefined }, 'fr')).toBe('actif');
    expect(itemStatus({ ...allergy, clinical_status: undefined, concern: undefined }, 'fr')).toBeNull();
    expect(itemStatus({ statement: 'act', status: 'aborted', span }, 'en')).toBe('aborted');
    expect(itemStatus({ statement: 'act', status: 'weird', span }, 'fr')).toBe('weird');
  });

  test('lists its facts in reading order, the kind and mood as plain words', () => {
    const facts = itemFacts({ ...allergy, mood: 'INT' }, 'fr').map((f) => factText(f, 'fr'));
    expect(facts).toEqual(['allergie médicamenteuse', 'prévu', 'Statut\u00a0: Actif', 'Criticité\u00a0: Bas']);
    const kindOnly: ClinicalItem = { ...allergy, label_source: 'kind' };
    expect(itemFacts(kindOnly, 'en').map((f) => f.text)).not.toContain('allergie médicamenteuse');
  });
});

describe('a treatment', () => {
  test('shows its dose, timing and route with the narrative’s words', () => {
    const facts = administrationFacts(treatment.administration, 'fr').map((f) => factText(f, 'fr'));
    expect(facts).toEqual(['Dose\u00a0: 1 comprimé (1 cp)', '1 fois par jour (1 fois/j)', 'Voie\u00a0: Voie orale']);
    const max = administrationFacts({ max_dose: { display: '200 mg/1 d' } }, 'en').map((f) => factText(f, 'en'));
    expect(max).toEqual(['Max. dose: 200 mg/1 d']);
    expect(administrationFacts(undefined, 'fr')).toEqual([]);
  });

  test('reads each kind of timing and progressive steps', () => {
    expect(timingText({ period: '8 h' }, 'en')).toBe('every 8 h');
    expect(timingText({ period: '8 h', text: 'toutes les 8h' }, 'fr')).toBe('toutes les 8 h');
    expect(timingText({ event: { code: 'ACM', label: 'avant le petit-déjeuner' } }, 'fr')).toBe('avant le petit-déjeuner');
    expect(timingText({ interval: { low: day('20211201', '01/12/2021') }, width: '2 d' }, 'fr')).toBe(
      'depuis le 01/12/2021 pendant 2 d',
    );
    expect(timingText({ text: 'au coucher' }, 'fr')).toBe('au coucher');
    expect(
      stepText({ dose: { display: '1 {tablet}' }, timing: [{ period: '12 h', text: '2 fois/j' }] }, 'fr'),
    ).toBe('Dose 1 comprimé · toutes les 12 h (2 fois/j)');
  });

  test('keeps a vaccination’s lot and rank', () => {
    const facts = administrationFacts({ lot_number: '4456672', dose_number: '2' }, 'en').map((f) => factText(f, 'en'));
    expect(facts).toEqual(['Dose number: 2', 'Lot: 4456672']);
  });
});

describe('posology in words', () => {
  test('a period reads as a frequency', () => {
    expect(periodWords('1 d', 'fr')).toBe('1 fois par jour');
    expect(periodWords('1 d', 'en')).toBe('once a day');
    expect(periodWords('6 h', 'fr')).toBe('toutes les 6 h');
    expect(periodWords('2 d', 'fr')).toBe('tous les 2 jours');
    expect(periodWords('1 wk', 'en')).toBe('once a week');
    expect(periodWords('3 x', 'fr')).toBe('période 3 x');
  });

  test('a unit of presentation reads as words, singular or plural', () => {
    expect(doseWords('2 {tablet}', 'fr')).toBe('2 comprimés');
    expect(doseWords('1 {tbl}', 'fr')).toBe('1 comprimé');
    expect(doseWords('1–2 {capsule}', 'en')).toBe('1–2 capsules');
    expect(doseWords('1 {count}', 'fr')).toBe('1');
    expect(doseWords('500 mg', 'fr')).toBe('500 mg');
    expect(doseWords('3 {unknown}', 'fr')).toBe('3 {unknown}');
  });
});

describe('the narrative beside the code', () => {
  test('is shown only when it says something else', () => {
    expect(differs('Inactif', 'Intermittent')).toBe(true);
    expect(differs('Nausée', 'nausées')).toBe(false);
    expect(differs('PLAVIX 75 mg, comprimé pelliculé', 'PLAVIX 75mg, comprimé pelliculé')).toBe(false);
    expect(differs('Actif', 'Active')).toBe(false);
    expect(differs('Causes inconnues et non précisées de morbidité', 'Autre problème (texte libre)')).toBe(true);
    expect(differs('', 'texte')).toBe(false);
  });

  test('a status, a detail and a subject carry the document’s words', () => {
    const vsm: ClinicalItem = {
      ...allergy,
      clinical_status: { code: 'inactive', label: 'Inactif', reference_text: 'Intermittent' },
    };
    const status = itemFacts(vsm, 'fr').find((f) => f.name === 'Statut');
    expect(status).toEqual({ name: 'Statut', text: 'Inactif', narrative: 'Intermittent' });
    expect(factText(status!, 'fr')).toBe('Statut\u00a0: Inactif (texte\u00a0: Intermittent)');
    const imputability = { code: { label: 'Imputabilité' }, value: { kind: 'coded' as const, display: 'certain(e)' }, text: 'probable' };
    expect(detailFact(imputability, 'fr')).toEqual({ name: 'Imputabilité', text: 'certain(e)', narrative: 'probable' });
    const r69: ClinicalItem = {
      statement: 'observation',
      label: 'Causes inconnues et non précisées de morbidité',
      label_source: 'code',
      code: { code: 'R69', label: 'Causes inconnues et non précisées de morbidité', reference_text: 'Autre problème (texte libre)' },
      span,
    };
    expect(narrativeBeside(r69)).toBe('Autre problème (texte libre)');
    expect(narrativeBeside({ ...r69, code: { ...r69.code, reference_text: 'Oui' } })).toBeUndefined();
    expect(narrativeOf({ label: 'modéré', reference_text: 'modérée' })).toBeUndefined();
  });
});

describe('values and details', () => {
  test('booleans read as yes or no, others as displayed', () => {
    expect(valueText({ kind: 'boolean', display: 'false' }, 'fr')).toBe('non');
    expect(valueText({ kind: 'boolean', display: 'true' }, 'en')).toBe('yes');
    expect(valueText({ kind: 'quantity', display: '25 {pack}/a' }, 'fr')).toBe('25 {pack}/a');
    expect(valueText(undefined, 'fr')).toBe('');
  });

  test('a detail is its name and value, or whichever it has', () => {
    expect(detailText({ code: { label: 'Statut clinique du patient' }, value: { kind: 'coded', display: 'en forme' } }, 'fr')).toBe(
      'Statut clinique du patient\u00a0: en forme',
    );
    expect(detailText({ text: 'Texte libre' }, 'fr')).toBe('Texte libre');
    expect(detailText({}, 'fr')).toBe('');
  });
});

describe('a section title', () => {
  const section = (title: string): ClinicalSection => ({ category: 'allergies', title, span });

  test('is shown when it says more than its category', () => {
    expect(showsSectionTitle(section('Allergies et intolérances'), 1, 'fr')).toBe(false);
    expect(showsSectionTitle(section('ALLERGIES ET INTOLERANCES'), 1, 'fr')).toBe(false);
    expect(showsSectionTitle(section('Allergies identifiées pendant le séjour'), 1, 'fr')).toBe(true);
    expect(showsSectionTitle(section('Allergies et intolérances'), 2, 'fr')).toBe(true);
    expect(showsSectionTitle({ category: 'allergies', span }, 2, 'fr')).toBe(false);
  });
});

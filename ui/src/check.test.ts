import { describe, expect, it } from 'vitest';

import {
  ByteOffsets,
  compareIssues,
  formatMillis,
  groupIssues,
  innermost,
  issueHint,
  issueMessage,
  parseSpan,
  relatedMessage,
  severityCounts,
  showAll,
  layerNotes,
  skipReason,
  skippedLayers,
  sourceLabel,
  toggle,
  worstSeverity,
  LAYERS,
  SEVERITIES,
} from './check';
import type { CheckLayer, CheckReport, Issue, LayerRun, Related, Severity } from './types';

function issue(rule: string, layer: CheckLayer, severity: Severity, line: number, extra: Partial<Issue> = {}): Issue {
  return {
    rule,
    layer,
    severity,
    message: { fr: `message ${rule}`, en: `message ${rule} (en)` },
    span: { start: line * 100, end: line * 100 + 10 },
    position: { line, column: 3 },
    source: { kind: 'builtin', page: `docs/rules/${rule}.md` },
    ...extra,
  };
}

const report: CheckReport = {
  file: 'cr-bio.xml',
  kind: 'clinical-document',
  counts: { errors: 3, warnings: 1, infos: 0 },
  layers: [
    { layer: 'xml', ran: true, issues: 0, millis: 0.4 },
    { layer: 'cda', ran: true, issues: 1, millis: 3 },
    { layer: 'xsd', ran: false, skipped: 'no schema folder given', issues: 0, millis: 0 },
    { layer: 'kit', ran: false, skipped: { fr: 'aucun dossier de kit donné (--kit)', en: 'no kit folder given (--kit)' }, issues: 0, millis: 0 },
    { layer: 'builtin', ran: true, issues: 3, millis: 1.5 },
  ],
  issues: [
    issue('ins.key', 'builtin', 'warning', 40),
    issue('narrative.reference', 'builtin', 'error', 120),
    issue('cda.order', 'cda', 'error', 12),
    issue('ids.rpps', 'builtin', 'error', 30),
  ],
};

describe('grouping', () => {
  it('lists every layer the check reported, in the order they run, each with its issues sorted', () => {
    const groups = groupIssues(report, showAll());
    expect(groups.map((g) => g.layer)).toEqual(['xml', 'cda', 'xsd', 'kit', 'builtin']);
    expect(groups.find((g) => g.layer === 'builtin')?.issues.map((i) => i.rule)).toEqual([
      'ids.rpps',
      'narrative.reference',
      'ins.key',
    ]);
    expect(groups.find((g) => g.layer === 'xsd')?.run?.ran).toBe(false);
  });

  it('gives issues of a layer the report did not list (imported SVRL) a group of their own', () => {
    const imported = { ...report, issues: [...report.issues, issue('kit:assert-1', 'svrl', 'error', 5)] };
    const groups = groupIssues(imported, showAll());
    expect(groups.at(-1)).toMatchObject({ layer: 'svrl', run: null, total: 1 });
  });
});

describe('filtering', () => {
  it('hides the severities switched off, but keeps each layer and its total', () => {
    const filter = { ...showAll(), severities: ['error'] as Severity[] };
    const builtin = groupIssues(report, filter).find((g) => g.layer === 'builtin');
    expect(builtin?.issues.map((i) => i.rule)).toEqual(['ids.rpps', 'narrative.reference']);
    expect(builtin?.total).toBe(3);
  });

  it('hides the layers switched off', () => {
    const filter = { ...showAll(), layers: toggle(LAYERS, 'builtin', LAYERS) };
    const groups = groupIssues(report, filter);
    expect(groups.flatMap((g) => g.issues).map((i) => i.rule)).toEqual(['cda.order']);
  });

  it('toggling keeps the canonical order', () => {
    expect(toggle(['warning'], 'error', SEVERITIES)).toEqual(['error', 'warning']);
    expect(toggle(['error', 'warning'], 'error', SEVERITIES)).toEqual(['warning']);
  });
});

describe('sorting and counting', () => {
  it('puts errors first, then follows the source', () => {
    const sorted = [...report.issues].sort(compareIssues).map((i) => i.rule);
    expect(sorted).toEqual(['cda.order', 'ids.rpps', 'narrative.reference', 'ins.key']);
  });

  it('puts issues without a position after the located ones of their severity', () => {
    const unplaced = issue('xsd.missing', 'xsd', 'error', 1, { position: null, span: null });
    expect([unplaced, issue('a', 'cda', 'error', 900)].sort(compareIssues).map((i) => i.rule)).toEqual([
      'a',
      'xsd.missing',
    ]);
  });

  it('counts each severity and finds the worst', () => {
    expect(severityCounts(report.issues)).toEqual({ error: 3, warning: 1, info: 0 });
    expect(worstSeverity(report.issues)).toBe('error');
    expect(worstSeverity([])).toBeNull();
  });
});

describe('layer status and messages', () => {
  it('says which layers did not run and why, in the language asked', () => {
    expect(skippedLayers(report).map((r) => r.layer)).toEqual(['xsd', 'kit']);
    const kit = report.layers[3];
    expect(kit && skipReason(kit, 'fr')).toBe('aucun dossier de kit donné (--kit)');
    expect(kit && skipReason(kit, 'en')).toBe('no kit folder given (--kit)');
    const xml = report.layers[0];
    expect(xml && skipReason(xml, 'fr')).toBeNull();
  });

  it('gives a layer’s notes in the language asked, French when it has no English', () => {
    const kit: LayerRun = {
      layer: 'kit',
      ran: true,
      issues: 0,
      millis: 12,
      notes: [
        { fr: 'volet CI-SIS_IPS-FR_2024.01.sch : le templateId …', en: 'volet CI-SIS_IPS-FR_2024.01.sch: templateId …' },
        { fr: 'IHE.sch:241 : inclusion impossible', en: null },
      ],
    };
    expect(layerNotes(kit, 'en')).toEqual(['volet CI-SIS_IPS-FR_2024.01.sch: templateId …', 'IHE.sch:241 : inclusion impossible']);
    expect(layerNotes(kit, 'fr')[0]).toBe('volet CI-SIS_IPS-FR_2024.01.sch : le templateId …');
    expect(layerNotes(report.layers[0], 'fr')).toEqual([]);
    expect(layerNotes(undefined, 'fr')).toEqual([]);
  });

  it('shows a kit message in French when it has no English', () => {
    const kit = issue('kit:x', 'kit', 'error', 1, { message: { fr: 'Le code est absent', en: null } });
    expect(issueMessage(kit, 'en')).toBe('Le code est absent');
    expect(issueMessage(report.issues[0] as Issue, 'en')).toBe('message ins.key (en)');
  });

  it('gives the hint in the language asked, French when the rule has no English', () => {
    const builtin = issue('ins.key', 'builtin', 'error', 1, { hint: { fr: 'Corrigez la clé', en: 'Correct the key' } });
    expect(issueHint(builtin, 'en')).toBe('Correct the key');
    expect(issueHint(builtin, 'fr')).toBe('Corrigez la clé');
    const kit = issue('kit:x', 'kit', 'error', 1, { hint: { fr: 'test : @code', en: null } });
    expect(issueHint(kit, 'en')).toBe('test : @code');
    expect(issueHint(issue('x', 'xml', 'info', 1), 'en')).toBeNull();
  });

  it('says what a related place is in the language asked, French when it has no English', () => {
    const row: Related = {
      message: { fr: 'le texte narratif de ce résultat (#res-1)', en: "this result's narrative (#res-1)" },
      span: { start: 2776, end: 2898 },
      position: { line: 64, column: 17 },
    };
    expect(relatedMessage(row, 'fr')).toBe('le texte narratif de ce résultat (#res-1)');
    expect(relatedMessage(row, 'en')).toBe("this result's narrative (#res-1)");
    expect(relatedMessage({ ...row, message: { fr: 'la ligne du tableau' } }, 'en')).toBe('la ligne du tableau');
    expect(relatedMessage({ ...row, message: { fr: 'la ligne du tableau', en: '' } }, 'en')).toBe('la ligne du tableau');
  });

  it('writes a layer’s time readably', () => {
    expect(formatMillis(0.3, 'fr')).toBe('< 1 ms');
    expect(formatMillis(12.4, 'fr')).toBe('12 ms');
    expect(formatMillis(1234, 'fr')).toBe('1,2 s');
    expect(formatMillis(1234, 'en')).toBe('1.2 s');
  });

  it('names where the rule is written', () => {
    expect(sourceLabel(report.issues[0] as Issue)).toBe('ins.key.md');
    const kit = issue('kit:x', 'kit', 'error', 1, {
      source: { kind: 'kit', file: 'schematrons/CI-SIS_StructurationMinimale.sch', pattern: 'p1', context: 'cda:id', test: '@root' },
    });
    expect(sourceLabel(kit)).toBe('schematrons/CI-SIS_StructurationMinimale.sch · p1');
  });
});

describe('byte offsets to string indices', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);

  it('are the same in an ASCII document', () => {
    const offsets = new ByteOffsets('<a>\n  <b/>\n</a>');
    expect(offsets.toIndex(6)).toBe(6);
    expect(offsets.toIndex(999)).toBe(15);
  });

  it('count accented letters and emoji by their UTF-8 bytes', () => {
    const text = '<nom>Élodie 🙂</nom><id/>';
    const offsets = new ByteOffsets(text);
    const byte = utf8(text.slice(0, text.indexOf('<id/>'))).length;
    expect(offsets.toIndex(byte)).toBe(text.indexOf('<id/>'));
  });

  it('stay exact far into a large document (past many checkpoints)', () => {
    const line = '<given>Hélène 𝔸</given>\n';
    const text = line.repeat(5000) + '<target/>';
    const offsets = new ByteOffsets(text);
    const target = text.indexOf('<target/>');
    expect(offsets.toIndex(utf8(text.slice(0, target)).length)).toBe(target);
    const middle = line.length * 2345 + 7;
    expect(offsets.toIndex(utf8(text.slice(0, middle)).length)).toBe(middle);
  });
});

describe('the rendered element of a span', () => {
  it('is the innermost element holding it', () => {
    const elements = [
      { name: 'section', span: parseSpan('100-900') },
      { name: 'entry', span: parseSpan('300-400') },
      { name: 'other', span: parseSpan('950-990') },
    ];
    expect(innermost(elements, (e) => e.span, 350)?.name).toBe('entry');
    expect(innermost(elements, (e) => e.span, 120)?.name).toBe('section');
    expect(innermost(elements, (e) => e.span, 10)).toBeNull();
    expect(parseSpan('12-3')).toBeNull();
    expect(parseSpan('x')).toBeNull();
  });
});

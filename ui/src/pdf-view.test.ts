import { describe, expect, it } from 'vitest';

import {
  CSS_PER_POINT,
  MAX_ZOOM,
  MIN_ZOOM,
  clampPage,
  clampZoom,
  fitWidth,
  isPdfType,
  pageAt,
  pdfCopyIndex,
  zoomIn,
  zoomOut,
  zoomPercent,
} from './pdf-view';
import type { Attachment, AttachmentKind } from './types';

describe('zoom steps', () => {
  it('step up and down through the levels', () => {
    expect(zoomIn(1)).toBe(1.1);
    expect(zoomOut(1)).toBe(0.9);
    expect(zoomOut(zoomIn(1.25))).toBe(1.25);
  });

  it('go from a fitted zoom between two steps to the nearest step on that side', () => {
    expect(zoomIn(1.17)).toBe(1.25);
    expect(zoomOut(1.17)).toBe(1.1);
  });

  it('stop at the ends', () => {
    expect(zoomIn(MAX_ZOOM)).toBe(MAX_ZOOM);
    expect(zoomOut(MIN_ZOOM)).toBe(MIN_ZOOM);
    expect(clampZoom(100)).toBe(MAX_ZOOM);
    expect(clampZoom(0)).toBe(MIN_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(1);
  });
});

describe('fit width', () => {
  it('fills the view less its margin', () => {
    // An A4 page is 595 pt wide: 793 CSS px at 100 %.
    const zoom = fitWidth(595 * CSS_PER_POINT + 32, 595);
    expect(zoom).toBeCloseTo(1, 6);
    expect(fitWidth(400 + 32, 595)).toBeCloseTo(400 / (595 * CSS_PER_POINT), 6);
  });

  it('is 100 % while the view or the page is not measured yet', () => {
    expect(fitWidth(0, 595)).toBe(1);
    expect(fitWidth(800, 0)).toBe(1);
  });

  it('stays within the zoom range', () => {
    expect(fitWidth(100_000, 10)).toBe(MAX_ZOOM);
  });
});

describe('pages', () => {
  it('are kept within 1..count', () => {
    expect(clampPage(0, 3)).toBe(1);
    expect(clampPage(4, 3)).toBe(3);
    expect(clampPage(2.4, 3)).toBe(2);
    expect(clampPage(Number.NaN, 3)).toBe(1);
    expect(clampPage(5, 0)).toBe(1);
  });

  it('the current one is the last whose top is above the middle of the view', () => {
    const tops = [0, 1000, 2000];
    expect(pageAt(tops, 0, 800)).toBe(1);
    expect(pageAt(tops, 700, 800)).toBe(2);
    expect(pageAt(tops, 5000, 800)).toBe(3);
    expect(pageAt([], 0, 800)).toBe(1);
  });
});

it('zoom reads as a percentage', () => {
  expect(zoomPercent(1.25)).toBe('125 %');
});

describe('the PDF copy', () => {
  const attachment = (kind: AttachmentKind, media_type?: string, encoded_size = 1000): Attachment => ({
    kind,
    media_type,
    content: { start: 0, end: encoded_size },
    encoded_size,
    estimated_size: (encoded_size * 3) / 4,
    span: { start: 0, end: encoded_size },
  });

  it('is the PDF of the copie PDF section, not a PDF entry or body', () => {
    const attachments = [
      attachment('observation-media', 'application/pdf'),
      attachment('pdf-copy', 'Application/PDF; name=copie.pdf'),
    ];
    expect(pdfCopyIndex(attachments)).toBe(1);
    expect(pdfCopyIndex([attachment('body', 'application/pdf')])).toBeNull();
    expect(pdfCopyIndex([])).toBeNull();
  });

  it('needs content and a PDF type', () => {
    expect(pdfCopyIndex([attachment('pdf-copy', 'application/pdf', 0)])).toBeNull();
    expect(pdfCopyIndex([attachment('pdf-copy', 'image/jpeg'), attachment('pdf-copy', 'application/pdf')])).toBe(1);
    expect(pdfCopyIndex([attachment('pdf-copy', undefined)])).toBeNull();
  });

  it('reads media types without their parameters or case', () => {
    expect(isPdfType(' application/pdf ;charset=binary')).toBe(true);
    expect(isPdfType('application/pdfx')).toBe(false);
    expect(isPdfType(undefined)).toBe(false);
  });
});

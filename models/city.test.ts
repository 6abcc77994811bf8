import { describe, expect, it } from 'vitest';
import { cityMetaSchema, ingestBatchSchema, MAX_INGEST_BATCH, stateChangeSchema } from './city';
import { gridRiskIndex, riskLevel } from './fiveColour';

const meta = {
  slug: 'huzhou', name: { zh: '湖州', en: 'Huzhou' }, adminCode: '330502', originLonDeg: 120.09, originLatDeg: 30.87,
  originHeightM: 0, timeZone: 'Asia/Shanghai', preset: 'default', seed: 1, extent: [-1000, -1000, 1000, 1000],
};

describe('city schemas', () => {
  it('accepts a valid city meta', () => {
    expect(cityMetaSchema.parse(meta).slug).toBe('huzhou');
  });
  it('rejects out-of-range coordinates with the field path', () => {
    const r = cityMetaSchema.safeParse({ ...meta, originLatDeg: 91, originLonDeg: -181 });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('originLatDeg');
    expect(paths).toContain('originLonDeg');
  });
  it('rejects a bad slug and a bad admin code', () => {
    expect(cityMetaSchema.safeParse({ ...meta, slug: 'Hu Zhou' }).success).toBe(false);
    expect(cityMetaSchema.safeParse({ ...meta, adminCode: '33050' }).success).toBe(false);
  });
});

describe('ingest schemas', () => {
  it('normalises 16-digit codes and checks state names', () => {
    expect(stateChangeSchema.parse({ componentCode: '3305020137000042', state: 'damaged' }).componentCode).toBe('33050201037000042');
    const r = stateChangeSchema.safeParse({ componentCode: '33050201037000042', state: 'broken' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['state']);
  });
  it('rejects empty and oversize batches, and bad timestamps', () => {
    expect(ingestBatchSchema.safeParse({ city: 'huzhou', changes: [] }).success).toBe(false);
    const many = Array.from({ length: MAX_INGEST_BATCH + 1 }, () => ({ componentCode: '33050201037000042', state: 'intact' }));
    expect(ingestBatchSchema.safeParse({ city: 'huzhou', changes: many }).success).toBe(false);
    const r = ingestBatchSchema.safeParse({ city: 'huzhou', changes: [{ componentCode: '33050201037000042', state: 'intact', at: 'yesterday' }] });
    expect(r.error!.issues[0]!.path).toEqual(['changes', 0, 'at']);
  });
});

describe('five-colour grid risk', () => {
  it('an all-intact grid is green, a grid with several alarms is red', () => {
    expect(riskLevel(gridRiskIndex([50, 0, 0, 0, 0, 5, 0, 0, 0]))).toBe(0);
    expect(riskLevel(gridRiskIndex([10, 0, 0, 0, 0, 0, 0, 3, 0]))).toBe(4);
    expect(riskLevel(gridRiskIndex([0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(0);
  });
  it('one damaged item is blue, one missing cover yellow, two orange', () => {
    expect(riskLevel(gridRiskIndex([40, 1, 0, 0, 0, 0, 0, 0, 0]))).toBe(1);
    expect(riskLevel(gridRiskIndex([40, 0, 1, 0, 0, 0, 0, 0, 0]))).toBe(2);
    expect(riskLevel(gridRiskIndex([40, 0, 2, 0, 0, 0, 0, 0, 0]))).toBe(3);
  });
  it('levels grow with faults', () => {
    let last = -1;
    for (const damaged of [0, 1, 2, 5, 10, 30]) {
      const lv = riskLevel(gridRiskIndex([100 - damaged, damaged, 0, 0, 0, 0, 0, 0, 0]));
      expect(lv).toBeGreaterThanOrEqual(last);
      last = lv;
    }
    expect(last).toBe(4);
  });
});

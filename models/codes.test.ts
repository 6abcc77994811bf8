import { describe, expect, it } from 'vitest';
import { componentCodeInputSchema, makeComponentCode, makeUnitGridCode, normaliseComponentCode, parseComponentCode, parseUnitGridCode, unitGridCodeSchema } from './codes';
import { CLASS_BY_CODE, COMPONENT_CLASSES, COMPONENT_STATES, componentClassCodeSchema } from './components';

describe('unit grid codes (GB/T 30428.1)', () => {
  it('builds and parses the 15-digit code', () => {
    const code = makeUnitGridCode('320582', 110, 152, 102);
    expect(code).toBe('320582110152102');
    expect(parseUnitGridCode(code)).toEqual({ county: '320582', street: '110', community: '152', serial: '102' });
  });
  it('rejects wrong lengths and non-digits with the rule in the message', () => {
    for (const bad of ['32058211015210', '3205821101521020', '32058211015210x', '']) {
      const r = unitGridCodeSchema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/15 digits/);
    }
    expect(() => makeUnitGridCode('32058', 1, 1, 1)).toThrow(/6 digits/);
    expect(() => makeUnitGridCode('320582', 1000, 1, 1)).toThrow(/street/);
  });
});

describe('component codes (GB/T 47678.5)', () => {
  it('builds 17 digits: admin + class + serial', () => {
    const code = makeComponentCode('330502', '01037', 42);
    expect(code).toBe('33050201037000042');
    expect(parseComponentCode(code)).toEqual({ admin: '330502', major: '01', classCode: '01037', serial: '000042' });
  });
  it('accepts the older 16-digit form and normalises it', () => {
    expect(normaliseComponentCode('3305020137000042')).toBe('33050201037000042');
    expect(componentCodeInputSchema.parse(' 3305020137000042 ')).toBe('33050201037000042');
  });
  it('rejects other lengths', () => {
    for (const bad of ['330502010370000', '330502010370000421', 'abcdefghijklmnopq']) {
      expect(componentCodeInputSchema.safeParse(bad).success).toBe(false);
    }
    expect(() => makeComponentCode('330502', '0137', 1)).toThrow(/5 digits/);
    expect(() => makeComponentCode('330502', '01037', 0)).toThrow(/serial/);
  });
});

describe('class and state tables', () => {
  it('indices are dense and codes unique', () => {
    COMPONENT_CLASSES.forEach((c, i) => expect(c.index).toBe(i));
    expect(CLASS_BY_CODE.size).toBe(COMPONENT_CLASSES.length);
    COMPONENT_STATES.forEach((s, i) => expect(s.code).toBe(i));
  });
  it('unknown class codes are rejected with the known ones listed', () => {
    const r = componentClassCodeSchema.safeParse('09999');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/01037/);
  });
});

import { describe, expect, it } from 'vitest';
import { evacuationColour, maskAddress, phoneSchema, retryDelayMs, warningText, webhookUrlSchema } from './warnings';

describe('warnings model', () => {
  it('colours a grid by depth: red from 27 cm (evacuate), yellow from 15 cm', () => {
    expect([0, 14, 15, 26, 27, 80].map(evacuationColour)).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
  });
  it('normalises mobile numbers to E.164 and refuses others', () => {
    expect(phoneSchema.parse('138 1234-5678')).toBe('+8613812345678');
    expect(phoneSchema.parse('+8613812345678')).toBe('+8613812345678');
    expect(phoneSchema.parse('8613812345678')).toBe('+8613812345678');
    expect(phoneSchema.parse('+447700900123')).toBe('+447700900123');
    for (const bad of ['12345', '12812345678', '1381234567', 'abc']) expect(phoneSchema.safeParse(bad).success).toBe(false);
  });
  it('takes http and https URLs only, without credentials', () => {
    expect(webhookUrlSchema.safeParse('https://example.org/hook?k=1').success).toBe(true);
    expect(webhookUrlSchema.safeParse('http://10.0.0.5:8080/hook').success).toBe(true);
    for (const bad of ['ftp://x/y', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'https://u:p@x.org/']) expect(webhookUrlSchema.safeParse(bad).success).toBe(false);
  });
  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 100))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(30, 5000)).toBe(600_000);
  });
  it('hides the middle digits of a phone and the path of a URL', () => {
    expect(maskAddress('sms', '+8613812345678')).toBe('+86138****5678');
    expect(maskAddress('webhook', 'https://hooks.example.org/secret/abc?t=1')).toBe('https://hooks.example.org/…');
  });
  it('says where, how deep, from when and what to do', () => {
    const w = warningText({ kind: 'warning', gridCode: '330502001001014', place: { zh: '升山路', en: 'Shengshan Rd' }, depthCm: 41, fromAt: '2026-07-20T08:00:00Z' });
    expect(w.zh).toMatch(/330502001001014.*升山路.*16:00.*27 cm.*41 cm.*立即撤离/);
    expect(w.en).toMatch(/330502001001014.*Shengshan Rd.*16:00.*41 cm.*Evacuate now/);
  });
});

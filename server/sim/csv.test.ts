// CSV in and out through csv-parse / csv-stringify: quoted fields, commas, quotes and newlines in
// values survive a round trip, and a polygon CSV is read by its fields, not by splitting lines.
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvTable } from './csv';
import { parseCsvRing } from './geometry';
import { probesCsv } from './outputs';
import type { RunResult } from './runner';

describe('writing CSV', () => {
  it('quotes commas, quotes and newlines in values and reads back the same cells', () => {
    const nasty = ['plain', 'a, b', 'say "hi"', 'two\nlines', 'cr\r\nlf', '', ' padded '];
    const text = csvTable(['name', 'v'], nasty.map((s, k) => [s, k]));
    expect(text.split('\n')[0]).toBe('name,v');
    expect(text).toContain('"a, b",1');
    expect(text).toContain('"say ""hi""",2');
    expect(parse(text, { columns: true })).toEqual(nasty.map((s, k) => ({ name: s, v: String(k) })));
  });

  it('writes null as an empty field', () => {
    expect(csvTable(['a', 'b'], [[null, 1.5]])).toBe('a,b\n,1.5\n');
  });

  it('writes probes whose names hold a comma and a newline as one row each', () => {
    const r = { probes: [{ name: 'gate 3, "north"\nside', time: [0, 60], depth: [0, 0.123456], stage: [10, 10.123456] }] } as unknown as RunResult;
    const text = probesCsv(r);
    const rows = parse(text) as string[][];
    expect(rows).toEqual([
      ['probe', 'time_s', 'depth_m', 'stage_m'],
      ['gate 3, "north"\nside', '0', '0', '10'],
      ['gate 3, "north"\nside', '60', '0.12346', '10.12346'],
    ]);
  });
});

describe('reading a polygon CSV', () => {
  it('takes quoted fields, a quoted header with a comma, semicolons, CRLF and extra columns', () => {
    const text = '"x, metres","y"\r\n"10","20",first\r\n30;40\r\n\r\n 50 , 60 ,"a note, with ""quotes""\nover two lines"\r\n';
    expect(parseCsvRing(text, 'ring.csv')).toEqual([[10, 20], [30, 40], [50, 60]]);
  });

  it('names the line of a row that is not x,y, without echoing it', () => {
    const err = (() => { try { parseCsvRing('x,y\n1,2\n3,4\nsecret-token,5\n6,7\n', 'r.csv'); } catch (e) { return e as Error; } })();
    expect(err?.message).toMatch(/^r\.csv:4: expected numbers x,y/);
    expect(err?.message).not.toContain('secret');
  });

  it('refuses an unclosed quote with the line, and fewer than 3 vertices', () => {
    expect(() => parseCsvRing('1,2\n3,4\n"5,6\n', 'q.csv')).toThrow(/^q\.csv:\d+: not a valid CSV \(CSV_QUOTE_NOT_CLOSED\)/);
    expect(() => parseCsvRing('1,2\n3,4\n', 'few.csv')).toThrow(/at least 3 vertices/);
    expect(parseCsvRing('1,\n3,4\n5,6\n7,8\n', 'empty.csv')).toEqual([[3, 4], [5, 6], [7, 8]]); // the first row is taken as a header
    expect(() => parseCsvRing('1,2\n3,\n5,6\n', 'empty.csv')).toThrow(/empty\.csv:2/);
  });
});

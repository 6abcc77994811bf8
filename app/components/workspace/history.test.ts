import { describe, expect, it } from 'vitest';
import { emptyHistory, record, redo, undo } from './history';

describe('edit history', () => {
  it('undoes and redoes map edits one by one; a new edit drops the redo steps', () => {
    let h = emptyHistory<string>();
    h = record(h, 'a', null);
    h = record(h, 'b', null);
    // now showing 'c'
    const u1 = undo(h, 'c')!;
    expect(u1.doc).toBe('b');
    const u2 = undo(u1.h, u1.doc)!;
    expect(u2.doc).toBe('a');
    expect(undo(u2.h, u2.doc)).toBeNull();
    const r1 = redo(u2.h, u2.doc)!;
    expect(r1.doc).toBe('b');
    expect(redo(r1.h, r1.doc)!.doc).toBe('c');
    const after = record(r1.h, 'b', null);
    expect(redo(after, 'd')).toBeNull();
  });

  it('typing on in one field is one step; another field starts a new one', () => {
    let h = emptyHistory<string>();
    h = record(h, 'x0', 'pumps.0.capacity');
    h = record(h, 'x1', 'pumps.0.capacity');
    h = record(h, 'x2', 'pumps.0.startDepth');
    expect(h.past).toEqual(['x0', 'x2']);
  });
});

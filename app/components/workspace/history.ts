// Undo/redo of the scenario being edited: the documents before each edit (pure, no React).

export interface History<T> {
  past: T[];
  future: T[];
  /** what the last recorded edit changed (a field's path): typing on in one field is one step */
  tag: string | null;
}

const MAX_STEPS = 100;

export const emptyHistory = <T>(): History<T> => ({ past: [], future: [], tag: null });

/** The document before an edit; a null tag (a map edit) is always its own step. */
export function record<T>(h: History<T>, before: T, tag: string | null): History<T> {
  if (tag !== null && tag === h.tag && h.past.length > 0) return { ...h, future: [] };
  return { past: [...h.past, before].slice(-MAX_STEPS), future: [], tag };
}

/** Back one step from `current`: the document to show and the history after. */
export function undo<T>(h: History<T>, current: T): { doc: T; h: History<T> } | null {
  const doc = h.past[h.past.length - 1];
  if (doc === undefined) return null;
  return { doc, h: { past: h.past.slice(0, -1), future: [current, ...h.future], tag: null } };
}

export function redo<T>(h: History<T>, current: T): { doc: T; h: History<T> } | null {
  const doc = h.future[0];
  if (doc === undefined) return null;
  return { doc, h: { past: [...h.past, current], future: h.future.slice(1), tag: null } };
}

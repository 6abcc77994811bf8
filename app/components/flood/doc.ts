// Immutable path updates of the draft scenario document (paths as the validation names them).

export type Doc = Record<string, unknown>;

export function getIn(doc: unknown, path: string): unknown {
  let v: unknown = doc;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** A copy of doc with path set (undefined removes the key); arrays stay arrays. */
export function setIn<T>(doc: T, path: string, value: unknown): T {
  const [k, ...rest] = path.split('.');
  const key = k!;
  const base: Record<string, unknown> | unknown[] = Array.isArray(doc) ? [...doc] : { ...(doc as Record<string, unknown> | undefined) };
  const cur = (base as Record<string, unknown>)[key];
  const next = rest.length ? setIn(cur ?? (/^\d+$/.test(rest[0]!) ? [] : {}), rest.join('.'), value) : value;
  if (next === undefined && !Array.isArray(base)) delete (base as Record<string, unknown>)[key];
  else (base as Record<string, unknown>)[key] = next;
  return base as T;
}

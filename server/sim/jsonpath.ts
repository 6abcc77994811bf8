// Where a value sits in a JSON text: the line of the value at a zod issue's path, so an error
// can say "scenario.json:12: rainfall.returnPeriodYears: ...".

/** Line (1-based) of the value at `path`, or of the deepest ancestor found. */
export function lineOfPath(text: string, path: readonly PropertyKey[]): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;
  const skipString = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readString = () => {
    const s = i;
    skipString();
    try {
      return JSON.parse(text.slice(s, i)) as string;
    } catch {
      return '';
    }
  };
  // walks one value; when depth < path.length and it is a container, descends along the path
  let best: number | undefined;
  const value = (depth: number): boolean => {
    ws();
    if (depth === path.length) {
      best = lineAt(i);
      return true;
    }
    best = lineAt(i);
    const want = path[depth];
    if (text[i] === '{') {
      i++;
      for (;;) {
        ws();
        if (text[i] === '}') return false;
        const key = readString();
        ws();
        i++; // colon
        if (key === want) return value(depth + 1);
        skip();
        ws();
        if (text[i] === ',') i++;
        else return false;
      }
    }
    if (text[i] === '[') {
      i++;
      let k = 0;
      for (;;) {
        ws();
        if (text[i] === ']') return false;
        if (k === want) return value(depth + 1);
        skip();
        ws();
        k++;
        if (text[i] === ',') i++;
        else return false;
      }
    }
    return false;
  };
  const skip = () => {
    ws();
    const ch = text[i];
    if (ch === '"') return skipString();
    if (ch === '{' || ch === '[') {
      let d = 0;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '"') {
          skipString();
          continue;
        }
        if (c === '{' || c === '[') d++;
        else if (c === '}' || c === ']') {
          d--;
          if (d === 0) {
            i++;
            return;
          }
        }
        i++;
      }
      return;
    }
    while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
  };
  try {
    value(0);
  } catch {
    /* best effort */
  }
  return best;
}

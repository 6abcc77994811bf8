'use client';
import { createContext, useContext, useEffect, useId, useState, type ReactNode } from 'react';

// Form pieces of the scenario editor. A field is bound by its path in the scenario document
// ('rainfall.returnPeriodYears'), the same path the server's issues name, so each issue shows
// beside its field.

export interface FieldIssue { path: string; message: string }

export const IssuesContext = createContext<FieldIssue[]>([]);

/** Issues at this path or under it. */
export function useIssuesAt(path: string): FieldIssue[] {
  const all = useContext(IssuesContext);
  return all.filter((i) => i.path === path || i.path.startsWith(`${path}.`));
}

/** DOM id of a field, so the issue list can scroll to it. */
export const fieldId = (path: string) => `sf-${path.replace(/[^\w-]/g, '_')}`;

export function Field({ path, label, unit, children, wide }: { path: string; label: string; unit?: string; children: ReactNode; wide?: boolean }) {
  const issues = useIssuesAt(path);
  return (
    <div className={`sf${issues.length ? ' bad' : ''}${wide ? ' wide' : ''}`} id={fieldId(path)}>
      <label>
        <span className="sf-label">{label}{unit && <span className="unit"> ({unit})</span>}</span>
        {children}
      </label>
      {issues.map((i, k) => <p key={k} className="sf-issue">{i.message}</p>)}
    </div>
  );
}

/**
 * A number input that keeps what is typed ("1.", "") while the document holds a number or
 * undefined (an empty required field is then reported by the validation, at its path).
 */
export function NumField(props: {
  value: unknown; onChange(v: number | undefined): void; testId?: string; min?: number; max?: number; step?: number | 'any'; scale?: number; placeholder?: string; ariaLabel?: string;
}) {
  const scale = props.scale ?? 1;
  const shown = typeof props.value === 'number' && Number.isFinite(props.value) ? +(props.value / scale).toPrecision(10) : undefined;
  const [text, setText] = useState(shown === undefined ? '' : String(shown));
  useEffect(() => {
    // follow the document when it changes from elsewhere (a preset, another scenario)
    setText((t) => (parse(t) === shown ? t : shown === undefined ? '' : String(shown)));
  }, [shown]);
  return (
    <input
      type="number" inputMode="decimal" className="num" value={text} min={props.min} max={props.max} step={props.step ?? 'any'}
      placeholder={props.placeholder} aria-label={props.ariaLabel} data-testid={props.testId}
      onChange={(e) => {
        setText(e.target.value);
        const v = parse(e.target.value);
        props.onChange(v === undefined ? undefined : v * scale);
      }}
    />
  );
}

function parse(t: string): number | undefined {
  if (t.trim() === '') return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

export function Section({ title, children, open = true, extra }: { title: string; children: ReactNode; open?: boolean; extra?: ReactNode }) {
  const id = useId();
  return (
    <details className="sf-section" open={open} aria-labelledby={id}>
      <summary id={id}><span>{title}</span>{extra}</summary>
      <div className="sf-grid">{children}</div>
    </details>
  );
}

'use client';
import type { CaseRecord } from '../../../models/caseApi';
import { useI18n } from '../../i18n';
import { spanText } from './caseText';

/** The running step's time left (or overdue), coloured green / yellow / red by its limit. */
export function Countdown({ c }: { c: Pick<CaseRecord, 'limit'> }) {
  const { t } = useI18n();
  if (!c.limit) return <span className="limit muted">{t('cases.noLimit')}</span>;
  const text = c.limit.leftMs >= 0 ? t('cases.left', { t: spanText(c.limit.leftMs) }) : t('cases.overdue', { t: spanText(c.limit.leftMs) });
  return <span className={`limit limit-${c.limit.colour}`} data-testid="case-limit" data-colour={c.limit.colour} title={c.limit.deadline}>{text}</span>;
}

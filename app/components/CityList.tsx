'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useI18n } from '../i18n';
import { useTRPC } from '../trpc';
import { CityThumb } from './CityThumb';
import { LangSwitch } from './LangSwitch';
import { UserMenu } from './account/UserMenu';

const COUNT_KEYS = ['buildings', 'components', 'unitGrids', 'responsibilityGrids', 'roads', 'pronePoints'] as const;

export function CityList() {
  const { t, pick, num, date } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.city.list.queryOptions());
  return (
    <div className="home">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>◈</span>
          <div>
            <h1>{t('app.title')}</h1>
            <p className="muted">{t('app.subtitle')}</p>
          </div>
        </div>
        <div className="topbar-right">
          <Link href="/import" className="btn" data-testid="import-link">{t('import.link')}</Link>
          <UserMenu />
          <LangSwitch />
        </div>
      </header>
      <main className="home-main">
        <h2>{t('home.heading')}</h2>
        {q.isPending && <p className="muted">{t('home.loading')}</p>}
        {q.isError && <p className="error">{t('home.error', { message: q.error.message })}</p>}
        {q.data && q.data.length === 0 && <p className="muted">{t('home.empty')}</p>}
        <ul className="city-grid">
          {q.data?.map((c) => (
            <li key={c.slug} className="city-card" data-testid={`city-${c.slug}`}>
              <Link href={`/twin/${c.slug}`} className="city-link">
                <CityThumb slug={c.slug} extent={c.extent} label={t('home.thumbAlt', { name: pick(c.name) })} />
                <div className="city-body">
                  <h3>{pick(c.name)}</h3>
                  <p className="muted small">
                    {t('home.adminCode')} {c.adminCode} · {t('home.origin')} {num(c.originLonDeg, 4)}°E {num(c.originLatDeg, 4)}°N
                  </p>
                  <dl className="counts">
                    {COUNT_KEYS.map((k) => (
                      <div key={k}>
                        <dt>{t(`home.counts.${k}`)}</dt>
                        <dd>{num(c.counts[k])}</dd>
                      </div>
                    ))}
                  </dl>
                  <p className="muted small">{t('home.created', { date: date(c.createdAt) })}</p>
                  <span className="btn primary">{t('home.open')} →</span>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}

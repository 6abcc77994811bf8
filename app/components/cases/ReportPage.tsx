'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState, type FormEvent } from 'react';
import { CASE_CLASSES, REPORT_ROLES } from '../../../models/cases';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { UserMenu } from '../account/UserMenu';
import { useMe } from '../account/useMe';
import { PhotoPick } from '../PhotoPick';
import { PlacePicker } from './PlacePicker';

/** /m/report: the inspector's phone page. Class, description, location (the phone's, a tap on the map, or typed), a photo from the camera. */
export function ReportPage() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const { user, loading } = useMe();
  const cities = useQuery({ ...trpc.city.list.queryOptions(), enabled: !!user });
  const city = cities.data?.[0] ?? null;
  const [classCode, setClassCode] = useState(CASE_CLASSES[0]!.code);
  const [description, setDescription] = useState('');
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');
  const [componentCode, setComponentCode] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [gpsError, setGpsError] = useState<string | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  useEffect(() => {
    if (city && !lon) { setLon(city.originLonDeg.toFixed(6)); setLat(city.originLatDeg.toFixed(6)); }
  }, [city, lon]);
  const report = useMutation(trpc.case.report.mutationOptions({
    onSuccess: async (c) => {
      if (!photo) return;
      const res = await fetch(`/api/cases/${c.id}/photos?phase=before`, { method: 'POST', body: photo, headers: { 'content-type': photo.type || 'application/octet-stream' } });
      if (!res.ok) setPhotoError(((await res.json()) as { error: string }).error);
    },
  }));
  const cls = CASE_CLASSES.find((c) => c.code === classCode)!;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!city) return;
    report.mutate({
      city: city.slug, kind: cls.kind, classCode, description: description.trim(),
      ...(componentCode.trim() ? { componentCode: componentCode.trim() } : { lonDeg: Number(lon), latDeg: Number(lat) }),
    });
  };
  const gps = () => navigator.geolocation.getCurrentPosition(
    (p) => { setLon(p.coords.longitude.toFixed(6)); setLat(p.coords.latitude.toFixed(6)); setGpsError(null); },
    (err) => setGpsError(err.message), { enableHighAccuracy: true, timeout: 10_000 });
  const issues = (report.error?.data as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  return (
    <div className="auth-page phone">
      <header className="topbar"><h1>{t('report.title')}</h1><div className="topbar-right"><UserMenu /><LangSwitch /></div></header>
      <main className="auth-main">
        {!loading && (!user || !REPORT_ROLES.includes(user.role)) && <p className="error">{t('cases.signInNeeded')} <Link href="/signin?next=%2Fm%2Freport">{t('auth.signIn')}</Link></p>}
        {user && REPORT_ROLES.includes(user.role) && (report.isSuccess ? (
          <div className="auth-form panel" data-testid="report-done">
            <p>{t('report.done', { number: report.data.number })}</p>
            {photoError && <p className="error small">{photoError}</p>}
            <Link className="btn" href={`/cases?case=${report.data.id}`}>{t('report.toDesk')}</Link>
            <button type="button" className="btn primary" onClick={() => { report.reset(); setDescription(''); setPhoto(null); }}>{t('report.another')}</button>
          </div>
        ) : (
          <form className="auth-form panel" onSubmit={submit} data-testid="report-form">
            <label>{t('report.class')}
              <select value={classCode} onChange={(e) => setClassCode(e.target.value)} data-testid="report-class">
                {CASE_CLASSES.map((c) => <option key={c.code} value={c.code}>{c.code} {pick(c)}</option>)}
              </select>
            </label>
            <label>{t('report.description')}<textarea required rows={3} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="report-description" /></label>
            <PhotoPick label={t('report.photo')} testId="report-photo" onPick={setPhoto} />
            <fieldset className="report-place">
              <legend>{t('report.location')}</legend>
              <button type="button" className="btn small" onClick={gps}>{t('report.useGps')}</button>
              {gpsError && <p className="error small">{t('report.gpsFailed', { message: gpsError })}</p>}
              {city && <>
                <span className="small muted">{t('report.mapTap')}</span>
                <PlacePicker city={city} lonDeg={Number(lon)} latDeg={Number(lat)} label={t('report.mapTap')}
                  onPick={(lo, la) => { setLon(lo.toFixed(6)); setLat(la.toFixed(6)); }} />
              </>}
              <label>{t('report.lon')}<input inputMode="decimal" data-testid="report-lon" value={lon} onChange={(e) => setLon(e.target.value)} /></label>
              <label>{t('report.lat')}<input inputMode="decimal" data-testid="report-lat" value={lat} onChange={(e) => setLat(e.target.value)} /></label>
              <label>{t('report.componentCode')}<input inputMode="numeric" value={componentCode} onChange={(e) => setComponentCode(e.target.value)} data-testid="report-component" /></label>
            </fieldset>
            {report.isError && <p className="error small" role="alert">{issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : report.error.message}</p>}
            <button type="submit" className="btn primary" disabled={report.isPending || !city} data-testid="report-submit">{report.isPending ? t('report.sending') : t('report.submit')}</button>
          </form>
        ))}
      </main>
    </div>
  );
}

import { CockpitPage } from '../../components/cockpit/CockpitPage';

export default async function Page({ params, searchParams }: { params: Promise<{ city: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { city } = await params;
  const q = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return <CockpitPage city={decodeURIComponent(city)} room={one(q.room)} lang={one(q.lang)} />;
}

import { PresenterPage } from '../../components/cockpit/PresenterPage';

export default async function Page({ params, searchParams }: { params: Promise<{ city: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { city } = await params;
  const q = await searchParams;
  const room = Array.isArray(q.room) ? q.room[0] : q.room;
  return <PresenterPage city={decodeURIComponent(city)} room={room} />;
}

import { SubscribePage } from '../../components/warnings/SubscribePage';

export default async function Page({ params }: { params: Promise<{ city: string }> }) {
  const { city } = await params;
  return <SubscribePage city={decodeURIComponent(city)} />;
}

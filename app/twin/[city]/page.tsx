import { TwinPage } from '../../components/TwinPage';

export default async function Page({ params }: { params: Promise<{ city: string }> }) {
  const { city } = await params;
  return <TwinPage city={decodeURIComponent(city)} />;
}

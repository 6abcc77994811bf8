import { DutyPage } from '../../../components/warnings/DutyPage';

export default async function Page({ params }: { params: Promise<{ city: string }> }) {
  const { city } = await params;
  return <DutyPage city={decodeURIComponent(city)} />;
}

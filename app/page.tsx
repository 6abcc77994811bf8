import { CityList } from './components/CityList';

export const dynamic = 'force-dynamic';

export default function HomePage() {
  return <CityList />;
}

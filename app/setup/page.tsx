import { SetupPage } from '../components/account/SetupPage';

export default function Page() {
  return <SetupPage />;
}

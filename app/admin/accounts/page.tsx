import { AccountsPage } from '../../components/account/AccountsPage';

export default function Page() {
  return <AccountsPage />;
}

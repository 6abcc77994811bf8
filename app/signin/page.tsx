import { SignInPage } from '../components/account/SignInPage';

export default function Page() {
  return <SignInPage />;
}

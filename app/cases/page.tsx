import { CaseDesk } from '../components/cases/CaseDesk';

export default function Page() {
  return <CaseDesk />;
}

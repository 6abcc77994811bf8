import { ReportPage } from '../../components/cases/ReportPage';

export default function Page() {
  return <ReportPage />;
}

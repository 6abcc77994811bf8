import { ImportPage } from '../components/ImportPage';
import './import.css';

export default function Page() {
  return <ImportPage />;
}

'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { useMe } from './account/useMe';
import { filesFromDrop, handOffFiles } from './importFiles';

/**
 * Files dropped on a city's twin open the import check for that city (administrators only: the
 * import API refuses everyone else, so nobody else is offered the drop).
 */
export function TwinDropImport({ city }: { city: string }) {
  const { t } = useI18n();
  const { user } = useMe();
  const router = useRouter();
  const [over, setOver] = useState(false);
  const admin = user?.role === 'administrator';
  useEffect(() => {
    if (!admin) return;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const onOver = (e: DragEvent) => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer!.dropEffect = 'copy'; setOver(true); };
    const onLeave = (e: DragEvent) => { if (!e.relatedTarget) setOver(false); };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(false);
      void filesFromDrop(e.dataTransfer!).then((files) => {
        if (!files.length) return;
        handOffFiles(city, files);
        router.push(`/import?city=${encodeURIComponent(city)}`);
      });
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [admin, city, router]);
  if (!over) return null;
  return <div className="overlay-msg twin-drop" data-testid="twin-drop">{t('twin.dropImport', { city })}</div>;
}

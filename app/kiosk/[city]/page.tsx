import type { Viewport } from 'next';
import { KioskPage } from '../../components/kiosk/KioskPage';

// a kiosk's page never zooms as a whole (the globe takes pinches; models nothing else to zoom)
export const viewport: Viewport = { width: 'device-width', initialScale: 1, maximumScale: 1, userScalable: false, themeColor: '#070b12' };

/** /kiosk/<city>[?lang=en]: the exhibition kiosk; `lang` is the language it rests in (Chinese by default). */
export default async function Page({ params, searchParams }: { params: Promise<{ city: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { city } = await params;
  const { lang } = await searchParams;
  return <KioskPage city={decodeURIComponent(city)} restLang={lang === 'en' ? 'en' : 'zh'} />;
}

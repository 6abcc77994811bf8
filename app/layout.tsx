import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { langFromAcceptLanguage, translate } from './i18n/lang';
import { Providers } from './providers';
import './globals.css';
// one file per room's styles (globals.css holds the base, home and twin)
import './styles/flood.css';
import './styles/forecast.css';
import './styles/cases.css';
import './styles/admin.css';
import './styles/warnings.css';
import './styles/kiosk.css';
import './styles/story.css';
import './styles/cockpit.css';

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#070b12' };

async function requestLang() {
  return langFromAcceptLanguage((await headers()).get('accept-language'));
}

// The same title the client sets (I18nProvider), so it does not change on hydration.
export async function generateMetadata(): Promise<Metadata> {
  return { title: translate(await requestLang(), 'app.title') };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const lang = await requestLang();
  return (
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <body>
        <Providers lang={lang}>{children}</Providers>
      </body>
    </html>
  );
}

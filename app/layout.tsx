import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { langFromAcceptLanguage } from './i18n/lang';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = { title: 'City Twin · 城市数字孪生' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#070b12' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const lang = langFromAcceptLanguage((await headers()).get('accept-language'));
  return (
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <body>
        <Providers lang={lang}>{children}</Providers>
      </body>
    </html>
  );
}

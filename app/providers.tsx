'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '../server/trpc/router';
import { I18nProvider } from './i18n';
import type { Lang } from './i18n/lang';
import { TRPCProvider } from './trpc';

export function Providers({ lang, children }: { lang: Lang; children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } } }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: '/api/trpc' }),
          // a mutation goes out in the task that asked for it: the batch link waits for a timer,
          // which a long WebGL frame (software rendering) can hold back by a frame or two
          false: splitLink({
            condition: (op) => op.type === 'mutation',
            true: httpLink({ url: '/api/trpc' }),
            false: httpBatchLink({ url: '/api/trpc' }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <I18nProvider initial={lang}>{children}</I18nProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

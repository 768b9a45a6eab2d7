import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { SessionProvider } from '../auth/session';
import type { ConsoleSettings } from '../auth/settings';
import { I18nProvider } from '../i18n/i18n';
import { AntConfig } from './AntConfig';
import { createRouter } from './routes';

const newQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      // A refused call (4xx) will be refused again; only a lost connection is worth a retry.
      queries: { retry: (count, error) => count < 2 && !('status' in (error as object)), staleTime: 10_000 },
    },
  });

export function App({ settings }: { readonly settings: ConsoleSettings }) {
  const [queryClient] = useState(newQueryClient);
  const [router] = useState(createRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <SessionProvider settings={settings}>
          <AntConfig>
            <RouterProvider router={router} />
          </AntConfig>
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}

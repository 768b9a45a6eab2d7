import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { SessionProvider } from '../auth/session';
import type { ConsoleSettings } from '../auth/settings';
import { I18nProvider, useI18n } from '../i18n/i18n';
import { createRouter } from './routes';

const newQueryClient = () =>
  new QueryClient({
    defaultOptions: {
      // A refused call (4xx) will be refused again; only a lost connection is worth a retry.
      queries: { retry: (count, error) => count < 2 && !('status' in (error as object)), staleTime: 10_000 },
    },
  });

function Localised() {
  const { language } = useI18n();
  const [router] = useState(createRouter);
  return (
    // No space forced between two Chinese characters in buttons: labels read as written.
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} button={{ autoInsertSpace: false }}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function App({ settings }: { readonly settings: ConsoleSettings }) {
  const [queryClient] = useState(newQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <SessionProvider settings={settings}>
          <Localised />
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  );
}

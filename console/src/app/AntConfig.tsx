import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/** Ant Design in the console's language. */
export function AntConfig({ children }: { readonly children: ReactNode }) {
  const { language } = useI18n();
  return (
    // No space forced between two Chinese characters in buttons: labels read as written.
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} button={{ autoInsertSpace: false }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

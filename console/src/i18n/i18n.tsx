import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { en, type MessageKey, zh } from './messages';

export type Language = 'zh-CN' | 'en';

interface I18n {
  readonly language: Language;
  setLanguage(language: Language): void;
  /** The text for `key`, with `{name}` placeholders filled from `values`. */
  t(key: MessageKey, values?: Readonly<Record<string, string | number>>): string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

export const translate = (
  language: Language,
  key: MessageKey,
  values: Readonly<Record<string, string | number>> = {},
): string =>
  (language === 'en' ? en : zh)[key].replace(/\{(\w+)\}/g, (_, name: string) =>
    String(values[name] ?? `{${name}}`),
  );

/** The language of the console and of the API's answers (sent as Accept-Language). */
export function I18nProvider({ children, initial = 'zh-CN' }: { children: ReactNode; initial?: Language }) {
  const [language, setLanguage] = useState<Language>(initial);
  const value = useMemo<I18n>(
    () => ({ language, setLanguage, t: (key, values) => translate(language, key, values) }),
    [language],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}

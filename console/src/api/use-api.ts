import { useMemo, useRef } from 'react';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { type ApiClient, apiClient } from './client';

/** The API client of the signed-in staff member, in the console's current language. */
export function useApi(): ApiClient {
  const session = useSession();
  const { language } = useI18n();
  const current = useRef({ session, language });
  current.current = { session, language };
  return useMemo(
    () =>
      apiClient({
        token: () => current.current.session.token,
        language: () => current.current.language,
        onUnauthorized: () => current.current.session.signOut('expired'),
      }),
    [],
  );
}

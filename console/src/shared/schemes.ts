import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../api/problem';
import type { Scheme } from '../api/types';
import { useApi } from '../api/use-api';
import type { Language } from '../i18n/i18n';

/** A scheme's name in the console's language (the API publishes both). */
export const schemeName = (scheme: Pick<Scheme, 'name'>, language: Language): string =>
  language === 'en' ? scheme.name.en : scheme.name.zh;

/** The configured schemes (public policy), read once and kept: they change with a deployment. */
export function useSchemes() {
  const api = useApi();
  return useQuery({
    queryKey: ['schemes'],
    queryFn: async () => unwrap(await api.GET('/v1/schemes')).items,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

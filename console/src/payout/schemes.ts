import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../api/problem';
import type { Scheme } from '../api/types';
import { useApi } from '../api/use-api';
import type { Language } from '../i18n/i18n';

/**
 * A scheme's name in the console's language. The API publishes it as `{ zh, en }` (its
 * description says text); either shape is read, and the code stands in for a missing name.
 */
export function schemeName(scheme: Pick<Scheme, 'code'> & { name?: unknown }, language: Language): string {
  const { name } = scheme;
  if (typeof name === 'string' && name) return name;
  if (name && typeof name === 'object') {
    const names = name as Record<string, unknown>;
    const text = language === 'en' ? names.en : names.zh;
    if (typeof text === 'string' && text) return text;
  }
  return scheme.code;
}

/** The configured schemes (public policy), read once and kept: they change with a deployment. */
export function useSchemes() {
  const api = useApi();
  return useQuery({
    queryKey: ['schemes'],
    queryFn: async () => unwrap(await api.GET('/v1/schemes')).items,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

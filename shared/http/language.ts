/** The languages error answers are written in; Chinese unless the caller prefers English. */
export type Language = 'zh' | 'en';

export const DEFAULT_LANGUAGE: Language = 'zh';

/** The `Content-Language` tag of each language. */
export const LANGUAGE_TAG: Readonly<Record<Language, string>> = { zh: 'zh-CN', en: 'en' };

/**
 * Picks the language from an `Accept-Language` header (RFC 9110): the supported language
 * with the highest q-value, the earlier one on ties; Chinese when neither is acceptable
 * or the header is missing or malformed.
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  let best: { language: Language; q: number } | undefined;
  for (const part of header.split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().split(';');
    const tag = range.trim().toLowerCase();
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const language: Language | undefined =
      tag === 'zh' || tag.startsWith('zh-') ? 'zh' : tag === 'en' || tag.startsWith('en-') ? 'en' : undefined;
    if (language && (!best || q > best.q)) best = { language, q };
  }
  return best?.language ?? DEFAULT_LANGUAGE;
}

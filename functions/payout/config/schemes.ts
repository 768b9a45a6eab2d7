import { NotFoundError } from '../../../shared/domain/errors';
import type { Scheme } from '../domain/schemes';
import { EXAMPLE_SCHEMES } from './schemes.example';

/** The schemes this deployment pays: the example configuration until a province loads its own. */
export const SCHEMES: readonly Scheme[] = EXAMPLE_SCHEMES;

export const findScheme = (code: string): Scheme | undefined => SCHEMES.find((s) => s.code === code);

/** A scheme by code; NotFoundError when none is configured. */
export function getScheme(code: string): Scheme {
  const scheme = findScheme(code);
  if (!scheme)
    throw new NotFoundError({ en: `No scheme ${code} is configured.`, zh: `未配置项目 ${code}。` });
  return scheme;
}

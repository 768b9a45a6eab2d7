import { NotFoundError } from '../../../shared/domain/errors';
import { DEFAULT_BATCH_LINE_CAP } from '../domain/batch-parts';
import type { Scheme } from '../domain/schemes';
import { payoutConfiguration } from './deployment';

/** The most enrolments one batch of this deployment holds. */
export const configuredBatchLineCap = (): number =>
  payoutConfiguration().batchLineCap ?? DEFAULT_BATCH_LINE_CAP;

/** The schemes this deployment pays, from its payout configuration (config/deployment.ts). */
export const configuredSchemes = (): readonly Scheme[] => payoutConfiguration().schemes;

export const findScheme = (code: string): Scheme | undefined =>
  configuredSchemes().find((s) => s.code === code);

/** A scheme by code; NotFoundError when none is configured. */
export function getScheme(code: string): Scheme {
  const scheme = findScheme(code);
  if (!scheme)
    throw new NotFoundError({ en: `No scheme ${code} is configured.`, zh: `未配置项目 ${code}。` });
  return scheme;
}

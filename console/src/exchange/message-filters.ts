import type { paths } from '../api/openapi';

export type MessageQuery = NonNullable<paths['/v1/exchange/messages']['get']['parameters']['query']>;
export type MessageFilters = Pick<MessageQuery, 'partner' | 'direction' | 'status' | 'from' | 'to'>;

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const MESSAGE_STATUSES = ['accepted', 'pending', 'waiting', 'delivered', 'failed'] as const;

/** An instant as the API takes it: UTC, whole seconds. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const toInstant = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The filters as the address keeps them (so a filtered list can be shared), unknown values dropped. */
export function filtersFrom(search: URLSearchParams): MessageFilters {
  const partner = search.get('partner') ?? '';
  const direction = search.get('direction') ?? '';
  const status = search.get('status') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  return {
    ...(INSTANT.test(from) ? { from } : {}),
    ...(INSTANT.test(to) ? { to } : {}),
    ...(/^\d{2}$/.test(partner) ? { partner } : {}),
    ...((DIRECTIONS as readonly string[]).includes(direction)
      ? { direction: direction as MessageFilters['direction'] }
      : {}),
    ...((MESSAGE_STATUSES as readonly string[]).includes(status)
      ? { status: status as MessageFilters['status'] }
      : {}),
  };
}

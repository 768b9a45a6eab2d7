import type { paths } from '../api/openapi';

export type MessageQuery = NonNullable<paths['/v1/exchange/messages']['get']['parameters']['query']>;
export type MessageFilters = Pick<MessageQuery, 'partner' | 'direction' | 'status'>;

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const MESSAGE_STATUSES = ['accepted', 'pending', 'waiting', 'delivered', 'failed'] as const;

/** The filters as the address keeps them (so a filtered list can be shared), unknown values dropped. */
export function filtersFrom(search: URLSearchParams): MessageFilters {
  const partner = search.get('partner') ?? '';
  const direction = search.get('direction') ?? '';
  const status = search.get('status') ?? '';
  return {
    ...(/^\d{2}$/.test(partner) ? { partner } : {}),
    ...((DIRECTIONS as readonly string[]).includes(direction)
      ? { direction: direction as MessageFilters['direction'] }
      : {}),
    ...((MESSAGE_STATUSES as readonly string[]).includes(status)
      ? { status: status as MessageFilters['status'] }
      : {}),
  };
}

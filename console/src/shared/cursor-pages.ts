import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';

/** One page of a list route: its items and, while more remain, the cursor of the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/**
 * A list read page by page with the API's cursors: each page's `nextCursor` goes back as
 * `cursor`, with the same filters (the key). Items of every page read so far, in order.
 * Nothing is asked while `enabled` is false (a filter the list needs is not known yet).
 */
export function useCursorPages<T>(
  key: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  enabled = true,
) {
  const query = useInfiniteQuery({
    queryKey: key,
    enabled,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items };
}

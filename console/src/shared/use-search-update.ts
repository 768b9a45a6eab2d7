import { useSearchParams } from 'react-router';

/**
 * Sets (or, for an empty value, removes) parameters of the address, keeping the others: a
 * screen's filters live in its address, so they survive a reload and can be shared.
 * `replace` changes them without a new entry in the browser's history.
 */
export function useSearchUpdate(
  options: { replace?: boolean } = {},
): (values: Record<string, string | undefined>) => void {
  const [search, setSearch] = useSearchParams();
  return (values) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(values)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setSearch(next, options.replace ? { replace: true } : undefined);
  };
}

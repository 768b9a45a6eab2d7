import { useSearchParams } from 'react-router';

/** Sets (or, for an empty value, removes) parameters of the address, keeping the others. */
export function useSearchUpdate(): (values: Record<string, string | undefined>) => void {
  const [search, setSearch] = useSearchParams();
  return (values) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(values)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setSearch(next);
  };
}

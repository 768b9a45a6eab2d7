/**
 * Reads a lookup map, failing with a message that names what was missing. Lookups go by
 * the names in the manifests, so a typo there surfaces at synth, not at deploy.
 */
export function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) {
    const known = [...map.keys()].map(String).join(', ') || 'none';
    throw new Error(`Unknown ${what} "${String(key)}" (known: ${known})`);
  }
  return value;
}

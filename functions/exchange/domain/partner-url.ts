import { BlockList, isIP } from 'node:net';

/**
 * Which partner inbox URLs a deployment accepts. `public-https` is every deployment's;
 * `local-loopback` is the local cloud's, which it asks for explicitly, because its
 * provinces talk over loopback HTTP.
 */
export type PartnerUrlPolicy = 'public-https' | 'local-loopback';

/**
 * Addresses a partner's inbox can never have: they reach this deployment's own network,
 * not another province. IPv4-mapped IPv6 addresses are matched against the IPv4 rules.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['fc00::', 7], // unique local (private)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still private)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Names that resolve inside the network they are asked in, never to another province. */
const LOCAL_NAME = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/;

/** The host as an address literal (brackets of IPv6 removed), when it is one. */
function addressOf(hostname: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const version = isIP(bare);
  return version === 4
    ? { address: bare, family: 'ipv4' }
    : version === 6
      ? { address: bare, family: 'ipv6' }
      : undefined;
}

/**
 * Why `url` cannot be a partner's inbox under `policy`, or undefined when it can. Every
 * deployment takes only `https` URLs, without credentials, whose host is a public DNS name
 * or a public address literal: not loopback, link-local, private, multicast or reserved,
 * in IPv4 or IPv6 (the URL parser has already normalised forms like `http://2130706433/`).
 * The local cloud, and only it, may also give loopback addresses over http or https.
 */
export function partnerInboxUrlProblem(url: string, policy: PartnerUrlPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials';
  const hostname = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const address = addressOf(hostname);
  const loopback =
    hostname === 'localhost' || (address !== undefined && LOOPBACK.check(address.address, address.family));
  if (
    policy === 'local-loopback' &&
    loopback &&
    (parsed.protocol === 'http:' || parsed.protocol === 'https:')
  ) {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return 'must be https';
  if (address) {
    return NOT_PUBLIC.check(address.address, address.family)
      ? 'must reach a public address, not a loopback, link-local, private or reserved one'
      : undefined;
  }
  if (LOCAL_NAME.test(hostname)) return 'must be a public name, not a local one such as localhost';
  // A single label (`https://inbox/`) is completed by the resolver's search list: a local host.
  if (!hostname.includes('.')) return 'must be a fully qualified public name';
  return undefined;
}

import { readFile } from 'node:fs/promises';

/**
 * Loopback facts shared by the emulators of the local cloud. Everything the local cloud runs
 * listens on this address and nowhere else: the emulators hold real-looking data (resident
 * records, bank details) and have no authentication.
 */
export const LOOPBACK_HOST = '127.0.0.1';

/** An emulator running on a loopback port. */
export interface RunningService {
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the service; resolves once it no longer listens. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The endpoint URL of a loopback port. */
export const loopbackEndpoint = (port: number): string => `http://${LOOPBACK_HOST}:${port}`;

/** Throws unless `port` is 0 (pick a free port) or a valid TCP port number. */
export const assertPort = (port: number): void => {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`Port must be an integer from 0 to 65535, got ${port}`);
  }
};

const TCP_LISTEN = '0A';

/**
 * The local addresses on which some socket listens on TCP `port`, read from the kernel's
 * socket tables (Linux only), so a test can prove a port is reachable from loopback alone: a
 * socket bound to every interface shows up with the unspecified address (all zeros). IPv6
 * addresses come uncompressed (`0:0:0:0:0:0:0:1`); IPv4-mapped ones as plain IPv4.
 */
export const listeningAddresses = async (port: number): Promise<string[]> => {
  const [v4, v6] = await Promise.all([
    readFile('/proc/net/tcp', 'utf8').catch(() => ''),
    readFile('/proc/net/tcp6', 'utf8').catch(() => ''),
  ]);
  return [...listenersIn(v4, port, decodeIpv4), ...listenersIn(v6, port, decodeIpv6)];
};

const listenersIn = (table: string, port: number, decode: (hex: string) => string): string[] =>
  table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3] === TCP_LISTEN)
    .map((cols) => (cols[1] ?? '').split(':'))
    .filter(([, hexPort]) => hexPort !== undefined && Number.parseInt(hexPort, 16) === port)
    .map(([hexAddress]) => decode(hexAddress ?? ''));

/** /proc/net/tcp prints an IPv4 address as one little-endian 32-bit word in hex. */
const decodeIpv4 = (hex: string): string =>
  [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');

/** /proc/net/tcp6 prints four little-endian 32-bit words; IPv4-mapped addresses are unwrapped. */
const decodeIpv6 = (hex: string): string => {
  const bytes = [0, 8, 16, 24].flatMap((word) =>
    [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(word + at, word + at + 2), 16)),
  );
  const isV4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isV4Mapped) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
};

import { parseArgs } from 'node:util';

/**
 * The operator CLI's command line, parsed without side effects so it can be tested: which
 * command, its positional arguments, and the options common to all commands.
 */

export const EXIT = {
  /** Done. */
  ok: 0,
  /** The API refused or failed (a 4xx or 5xx answer), or waiting for an outcome timed out. */
  refused: 1,
  /** The command line was wrong: unknown command, missing or bad argument. */
  usage: 2,
  /** Nothing answered at the API's address. */
  unreachable: 3,
} as const;

export interface Invocation {
  /** Command words, e.g. `['batch', 'plan']`. */
  readonly command: readonly string[];
  /** Positional arguments after the command words. */
  readonly args: readonly string[];
  readonly options: Options;
}

export interface Options {
  readonly url: string;
  readonly token?: string;
  readonly json: boolean;
  readonly help: boolean;
  readonly as?: string;
  /** The verified resident ID of a citizen dev token (the real-name platform's claim). */
  readonly residentId?: string;
  readonly region?: string;
  readonly scheme?: string;
  readonly period?: string;
  readonly partner?: string;
  readonly direction?: 'inbound' | 'outbound';
  readonly status?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly out?: string;
  readonly file?: string;
  readonly signature?: string;
  readonly persons?: number;
  /** A version 2 partner's replay: from this sequence on. */
  readonly fromSequence?: number;
  readonly concurrency: number;
  readonly wait: boolean;
  readonly waiting: boolean;
}

/** Commands with how many positional arguments each takes. */
export const COMMANDS: Record<string, { readonly args: readonly string[]; readonly summary: string }> = {
  'batch plan': { args: [], summary: 'plan a batch: --scheme --period --region' },
  'batch list': {
    args: [],
    summary:
      'batches in your region (--status --scheme --period --region; --waiting: awaiting your approval)',
  },
  'batch show': { args: ['batchId'], summary: 'state, control totals and ledger' },
  'batch payments': { args: ['batchId'], summary: 'the batch lines (--status to filter)' },
  'batch submit': { args: ['batchId'], summary: 'submit a planned batch for approval' },
  'batch approve': {
    args: ['batchId'],
    summary: 'approve (a different person than the submitter); --wait until reconciled',
  },
  'batch cancel': { args: ['batchId'], summary: 'cancel before disbursing' },
  'batch export': { args: ['batchId'], summary: 'the pain.001 payment file (--out <file>, else stdout)' },
  'batch import': {
    args: ['batchId'],
    summary:
      'import a bank-signed pain.002 status report (--file <report.xml> --signature <report.sig.json>)',
  },
  'exchange list': {
    args: [],
    summary: 'messages (--partner --direction --status --from --to --limit)',
  },
  'exchange show': { args: ['messageId'], summary: 'one message with attempts, receipt and answer' },
  'exchange replay': {
    args: [],
    summary:
      'send again what went to a partner: --partner --from --to (version 1), or --partner --from-sequence (version 2)',
  },
  'partner list': { args: [], summary: 'exchange partners and their status' },
  'partner pause': { args: ['code'], summary: 'stop sending to a partner (messages wait)' },
  'partner resume': { args: ['code'], summary: 'resume a partner and release what waited' },
  seed: {
    args: [],
    summary: 'record synthetic persons: --persons <n> [--region <county>] [--concurrency <n>]',
  },
  token: {
    args: ['role'],
    summary: 'print a local dev token for a role (local clouds only; citizen needs --resident-id)',
  },
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const DEFAULT_URL = 'http://127.0.0.1:3033';

const positiveInt = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--${name} must be a positive whole number`);
  return Number(value);
};

/** Parses `argv` (without node and script) and the environment into an Invocation. */
export function parseInvocation(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Invocation {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const direction = values.direction;
  if (direction !== undefined && direction !== 'inbound' && direction !== 'outbound') {
    throw new UsageError('--direction must be inbound or outbound');
  }
  const narrowed: 'inbound' | 'outbound' | undefined = direction;
  const options: Options = {
    url: values.url ?? env.JIAHE_URL ?? DEFAULT_URL,
    json: values.json ?? false,
    help: values.help ?? false,
    concurrency: positiveInt('concurrency', values.concurrency) ?? 8,
    wait: values.wait ?? false,
    waiting: values.waiting ?? false,
    ...defined({
      token: values.token ?? env.JIAHE_TOKEN,
      as: values.as,
      residentId: values['resident-id'],
      region: values.region,
      scheme: values.scheme,
      period: values.period,
      partner: values.partner,
      direction: narrowed,
      status: values.status,
      from: values.from,
      to: values.to,
      limit: positiveInt('limit', values.limit),
      out: values.out,
      file: values.file,
      signature: values.signature,
      persons: positiveInt('persons', values.persons),
      fromSequence: positiveInt('from-sequence', values['from-sequence']),
    }),
  };
  if (positionals.length === 0) return { command: [], args: [], options };
  const two = positionals.slice(0, 2).join(' ');
  const words = COMMANDS[two] ? 2 : COMMANDS[positionals[0] ?? ''] ? 1 : 0;
  if (words === 0) {
    if (options.help) return { command: positionals.slice(0, 1), args: [], options };
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  }
  const command = positionals.slice(0, words);
  const args = positionals.slice(words);
  const spec = COMMANDS[command.join(' ')];
  if (!options.help && spec && args.length !== spec.args.length) {
    throw new UsageError(
      `${command.join(' ')} takes ${spec.args.length ? spec.args.map((a) => `<${a}>`).join(' ') : 'no arguments'}`,
    );
  }
  return { command, args, options };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      as: { type: 'string' },
      'resident-id': { type: 'string' },
      region: { type: 'string' },
      scheme: { type: 'string' },
      period: { type: 'string' },
      partner: { type: 'string' },
      direction: { type: 'string' },
      status: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      file: { type: 'string' },
      signature: { type: 'string' },
      persons: { type: 'string' },
      'from-sequence': { type: 'string' },
      concurrency: { type: 'string' },
      wait: { type: 'boolean' },
      waiting: { type: 'boolean' },
    },
  });
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The `--help` text. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length + (COMMANDS[c]?.args.length ? 12 : 0)));
  const lines = Object.entries(COMMANDS).map(([name, spec]) => {
    const left = `${name}${spec.args.map((a) => ` <${a}>`).join('')}`;
    return `  ${left.padEnd(width + 2)}${spec.summary}`;
  });
  return `jiahe — operator commands against one province's API

Usage: npx jiahe <command> [arguments] [options]

Commands:
${lines.join('\n')}

Options:
  --url <url>       the province's API (JIAHE_URL; default ${DEFAULT_URL})
  --token <jwt>     bearer token (JIAHE_TOKEN); without one, a local dev token from
                    POST /dev/token with the role the command needs (local clouds only)
  --as <sub>        subject of the dev token (default cli-<role>)
  --resident-id <id>
                    the verified resident ID a citizen dev token carries (required for
                    citizen tokens, as the real-name platform verifies one)
  --json            machine-readable output on stdout
  -h, --help        this text

Exit codes: ${EXIT.ok} done · ${EXIT.refused} the API refused or failed, or a wait timed out ·
            ${EXIT.usage} bad command line · ${EXIT.unreachable} the API could not be reached`;
}

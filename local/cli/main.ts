import { apiAt, UnexpectedReplyError, UnreachableError } from '../client/http';
import { EXIT, parseInvocation, UsageError, usage } from './args';
import { handlers, tokenSource } from './commands';

/** `npx jiahe …`: see `usage()` for commands, options and exit codes. */
async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseInvocation(argv, process.env);
  if (invocation.options.help || invocation.command.length === 0) {
    console.log(usage());
    return invocation.command.length === 0 && !invocation.options.help ? EXIT.usage : EXIT.ok;
  }
  const handler = handlers[invocation.command.join(' ')];
  if (!handler) throw new UsageError(`unknown command: ${invocation.command.join(' ')}`);
  const api = apiAt(invocation.options.url);
  await handler({
    api,
    invocation,
    token: tokenSource(api, invocation),
    io: {
      out: (text) => console.log(text),
      err: (text) => console.error(text),
      ...(process.stderr.isTTY
        ? { progress: (text: string) => process.stderr.write(`\r\x1b[2K${text}`) }
        : {}),
    },
  });
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) {
    console.error(`jiahe: ${message}\nRun \`npx jiahe --help\` for the commands.`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof UnreachableError) {
    console.error(`jiahe: ${message}`);
    process.exitCode = EXIT.unreachable;
  } else if (error instanceof UnexpectedReplyError) {
    console.error(`jiahe: ${message}`);
    process.exitCode = EXIT.refused;
  } else {
    console.error(`jiahe: ${message}`);
    process.exitCode = EXIT.refused;
  }
}

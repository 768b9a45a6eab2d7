import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { functionCode } from '../../infra/constructs/function-code';
import { CONSOLE_FUNCTION } from '../../shared/console/manifest';

/** Files a function ships beside its bundle: the staff console's build, for its function. */
describe('files shipped beside a bundle', () => {
  const bundlingStack = () => new Stack(new App(), 'Code');

  it("copies the console's build into the bundle after esbuild", () => {
    const { bundling } = functionCode(
      new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S'),
      CONSOLE_FUNCTION,
    );
    const commands = bundling?.commandHooks?.afterBundling('/repo', '/asset-output') ?? [];
    expect(commands).toEqual(['cp -R "/repo/console/dist" "/asset-output/console"']);
  });

  it('stops a synth that bundles when the files are not built, saying how to build them', () => {
    const spec = {
      ...CONSOLE_FUNCTION,
      files: [{ from: 'console/no-such-dist', to: 'console', builtBy: 'npm run -w console build' }],
    };
    expect(() => functionCode(bundlingStack(), spec)).toThrow(
      'Function console-assets: console/no-such-dist does not exist; build it first with `npm run -w console build`',
    );
  });
});

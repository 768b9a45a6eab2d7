import { describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from './support';

/**
 * Synthesizes and returns what cdk-nag reported. Synthesis itself throws on an
 * unacknowledged cdk-nag error; this also catches warnings.
 */
function nagFindings(
  province: string,
  options: Parameters<typeof synthesize>[1] = {},
): Synthesized['violations'] {
  const synth = synthesize(province, options);
  try {
    return synth.violations.filter((v) => v.pluginName === 'AwsSolutions');
  } finally {
    synth.cleanup();
  }
}

// Province 33, environment-agnostic, is checked in area-stacks.test.ts on its synth.
describe('cdk-nag AwsSolutions', () => {
  it('reports nothing for province 51', () => {
    expect(nagFindings('51')).toEqual([]);
  });

  it('reports nothing with a concrete account and region (acknowledgements follow the ARNs)', () => {
    expect(nagFindings('33', { env: { account: '123456789012', region: 'ap-east-1' } })).toEqual([]);
  });

  it('reports nothing with Cognito user pools where Cognito exists', () => {
    expect(
      nagFindings('33', {
        env: { account: '123456789012', region: 'eu-west-1' },
        identity: { kind: 'cognito' },
      }),
    ).toEqual([]);
  });
});

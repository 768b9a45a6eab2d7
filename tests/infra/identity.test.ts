import { describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { type IdentityContextKey, parseIdentity } from '../../infra/identity';
import { missingContext, missingContextMessage } from '../../infra/required-context';

const parse = (context: Partial<Record<IdentityContextKey, string>>, region?: string) =>
  parseIdentity((key) => context[key], '33', region);

const BOTH = {
  'citizen-issuer': 'https://id.example.gov.cn',
  'staff-issuer': 'https://staff-id.example.gov.cn',
};

describe('parseIdentity (CDK context of the identity platforms)', () => {
  it('defaults to OIDC with audiences named after the province', () => {
    expect(parse(BOTH, 'cn-northwest-1')).toEqual({
      kind: 'oidc',
      citizen: { issuer: 'https://id.example.gov.cn', audience: 'jiahe-p33-citizen' },
      staff: { issuer: 'https://staff-id.example.gov.cn', audience: 'jiahe-p33-staff' },
    });
  });

  it('takes the audiences given', () => {
    expect(parse({ ...BOTH, 'citizen-audience': 'zjzw-app-1', 'staff-audience': 'jiahe' })).toMatchObject({
      citizen: { audience: 'zjzw-app-1' },
      staff: { audience: 'jiahe' },
    });
  });

  it('names a missing issuer and says how to pass it', () => {
    expect(() => parse({ 'staff-issuer': BOTH['staff-issuer'] })).toThrow(
      /Missing context "citizen-issuer" \(the https issuer URL of the province's real-name identity platform.*-c citizen-issuer=https:/,
    );
    expect(() => parse({ 'citizen-issuer': BOTH['citizen-issuer'] })).toThrow(
      /Missing context "staff-issuer"/,
    );
  });

  it.each([
    ['http://id.example.gov.cn', /must be an https URL/],
    ['id.example.gov.cn', /must be an https URL/],
    ['https://user:pw@id.example.gov.cn', /without credentials/],
    ['https://id.example.gov.cn/?tenant=1', /query or fragment/],
  ])('refuses the issuer %s', (issuer, message) => {
    expect(() => parse({ ...BOTH, 'citizen-issuer': issuer })).toThrow(message);
  });

  it('refuses one issuer for both audiences: the API tells citizens from staff by it', () => {
    expect(() =>
      parse({ 'citizen-issuer': BOTH['staff-issuer'], 'staff-issuer': BOTH['staff-issuer'] }),
    ).toThrow(/must differ/);
  });

  it('refuses an audience with spaces', () => {
    expect(() => parse({ ...BOTH, 'staff-audience': 'two words' })).toThrow(/staff-audience/);
  });

  it('allows Cognito only in a known region outside China', () => {
    expect(parse({ identity: 'cognito' }, 'eu-west-1')).toEqual({ kind: 'cognito' });
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      expect(() => parse({ identity: 'cognito' }, region)).toThrow(
        /not possible in cn-.*Cognito user pools do not exist in the AWS China regions/,
      );
    }
    expect(() => parse({ identity: 'cognito' })).toThrow(/needs an explicit region outside China/);
    expect(() => parse({ identity: 'cognito', ...BOTH }, 'eu-west-1')).toThrow(
      /no meaning with identity=cognito/,
    );
    expect(() => parse({ identity: 'ldap', ...BOTH })).toThrow(/must be "oidc" \(the default\) or "cognito"/);
  });
});

describe('missingContext (one message for every required value not given)', () => {
  const given = (values: Record<string, string>) => (key: string) => values[key];

  it('names every missing value of the project manifests at once, with a complete example', () => {
    const missing = missingContext(given({ province: '33' }), manifests);
    expect(missing).toEqual(['payout-configuration', 'payout-bank-url', 'citizen-issuer', 'staff-issuer']);
    expect(missingContextMessage(missing)).toMatch(
      /^Missing context "payout-configuration", "payout-bank-url", "citizen-issuer", "staff-issuer" .*\n {2}npx cdk synth -c province=33 -c region=cn-northwest-1 .*-c staff-issuer=https:\/\/staff-id\.example\.gov\.cn$/s,
    );
  });

  it('asks for no issuer with identity=cognito, and for nothing once all are given', () => {
    expect(missingContext(given({ identity: 'cognito' }), manifests)).toEqual([
      'payout-configuration',
      'payout-bank-url',
    ]);
    expect(
      missingContext(
        given({
          'payout-bank-url': 'https://b.example.cn',
          'payout-configuration': 'payout.json',
          'citizen-issuer': 'https://a',
          'staff-issuer': 'https://b',
        }),
        manifests,
      ),
    ).toEqual([]);
  });
});

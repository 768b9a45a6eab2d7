import { describe, expect, it } from 'vitest';
import { MAX_PARTNER_TYPES, PartnerSettings, PROTOCOL_TYPES } from '../../functions/exchange/domain/partner';

const settings = (types: Partial<Record<'inboundTypes' | 'outboundTypes', string[]>>) => ({
  inboxUrl: 'https://jiahe.sc.example.gov.cn/exchange/v1/inbox',
  jwks: { keys: [{ kid: 'k1', kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }] },
  inboundTypes: [],
  outboundTypes: [],
  ...types,
});
const refusedFields = (value: unknown) =>
  PartnerSettings.safeParse(value).error?.issues.map((issue) => issue.path[0]) ?? [];

describe('a partner’s type lists (docs/exchange-protocol.md §9)', () => {
  it('hold every type of the protocol each way, with room for a second major version beside the first', () => {
    expect(MAX_PARTNER_TYPES).toBeGreaterThanOrEqual(2 * PROTOCOL_TYPES.length);
    const all = [...PROTOCOL_TYPES];
    expect(PartnerSettings.safeParse(settings({ inboundTypes: all, outboundTypes: all })).success).toBe(true);
  });

  it('refuse a type named twice, a type this deployment does not implement, and more than the cap', () => {
    const first = PROTOCOL_TYPES[0] ?? '';
    expect(refusedFields(settings({ inboundTypes: [first, first] }))).toEqual(['inboundTypes']);
    expect(refusedFields(settings({ outboundTypes: ['cn.gov.jiahe.person.recorded.v1'] }))).toEqual([
      'outboundTypes',
    ]);
    const tooMany = Array.from({ length: MAX_PARTNER_TYPES + 1 }, (_, i) => PROTOCOL_TYPES[i % 10] ?? '');
    expect(refusedFields(settings({ inboundTypes: tooMany }))).toContain('inboundTypes');
  });
});

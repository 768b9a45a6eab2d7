import { describe, expect, it } from 'vitest';
import { PartnerSettings, partnerSettings } from '../../functions/exchange/domain/partner';
import { partnerInboxUrlProblem } from '../../functions/exchange/domain/partner-url';

describe('partnerInboxUrlProblem, as every deployment applies it', () => {
  it.each([
    'https://jiahe.sc.gov.cn/exchange/v1/inbox',
    'https://jiahe.sc.gov.cn:8443/exchange/v1/inbox',
    'https://203.0.113.10/exchange/v1/inbox',
    'https://[2400:da00::6666]/exchange/v1/inbox',
    'https://[::ffff:8.8.8.8]/exchange/v1/inbox',
  ])('accepts the public https inbox %s', (url) => {
    expect(partnerInboxUrlProblem(url, 'public-https')).toBeUndefined();
  });

  it.each([
    ['http://jiahe.sc.gov.cn/exchange/v1/inbox', /https/],
    ['ftp://jiahe.sc.gov.cn/inbox', /https/],
    ['https://user:secret@jiahe.sc.gov.cn/inbox', /credentials/],
    // Loopback, in every spelling the URL parser normalises to 127.0.0.1.
    ['https://127.0.0.1/inbox', /public address/],
    ['https://127.8.9.10/inbox', /public address/],
    ['https://2130706433/inbox', /public address/],
    ['https://0x7f.1/inbox', /public address/],
    ['https://127.1/inbox', /public address/],
    ['http://127.0.0.1:3033/exchange/v1/inbox', /https/],
    ['https://localhost/inbox', /local one/],
    ['https://LOCALHOST./inbox', /local one/],
    ['https://api.localhost/inbox', /local one/],
    ['https://inbox.internal/x', /local one/],
    ['https://printer.local/x', /local one/],
    ['https://inbox/x', /fully qualified/],
    // Private, link-local (cloud metadata), shared and reserved IPv4.
    ['https://10.1.2.3/inbox', /public address/],
    ['https://172.16.0.1/inbox', /public address/],
    ['https://172.31.255.254/inbox', /public address/],
    ['https://192.168.1.1/inbox', /public address/],
    ['https://169.254.169.254/latest/meta-data', /public address/],
    ['https://100.64.0.1/inbox', /public address/],
    ['https://0.0.0.0/inbox', /public address/],
    ['https://224.0.0.1/inbox', /public address/],
    ['https://255.255.255.255/inbox', /public address/],
    // IPv6: loopback, unspecified, unique local, link-local, multicast, and IPv4 in disguise.
    ['https://[::1]/inbox', /public address/],
    ['https://[::]/inbox', /public address/],
    ['https://[fd12:3456::1]/inbox', /public address/],
    ['https://[fc00::1]/inbox', /public address/],
    ['https://[fe80::1]/inbox', /public address/],
    ['https://[ff02::1]/inbox', /public address/],
    ['https://[::ffff:127.0.0.1]/inbox', /public address/],
    ['https://[::ffff:10.0.0.1]/inbox', /public address/],
    ['https://[64:ff9b::a00:1]/inbox', /public address/],
    ['not a url', /absolute URL/],
  ])('refuses %s', (url, problem) => {
    expect(partnerInboxUrlProblem(url, 'public-https')).toMatch(problem);
  });

  it('is what the partner settings schema applies by default', () => {
    const settings = {
      inboxUrl: 'http://127.0.0.1:3051/exchange/v1/inbox',
      jwks: { keys: [{ kid: 'k1', kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }] },
      inboundTypes: [],
      outboundTypes: [],
    };
    const refused = PartnerSettings.safeParse(settings);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['inboxUrl', 'must be https'],
    ]);
    expect(partnerSettings('local-loopback').safeParse(settings).success).toBe(true);
  });
});

describe('partnerInboxUrlProblem, with the local cloud’s explicit opt-in', () => {
  it.each([
    'http://127.0.0.1:3051/exchange/v1/inbox',
    'https://127.0.0.1:3051/exchange/v1/inbox',
    'http://localhost:3051/exchange/v1/inbox',
    'http://[::1]:3051/exchange/v1/inbox',
  ])('accepts the loopback inbox %s', (url) => {
    expect(partnerInboxUrlProblem(url, 'local-loopback')).toBeUndefined();
  });

  it.each([
    ['http://10.0.0.5/inbox', /https/],
    ['https://192.168.0.5/inbox', /public address/],
    ['https://169.254.169.254/', /public address/],
    ['http://jiahe.sc.gov.cn/inbox', /https/],
    ['ftp://127.0.0.1/inbox', /https/],
  ])('still refuses %s', (url, problem) => {
    expect(partnerInboxUrlProblem(url, 'local-loopback')).toMatch(problem);
  });
});

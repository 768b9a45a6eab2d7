/**
 * Province-level codes of GB/T 2260 (the first two digits of a region code), with names
 * for error messages. One deployment serves one of them.
 */
export const PROVINCES: Readonly<Record<string, string>> = {
  '11': 'Beijing',
  '12': 'Tianjin',
  '13': 'Hebei',
  '14': 'Shanxi',
  '15': 'Inner Mongolia',
  '21': 'Liaoning',
  '22': 'Jilin',
  '23': 'Heilongjiang',
  '31': 'Shanghai',
  '32': 'Jiangsu',
  '33': 'Zhejiang',
  '34': 'Anhui',
  '35': 'Fujian',
  '36': 'Jiangxi',
  '37': 'Shandong',
  '41': 'Henan',
  '42': 'Hubei',
  '43': 'Hunan',
  '44': 'Guangdong',
  '45': 'Guangxi',
  '46': 'Hainan',
  '50': 'Chongqing',
  '51': 'Sichuan',
  '52': 'Guizhou',
  '53': 'Yunnan',
  '54': 'Xizang',
  '61': 'Shaanxi',
  '62': 'Gansu',
  '63': 'Qinghai',
  '64': 'Ningxia',
  '65': 'Xinjiang',
  '71': 'Taiwan',
  '81': 'Hong Kong',
  '82': 'Macao',
};

/**
 * Validates the `province` context value and returns its two-digit code. Accepts a number
 * too, since a cdk.json context entry `"province": 33` arrives as one.
 */
export function parseProvince(value: unknown): string {
  const usage = 'pass it as CDK context, e.g. `npx cdk synth -c province=33` (33 Zhejiang, 51 Sichuan)';
  if (value === undefined || value === null || value === '') {
    throw new Error(`Missing context "province": ${usage}`);
  }
  const code = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof code !== 'string' || !/^\d{2}$/.test(code)) {
    throw new Error(
      `Context "province" must be a two-digit GB/T 2260 province code, got ${JSON.stringify(value)}: ${usage}`,
    );
  }
  if (!(code in PROVINCES)) {
    throw new Error(`Context "province" ${code} is not a GB/T 2260 province code: ${usage}`);
  }
  return code;
}

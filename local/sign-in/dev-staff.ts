import type { Role } from '../../shared/manifest';

/** A made-up staff member the local staff identity provider offers on its sign-in page. */
export interface DevStaffMember {
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly region: string;
  /** How the sign-in page names them. */
  readonly label: { readonly zh: string; readonly en: string };
}

/** A county of each local province, for a registrar whose region is narrower than the province. */
const COUNTY: Readonly<Record<string, { code: string; zh: string; en: string }>> = {
  '33': { code: '330106', zh: '杭州市西湖区', en: 'Hangzhou Xihu district' },
  '51': { code: '510104', zh: '成都市锦江区', en: 'Chengdu Jinjiang district' },
};

/**
 * The dev staff of one province: one of each staff role for the whole province, and a
 * registrar of one county, so a sign-in shows how region scope narrows what one sees.
 */
export function devStaff(province: string): readonly DevStaffMember[] {
  const whole = `${province}0000`;
  const county = COUNTY[province];
  const provinceWide = (sub: string, role: Role, zh: string, en: string): DevStaffMember => ({
    sub: `${sub}-${whole}`,
    roles: [role],
    region: whole,
    label: { zh: `${zh}（全省）`, en: `${en} (whole province)` },
  });
  return [
    provinceWide('registrar', 'registrar', '登记员', 'Registrar'),
    ...(county
      ? [
          {
            sub: `registrar-${county.code}`,
            roles: ['registrar'] as const,
            region: county.code,
            label: { zh: `登记员（${county.zh}）`, en: `Registrar (${county.en})` },
          },
        ]
      : []),
    provinceWide('payout-officer', 'payout-officer', '发放经办人', 'Payout officer'),
    provinceWide('payout-approver', 'payout-approver', '发放审批人', 'Payout approver'),
    provinceWide('auditor', 'auditor', '审计员', 'Auditor'),
    provinceWide('exchange-operator', 'exchange-operator', '协作交换操作员', 'Exchange operator'),
  ];
}

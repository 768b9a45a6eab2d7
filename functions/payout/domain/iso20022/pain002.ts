import { escapeXml } from './xml';

export const PAIN_002_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

/** Settled (ACSC) is paid; rejected (RJCT) is failed, or returned when it had been paid; the rest wait. */
export type TransactionOutcome = 'paid' | 'rejected' | 'pending';

export interface TransactionStatus {
  readonly endToEndId: string;
  readonly status: string;
  readonly outcome: TransactionOutcome;
  readonly reasonCode?: string;
}

export interface StatusReport {
  readonly messageId: string;
  readonly originalMessageId: string;
  readonly transactions: readonly TransactionStatus[];
}

export interface StatusReportInput {
  readonly messageId: string;
  readonly createdAt: string;
  readonly originalMessageId: string;
  readonly bankCode: string;
  readonly transactions: readonly {
    endToEndId: string;
    status: 'ACSC' | 'RJCT' | 'ACSP';
    reasonCode?: string;
  }[];
}

/** Writes a pain.002.001.10 report (the bank simulator answers with these). */
export function buildPain002(input: StatusReportInput): string {
  const txs = input.transactions
    .map(
      (t) =>
        `<TxInfAndSts><OrgnlEndToEndId>${escapeXml(t.endToEndId)}</OrgnlEndToEndId><TxSts>${t.status}</TxSts>` +
        (t.reasonCode ? `<StsRsnInf><Rsn><Cd>${escapeXml(t.reasonCode)}</Cd></Rsn></StsRsnInf>` : '') +
        '</TxInfAndSts>',
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${PAIN_002_NAMESPACE}"><CstmrPmtStsRpt>` +
    `<GrpHdr><MsgId>${escapeXml(input.messageId)}</MsgId><CreDtTm>${escapeXml(input.createdAt)}</CreDtTm>` +
    `<DbtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>${escapeXml(input.bankCode)}</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt></GrpHdr>` +
    `<OrgnlGrpInfAndSts><OrgnlMsgId>${escapeXml(input.originalMessageId)}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>` +
    `<OrgnlPmtInfAndSts><OrgnlPmtInfId>${escapeXml(input.originalMessageId)}</OrgnlPmtInfId>${txs}</OrgnlPmtInfAndSts>` +
    '</CstmrPmtStsRpt></Document>\n'
  );
}

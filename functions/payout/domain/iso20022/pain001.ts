import { fenToDecimal } from './amount';
import { escapeXml } from './xml';

export const PAIN_001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

/** The paying account: the province's benefit account at its bank. */
export interface Debtor {
  readonly name: string;
  readonly accountNumber: string;
  /** CNAPS member id of the debtor's bank. */
  readonly bankCode: string;
}

export interface CreditTransfer {
  readonly endToEndId: string;
  readonly amountFen: number;
  readonly creditorName: string;
  readonly creditorAccount: string;
  readonly creditorBankCode: string;
  /** Free text for the beneficiary's statement: scheme and period, nothing personal. */
  readonly remittance: string;
}

export interface CreditTransferFile {
  /** Message and payment-information id: the batch id (a ULID, 26 characters). */
  readonly messageId: string;
  /** ISO date-time without fraction, fixed per batch so a re-built file is the same file. */
  readonly createdAt: string;
  readonly executionDate: string;
  readonly debtor: Debtor;
  readonly transfers: readonly CreditTransfer[];
}

const account = (id: string) => `<Id><Othr><Id>${escapeXml(id)}</Id></Othr></Id>`;
const agent = (code: string) =>
  `<FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>${escapeXml(code)}</MmbId></ClrSysMmbId></FinInstnId>`;

/** Sum of the transfers in fen: the file's control sum. */
export const controlSumFen = (transfers: readonly CreditTransfer[]): number =>
  transfers.reduce((sum, t) => sum + t.amountFen, 0);

/**
 * A pain.001.001.09 customer credit transfer initiation: one payment information block,
 * CNY, domestic accounts as `Othr/Id`, banks by CNAPS member id, the debtor bearing the
 * charges so every beneficiary receives the full amount. The same input gives the same
 * bytes, so a re-sent file carries the same message id and content.
 */
export function buildPain001(file: CreditTransferFile): string {
  const count = file.transfers.length;
  const sum = fenToDecimal(controlSumFen(file.transfers));
  const txs = file.transfers
    .map(
      (t) =>
        `<CdtTrfTxInf><PmtId><EndToEndId>${escapeXml(t.endToEndId)}</EndToEndId></PmtId>` +
        `<Amt><InstdAmt Ccy="CNY">${fenToDecimal(t.amountFen)}</InstdAmt></Amt>` +
        `<CdtrAgt>${agent(t.creditorBankCode)}</CdtrAgt>` +
        `<Cdtr><Nm>${escapeXml(t.creditorName)}</Nm></Cdtr>` +
        `<CdtrAcct>${account(t.creditorAccount)}</CdtrAcct>` +
        `<RmtInf><Ustrd>${escapeXml(t.remittance)}</Ustrd></RmtInf></CdtTrfTxInf>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${PAIN_001_NAMESPACE}"><CstmrCdtTrfInitn>` +
    `<GrpHdr><MsgId>${escapeXml(file.messageId)}</MsgId><CreDtTm>${escapeXml(file.createdAt)}</CreDtTm>` +
    `<NbOfTxs>${count}</NbOfTxs><CtrlSum>${sum}</CtrlSum><InitgPty><Nm>${escapeXml(file.debtor.name)}</Nm></InitgPty></GrpHdr>` +
    `<PmtInf><PmtInfId>${escapeXml(file.messageId)}</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>${count}</NbOfTxs><CtrlSum>${sum}</CtrlSum>` +
    `<ReqdExctnDt><Dt>${escapeXml(file.executionDate)}</Dt></ReqdExctnDt>` +
    `<Dbtr><Nm>${escapeXml(file.debtor.name)}</Nm></Dbtr><DbtrAcct>${account(file.debtor.accountNumber)}<Ccy>CNY</Ccy></DbtrAcct>` +
    `<DbtrAgt>${agent(file.debtor.bankCode)}</DbtrAgt><ChrgBr>DEBT</ChrgBr>${txs}</PmtInf></CstmrCdtTrfInitn></Document>\n`
  );
}

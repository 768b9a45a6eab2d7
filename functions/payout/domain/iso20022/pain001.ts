import { XMLBuilder } from 'fast-xml-parser';
import { fenToDecimal } from './amount';

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

/** Writes the file; fast-xml-parser escapes every text and attribute value. */
const writer = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false });

const account = (id: string) => ({ Id: { Othr: { Id: id } } });
const agent = (code: string) => ({
  FinInstnId: { ClrSysMmbId: { ClrSysId: { Cd: 'CNAPS' }, MmbId: code } },
});

/** Sum of the transfers in fen: the file's control sum. */
export const controlSumFen = (transfers: readonly CreditTransfer[]): number =>
  transfers.reduce((sum, t) => sum + t.amountFen, 0);

/**
 * A pain.001.001.09 customer credit transfer initiation: one payment information block,
 * CNY, domestic accounts as `Othr/Id`, banks by CNAPS member id, the debtor bearing the
 * charges so every beneficiary receives the full amount. The same input gives the same
 * bytes, so a re-sent file carries the same message id and content. Elements follow the
 * schema's sequence (object key order); a file without a transfer is refused, since the
 * schema wants at least one.
 */
export function buildPain001(file: CreditTransferFile): string {
  const count = file.transfers.length;
  if (count === 0) throw new Error('a payment file needs at least one transfer');
  const sum = fenToDecimal(controlSumFen(file.transfers));
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    Document: {
      '@_xmlns': PAIN_001_NAMESPACE,
      CstmrCdtTrfInitn: {
        GrpHdr: {
          MsgId: file.messageId,
          CreDtTm: file.createdAt,
          NbOfTxs: String(count),
          CtrlSum: sum,
          InitgPty: { Nm: file.debtor.name },
        },
        PmtInf: {
          PmtInfId: file.messageId,
          PmtMtd: 'TRF',
          NbOfTxs: String(count),
          CtrlSum: sum,
          ReqdExctnDt: { Dt: file.executionDate },
          Dbtr: { Nm: file.debtor.name },
          DbtrAcct: { ...account(file.debtor.accountNumber), Ccy: 'CNY' },
          DbtrAgt: agent(file.debtor.bankCode),
          ChrgBr: 'DEBT',
          CdtTrfTxInf: file.transfers.map((t) => ({
            PmtId: { EndToEndId: t.endToEndId },
            Amt: { InstdAmt: { '@_Ccy': 'CNY', '#text': fenToDecimal(t.amountFen) } },
            CdtrAgt: agent(t.creditorBankCode),
            Cdtr: { Nm: t.creditorName },
            CdtrAcct: account(t.creditorAccount),
            RmtInf: { Ustrd: t.remittance },
          })),
        },
      },
    },
  };
  return `${writer.build(document)}\n`;
}

import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/**
 * The simulator's own reading and writing of ISO 20022 files, with fast-xml-parser and
 * none of jiahe's payout code, so a mistake in jiahe's writer or reader shows up here as a
 * refused file or an unreadable report instead of agreeing with itself.
 */

export const PAIN_001 = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';
export const PAIN_002 = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

export interface ReceivedTransfer {
  readonly endToEndId: string;
  readonly amountFen: number;
  readonly account: string;
}

export interface ReceivedFile {
  readonly messageId: string;
  readonly transfers: readonly ReceivedTransfer[];
}

/** A file the bank cannot take, with what is wrong. */
export class FileRefused extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keeps the xmlns attribute, which names the message; jiahe writes the default namespace, unprefixed.
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'PmtInf' || name === 'CdtTrfTxInf',
});

const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '#text' in value)
    return String((value as { '#text': unknown })['#text']);
  return '';
};

/** Yuan with at most two decimals to integer fen, as a bank's ledger books it. */
function fen(amount: string): number {
  const m = /^(\d{1,16})(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new FileRefused(`amount ${amount} is not a CNY amount`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Reads a pain.001.001.09 file and checks what a bank checks beyond the schema: control
 * counts and sums in the group header and the payment block equal the transfers, CNY
 * only, every EndToEndId present and unique in the file.
 */
export function readCreditTransferFile(xml: string): ReceivedFile {
  if (/<!DOCTYPE/i.test(xml)) throw new FileRefused('DOCTYPE is not accepted');
  const doc = parser.parse(xml, true) as Record<string, Record<string, unknown>>;
  const root = doc.Document as Record<string, unknown> | undefined;
  if (!root || root['@_xmlns'] !== PAIN_001) throw new FileRefused('not a pain.001.001.09 document');
  const initiation = root.CstmrCdtTrfInitn as Record<string, unknown>;
  const header = (initiation?.GrpHdr ?? {}) as Record<string, unknown>;
  const messageId = text(header.MsgId);
  if (!messageId) throw new FileRefused('no MsgId');
  const transfers: ReceivedTransfer[] = [];
  for (const info of (initiation.PmtInf ?? []) as Record<string, unknown>[]) {
    const block: ReceivedTransfer[] = [];
    for (const tx of (info.CdtTrfTxInf ?? []) as Record<string, Record<string, unknown>>[]) {
      const amount = tx.Amt?.InstdAmt as Record<string, unknown> | undefined;
      if (amount?.['@_Ccy'] !== 'CNY') throw new FileRefused('only CNY transfers are taken');
      const account = (tx.CdtrAcct?.Id as Record<string, Record<string, unknown>> | undefined)?.Othr?.Id;
      block.push({
        endToEndId: text(tx.PmtId?.EndToEndId),
        amountFen: fen(text(amount)),
        account: text(account),
      });
    }
    if (Number(text(info.NbOfTxs)) !== block.length)
      throw new FileRefused('PmtInf NbOfTxs differs from the transfers');
    if (fen(text(info.CtrlSum)) !== block.reduce((s, t) => s + t.amountFen, 0))
      throw new FileRefused('PmtInf CtrlSum differs from the transfers');
    transfers.push(...block);
  }
  if (Number(text(header.NbOfTxs)) !== transfers.length)
    throw new FileRefused('GrpHdr NbOfTxs differs from the transfers');
  if (fen(text(header.CtrlSum)) !== transfers.reduce((s, t) => s + t.amountFen, 0))
    throw new FileRefused('GrpHdr CtrlSum differs from the transfers');
  const ids = new Set(transfers.map((t) => t.endToEndId));
  if (ids.has('') || ids.size !== transfers.length)
    throw new FileRefused('EndToEndIds missing or repeated in the file');
  return { messageId, transfers };
}

export interface ReportedStatus {
  readonly endToEndId: string;
  readonly status: 'ACSC' | 'RJCT' | 'ACSP';
  readonly reasonCode?: string;
}

export interface StatusReportContent {
  readonly messageId: string;
  readonly createdAt: string;
  readonly originalMessageId: string;
  readonly bankCode: string;
  readonly transactions: readonly ReportedStatus[];
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: false,
  processEntities: true,
});

/** Writes a pain.002.001.10 customer payment status report. */
export function writeStatusReport(report: StatusReportContent): string {
  const body = builder.build({
    Document: {
      '@_xmlns': PAIN_002,
      CstmrPmtStsRpt: {
        GrpHdr: {
          MsgId: report.messageId,
          CreDtTm: report.createdAt,
          DbtrAgt: { FinInstnId: { ClrSysMmbId: { ClrSysId: { Cd: 'CNAPS' }, MmbId: report.bankCode } } },
        },
        OrgnlGrpInfAndSts: { OrgnlMsgId: report.originalMessageId, OrgnlMsgNmId: 'pain.001.001.09' },
        OrgnlPmtInfAndSts: {
          OrgnlPmtInfId: report.originalMessageId,
          TxInfAndSts: report.transactions.map((t) => ({
            OrgnlEndToEndId: t.endToEndId,
            TxSts: t.status,
            ...(t.reasonCode ? { StsRsnInf: { Rsn: { Cd: t.reasonCode } } } : {}),
          })),
        },
      },
    },
  }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

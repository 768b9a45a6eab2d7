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

/** What the file's header says: which batch, when, from which account, and its control totals. */
export interface CreditTransferHeader {
  /** Message and payment-information id: the batch id (a ULID, 26 characters). */
  readonly messageId: string;
  /** ISO date-time without fraction, fixed per batch so a re-built file is the same file. */
  readonly createdAt: string;
  readonly executionDate: string;
  readonly debtor: Debtor;
  /** How many transfers follow, and their sum in fen: written first, checked at the end. */
  readonly count: number;
  readonly sumFen: number;
}

export interface CreditTransferFile extends Omit<CreditTransferHeader, 'count' | 'sumFen'> {
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

/** Transfers that do not add up to the control totals their file's header announced. */
export class ControlTotalsError extends Error {
  constructor(
    readonly announced: { readonly count: number; readonly sumFen: number },
    readonly written: { readonly count: number; readonly sumFen: number },
  ) {
    super(
      `the transfers (${written.count}, ${written.sumFen} fen) differ from the file's control totals (${announced.count}, ${announced.sumFen} fen)`,
    );
    this.name = 'ControlTotalsError';
  }
}

/** What closes the document after the last transfer. */
const TAIL = '</PmtInf></CstmrCdtTrfInitn></Document>';

/**
 * Everything before the first transfer. The builder closes every element it opens, so the
 * document is built without transfers and its closing tags cut off: the header then has
 * the builder's escaping and element order, and nothing written by hand.
 */
function headOf(header: CreditTransferHeader): string {
  if (header.count === 0) throw new Error('a payment file needs at least one transfer');
  const sum = fenToDecimal(header.sumFen);
  const document = writer.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    Document: {
      '@_xmlns': PAIN_001_NAMESPACE,
      CstmrCdtTrfInitn: {
        GrpHdr: {
          MsgId: header.messageId,
          CreDtTm: header.createdAt,
          NbOfTxs: String(header.count),
          CtrlSum: sum,
          InitgPty: { Nm: header.debtor.name },
        },
        PmtInf: {
          PmtInfId: header.messageId,
          PmtMtd: 'TRF',
          NbOfTxs: String(header.count),
          CtrlSum: sum,
          ReqdExctnDt: { Dt: header.executionDate },
          Dbtr: { Nm: header.debtor.name },
          DbtrAcct: { ...account(header.debtor.accountNumber), Ccy: 'CNY' },
          DbtrAgt: agent(header.debtor.bankCode),
          ChrgBr: 'DEBT',
        },
      },
    },
  }) as string;
  if (!document.endsWith(TAIL)) throw new Error('the pain.001 header did not end as expected');
  return document.slice(0, -TAIL.length);
}

/** The `CdtTrfTxInf` elements of some transfers, in order. */
const transfersXml = (transfers: readonly CreditTransfer[]): string =>
  writer.build({
    CdtTrfTxInf: transfers.map((t) => ({
      PmtId: { EndToEndId: t.endToEndId },
      Amt: { InstdAmt: { '@_Ccy': 'CNY', '#text': fenToDecimal(t.amountFen) } },
      CdtrAgt: agent(t.creditorBankCode),
      Cdtr: { Nm: t.creditorName },
      CdtrAcct: account(t.creditorAccount),
      RmtInf: { Ustrd: t.remittance },
    })),
  }) as string;

/**
 * A pain.001.001.09 customer credit transfer initiation, written as it is read: the header
 * with its control totals first, then the transfers a group at a time, so a file of any
 * size takes the memory of one group. One payment information block, CNY, domestic
 * accounts as `Othr/Id`, banks by CNAPS member id, the debtor bearing the charges so every
 * beneficiary receives the full amount. Elements follow the schema's sequence.
 *
 * Order of checks: a header without a transfer is refused before anything is written (the
 * schema wants at least one); after the last group, transfers that do not add up to the
 * header's count and sum fail the stream, so a reader (the bank) never gets a complete file
 * whose totals are wrong. The same input gives the same bytes, so a re-sent file carries
 * the same message id and content.
 */
export async function* writePain001(
  header: CreditTransferHeader,
  groups: AsyncIterable<readonly CreditTransfer[]> | Iterable<readonly CreditTransfer[]>,
): AsyncGenerator<string> {
  yield headOf(header);
  let count = 0;
  let sumFen = 0;
  for await (const group of groups) {
    if (group.length === 0) continue;
    count += group.length;
    sumFen += controlSumFen(group);
    yield transfersXml(group);
  }
  if (count !== header.count || sumFen !== header.sumFen) {
    throw new ControlTotalsError(header, { count, sumFen });
  }
  yield `${TAIL}\n`;
}

/** A whole pain.001 file as one string, for files small enough to hold (`writePain001`). */
export async function buildPain001(file: CreditTransferFile): Promise<string> {
  const { transfers, ...rest } = file;
  let xml = '';
  for await (const chunk of writePain001(
    { ...rest, count: transfers.length, sumFen: controlSumFen(transfers) },
    [transfers],
  ))
    xml += chunk;
  return xml;
}

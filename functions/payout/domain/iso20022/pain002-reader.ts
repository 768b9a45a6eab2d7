import { SaxesParser } from 'saxes';
import { PAIN_002_NAMESPACE, type StatusReport, type TransactionStatus } from './pain002';

const outcomeOf = (status: string): TransactionStatus['outcome'] =>
  status === 'ACSC' ? 'paid' : status === 'RJCT' ? 'rejected' : 'pending';

/** The element paths the reader takes text from; everything else is skipped. */
const MESSAGE_ID = 'Document/CstmrPmtStsRpt/GrpHdr/MsgId';
const ORIGINAL_MESSAGE_ID = 'Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgId';
const TRANSACTION = 'Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts';
const TX_FIELDS: Readonly<Record<string, 'endToEndId' | 'status' | 'reasonCode'>> = {
  [`${TRANSACTION}/OrgnlEndToEndId`]: 'endToEndId',
  [`${TRANSACTION}/TxSts`]: 'status',
  [`${TRANSACTION}/StsRsnInf/Rsn/Cd`]: 'reasonCode',
};

/** Limits that keep a hostile document from exhausting memory; a real report stays far below them. */
const MAX_DEPTH = 32;
const MAX_TEXT = 4_096;

/**
 * A streaming reader of pain.002.001.10 status reports (saxes, a conforming XML parser):
 * feed it the document in pieces of any size with `write`, then `close` for the report.
 * It keeps only what payout needs (message ids and each transaction's status and reason),
 * so a report of 100,000 transactions never exists as one string or one tree. It refuses
 * a DOCTYPE (no entity expansion, no external references), another namespace, a second
 * root and malformed XML, by throwing from `write` or `close`.
 */
export function statusReportReader() {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const path: string[] = [];
  const transactions: TransactionStatus[] = [];
  let messageId: string | undefined;
  let originalMessageId: string | undefined;
  let tx: { endToEndId?: string; status?: string; reasonCode?: string } | undefined;
  let text = '';
  let failure: Error | undefined;

  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('doctype', () => {
    failure ??= new Error('DOCTYPE is not accepted in a status report');
  });
  parser.on('opentag', (tag) => {
    if (path.length === 0 && (tag.local !== 'Document' || tag.uri !== PAIN_002_NAMESPACE)) {
      failure ??= new Error('not a pain.002.001.10 document');
    }
    if (tag.uri !== PAIN_002_NAMESPACE) failure ??= new Error('element outside the pain.002 namespace');
    path.push(tag.local);
    if (path.length > MAX_DEPTH) failure ??= new Error('status report nested too deeply');
    text = '';
    if (path.join('/') === TRANSACTION) tx = {};
  });
  parser.on('text', (value) => {
    text += value;
    if (text.length > MAX_TEXT) failure ??= new Error('text too long in a status report');
  });
  parser.on('cdata', (value) => {
    text += value;
  });
  parser.on('closetag', () => {
    const at = path.join('/');
    const value = text.trim();
    text = '';
    if (at === MESSAGE_ID) messageId = value;
    else if (at === ORIGINAL_MESSAGE_ID) originalMessageId = value;
    else if (tx && TX_FIELDS[at]) tx[TX_FIELDS[at]] = value;
    else if (at === TRANSACTION && tx) {
      const { endToEndId, status, reasonCode } = tx;
      if (!endToEndId || !status) failure ??= new Error('transaction status lacks OrgnlEndToEndId or TxSts');
      else
        transactions.push({
          endToEndId,
          status,
          outcome: outcomeOf(status),
          ...(reasonCode ? { reasonCode } : {}),
        });
      tx = undefined;
    }
    path.pop();
  });

  const check = () => {
    if (failure) throw failure;
  };
  return {
    /** Reads the next piece of the document. */
    write(chunk: string): void {
      check();
      parser.write(chunk);
      check();
    },
    /** Ends the document and answers the report read from it. */
    close(): StatusReport {
      check();
      parser.close();
      check();
      if (!messageId || !originalMessageId) throw new Error('status report lacks MsgId or OrgnlMsgId');
      return { messageId, originalMessageId, transactions };
    },
  };
}

/** Reads a whole status report from a string or from pieces arriving one after another. */
export async function readStatusReport(document: string | AsyncIterable<string>): Promise<StatusReport> {
  const reader = statusReportReader();
  if (typeof document === 'string') reader.write(document);
  else for await (const chunk of document) reader.write(chunk);
  return reader.close();
}

/**
 * Reads a pain.002.001.10 customer payment status report held in memory: the message it
 * answers and each transaction's status and reason code. A group rejected as a whole
 * (GrpSts RJCT without transaction detail) is reported as no transactions: the caller
 * keeps the lines pending for an operator, rather than guessing.
 */
export function parsePain002(xml: string): StatusReport {
  const reader = statusReportReader();
  reader.write(xml);
  return reader.close();
}

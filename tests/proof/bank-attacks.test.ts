import { sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { payoutAccessEvents } from '../../functions/payout/adapters/access-events';
import { dynamoDecryptedReadLog } from '../../functions/payout/adapters/decrypted-read-log';
import { EXAMPLE_SCHEMES } from '../../functions/payout/config/schemes.example';
import type { SignedReport } from '../../functions/payout/domain/bank-rail';
import { BankReportRefusedError } from '../../functions/payout/domain/bank-trust';
import { applyBatchCommand, type Batch } from '../../functions/payout/domain/batch';
import type { DecryptedReadLog } from '../../functions/payout/domain/decrypted-reads';
import {
  type DisbursePorts,
  disburseBatch,
  importStatusReport,
} from '../../functions/payout/domain/disburse';
import { planBatch } from '../../functions/payout/domain/plan-batch';
import type { PlanningQueue } from '../../functions/payout/domain/ports';
import { buildBankReports } from '../../functions/payout/handlers/bank-reports';
import { buildBatchesApi } from '../../functions/payout/handlers/batches-api';
import { writeStatusReport } from '../../local/bank/bank-xml';
import { createLocalBankPki, selfIssuedCertificate } from '../../local/bank/certificates';
import { type BankSimulator, startBankSimulator } from '../../local/bank/simulator';
import { newUlid } from '../../shared/domain/ids';
import { tracing } from '../../shared/observability/tracing';
import { staffClaims } from '../support/api-event';
import { type BankCustomer, bankCustomer } from '../support/bank';
import { callApi } from '../support/call-api';
import { quietObservability } from '../support/lambda';
import { provisionForTest } from '../support/local-aws';
import { enrolRuralParents, payoutRepos, planningQueueOf, TEST_ACCOUNTS } from '../support/payout-fixtures';
import { recordFigures } from './support/figures';

const scheme = EXAMPLE_SCHEMES.find((s) => s.code === 'rural-reward') as (typeof EXAMPLE_SCHEMES)[number];
const DEBTOR = {
  name: '浙江省奖励扶助资金专户',
  accountNumber: '1202000009000033001',
  bankCode: '999331000001',
};
const PEOPLE = 4;

/**
 * Attacks on the bank rail from both ends: clients the bank did not issue a certificate
 * to, and status reports that are not the bank's signed answer to a file this province
 * sent. Each must be refused, and a refused report must change nothing.
 */
describe('bank attacks: unauthenticated clients and forged status reports', () => {
  let bank: BankSimulator;
  let customer: BankCustomer;
  let repos: ReturnType<typeof payoutRepos>;
  let sent: Batch;
  let notSent: Batch;
  const clients = { tried: 0, accepted: 0 };
  const reports = { tried: 0, accepted: 0, changed: 0, unalerted: 0 };

  let readLog: DecryptedReadLog;
  let planning: PlanningQueue;
  const ports = (): DisbursePorts => ({
    batches: repos.batches,
    enrollments: repos.enrollments,
    accounts: TEST_ACCOUNTS,
    rail: customer.rail,
    debtor: DEBTOR,
    trust: customer.trust,
    now: () => new Date(),
  });

  /** Everything a report could change: both batches and all their lines. */
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all(
        [sent, notSent].map(async (b) => ({
          batch: await repos.batches.find(b.batchId),
          lines: (await repos.batches.lines(b.batchId, { limit: 100 })).items,
        })),
      ),
    );

  const approve = async (batch: Batch) => {
    const submitted = applyBatchCommand(batch, 'submit', { by: 'officer-1', at: new Date() });
    await repos.batches.saveState(submitted, 'planned');
    const approved = applyBatchCommand(submitted, 'approve', { by: 'approver-2', at: new Date() });
    await repos.batches.saveState(approved, 'submitted');
    return approved;
  };

  beforeAll(async () => {
    const { aws, resources } = await provisionForTest('52');
    planning = planningQueueOf(aws, resources);
    readLog = dynamoDecryptedReadLog(aws.documents, resources.tables.payout);
    repos = payoutRepos(aws, resources.tables.payout);
    bank = await startBankSimulator();
    customer = await bankCustomer(bank, 'jiahe-52');
    await enrolRuralParents(repos, PEOPLE, scheme.code);
    const plan = (period: string) =>
      planBatch(repos, { scheme, period, region: '330000', by: 'officer-1', at: new Date(), newId: newUlid });
    sent = (await disburseBatch(ports(), (await approve(await plan('2026-11'))).batchId)) as Batch;
    expect(sent.state).toBe('reconciled');
    expect(sent.ledger.paid.count).toBe(PEOPLE);
    notSent = await plan('2026-12');
  });

  afterAll(async () => {
    await bank?.stop();
    recordFigures('4-attacks-bank', [
      {
        suite: 'bank attacks',
        item: 'unauthenticated bank client',
        counts: clients,
        mustBeZero: ['accepted'],
      },
      {
        suite: 'bank attacks',
        item: 'forged bank report',
        counts: reports,
        mustBeZero: ['accepted', 'changed', 'unalerted'],
      },
    ]);
  });

  /** Sends a valid-looking file to the bank outside the channel; resolves the HTTP status, or 0 when refused at TLS. */
  const rawPost = (options: { key?: string; cert?: string; plain?: boolean }) =>
    new Promise<number>((resolve) => {
      const url = new URL('/pain001', bank.url);
      const body = '<Document/>';
      const req = options.plain
        ? httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' })
        : httpsRequest(url, {
            method: 'POST',
            ca: bank.pki.ca.certificate,
            ...(options.key ? { key: options.key } : {}),
            ...(options.cert ? { cert: options.cert } : {}),
            agent: false,
          });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });

  it('refuses clients without a certificate its CA issued', async () => {
    const filesBefore = bank.files.size;
    const requestsBefore = [...bank.requests.values()].reduce((a, b) => a + b, 0);
    const stranger = await selfIssuedCertificate('CN=jiahe-52');
    const attempts = [
      rawPost({}), // no client certificate at all
      rawPost({ cert: stranger.certificate, key: stranger.privateKey }), // a certificate of another CA
      rawPost({ cert: bank.pki.server.certificate, key: bank.pki.server.privateKey }), // the bank's CA, not a client certificate
      rawPost({ plain: true }), // plain HTTP to the TLS port
    ];
    for (const status of await Promise.all(attempts)) {
      clients.tried++;
      if (status >= 200 && status < 400) clients.accepted++;
    }
    expect(clients.tried).toBe(4);
    expect(clients.accepted).toBe(0);
    expect(bank.files.size).toBe(filesBefore);
    expect([...bank.requests.values()].reduce((a, b) => a + b, 0)).toBe(requestsBefore);
  });

  const lineIds = async (batch: Batch) =>
    (await repos.batches.lines(batch.batchId, { limit: 100 })).items.map((l) => l.endToEndId);

  const reportOf = (originalMessageId: string, endToEndIds: string[], status: 'ACSC' | 'RJCT' = 'RJCT') =>
    writeStatusReport({
      messageId: `RTN-${newUlid()}`,
      createdAt: '2026-12-02T10:00:00',
      originalMessageId,
      bankCode: '999000000001',
      transactions: endToEndIds.map((endToEndId) => ({ endToEndId, status, reasonCode: 'AC06' })),
    });

  const signedBy = (document: string, key: string, certificate: string): SignedReport => ({
    document,
    signature: {
      signature: sign('sha256', Buffer.from(document), key).toString('base64'),
      certificate,
    },
  });

  it('refuses forged and unmatched reports at the import route, alerts, changes nothing', async () => {
    const metrics = new Metrics({ serviceName: 'test', namespace: 'test' });
    const alerts = vi.spyOn(metrics, 'addMetric');
    const api = buildBatchesApi({
      province: '33',
      batches: repos.batches,
      enrollments: repos.enrollments,
      projection: repos.projection,
      accounts: TEST_ACCOUNTS,
      reads: readLog,
      accessReads: payoutAccessEvents(repos.outbox, '33'),
      debtor: DEBTOR,
      trust: customer.trust,
      planning,
      observability: { ...quietObservability(), metrics },
    });
    const officer = staffClaims('officer-9', ['payout-officer'], '330000');
    const ids = await lineIds(sent);
    const returned = reportOf(sent.batchId, ids.slice(0, 1));
    const other = await createLocalBankPki();
    const forgeries: { name: string; report: SignedReport }[] = [
      {
        name: 'a signature that is no signature',
        report: { document: returned, signature: { signature: 'AAAA', certificate: 'AAAA' } },
      },
      {
        name: 'signed by another CA',
        report: signedBy(returned, other.reportSigner.privateKey, other.reportSigner.certificate),
      },
      {
        name: "signed with the bank's TLS key (not a report-signing certificate)",
        report: signedBy(returned, bank.pki.server.privateKey, bank.pki.server.certificate),
      },
      {
        name: 'altered after signing',
        report: { document: returned.replace('AC06', 'AC04'), signature: bank.signReport(returned) },
      },
      {
        name: 'a signature of another document',
        report: { document: returned, signature: bank.signReport(reportOf(sent.batchId, ids.slice(1, 2))) },
      },
      { name: 'a file never sent', report: bankSigned(reportOf(newUlid(), ids.slice(0, 1))) },
      { name: 'a batch not sent to the bank', report: bankSigned(reportOf(notSent.batchId, [])) },
      { name: 'an unknown transaction', report: bankSigned(reportOf(sent.batchId, ['E2E-NOT-IN-THE-FILE'])) },
      {
        name: 'a repeated transaction',
        report: bankSigned(reportOf(sent.batchId, [ids[0] as string, ids[0] as string])),
      },
      { name: 'malformed XML', report: bankSigned(returned.slice(0, -40)) },
      {
        name: 'a DOCTYPE with an entity',
        report: bankSigned(
          returned.replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE d [<!ENTITY x "AC04">]>'),
        ),
      },
    ];
    const details = new Set<string>();
    for (const forgery of forgeries) {
      const before = await snapshot();
      const raised = alerts.mock.calls.length;
      reports.tried++;
      const reply = await callApi(api, 'POST', '/v1/payout-batches/{batchId}/status-reports', {
        path: { batchId: sent.batchId },
        body: { document: forgery.report.document, signature: forgery.report.signature },
        claims: officer,
      });
      if (reply.status < 400) reports.accepted++;
      if ((await snapshot()) !== before) reports.changed++;
      if (alerts.mock.calls.length === raised) reports.unalerted++;
      expect(reply.status, forgery.name).toBe(422);
      details.add(JSON.stringify(reply.body));
    }
    // The same answer whatever was wrong: the caller learns nothing about other files.
    expect(details.size).toBe(1);
  });

  it('refuses a report naming another batch than the one it is imported into', async () => {
    const report = bankSigned(reportOf(sent.batchId, (await lineIds(sent)).slice(0, 1)));
    const before = await snapshot();
    const error = await importStatusReport(ports(), report, notSent.batchId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BankReportRefusedError);
    expect((error as BankReportRefusedError).reason).toBe('another-file');
    expect(await snapshot()).toBe(before);
  });

  const bankSigned = (document: string): SignedReport => ({ document, signature: bank.signReport(document) });

  it('over the channel, refuses bank-signed reports of files this province never sent, alerts, changes nothing', async () => {
    const metrics = new Metrics({ serviceName: 'test', namespace: 'test' });
    const alerts = vi.spyOn(metrics, 'addMetric');
    const obs = {
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics,
      tracing: tracing('test', false),
    };
    let cursor = 0;
    const importer = buildBankReports({
      rail: customer.rail,
      trust: customer.trust,
      batches: repos.batches,
      cursor: {
        get: async () => cursor,
        set: async (seq) => {
          cursor = seq;
        },
      },
      now: () => new Date(),
      observability: obs,
    });
    await importer(); // whatever the bank had published before
    const before = await snapshot();
    bank.publishReport('jiahe-52', reportOf(newUlid(), (await lineIds(sent)).slice(0, 1)));
    bank.publishReport('jiahe-52', reportOf(notSent.batchId, []));
    const result = await importer();
    reports.tried += 2;
    reports.accepted += result.imported;
    if ((await snapshot()) !== before) reports.changed++;
    const raised = alerts.mock.calls.filter(([name]) => name === 'BankReportRefused').length;
    reports.unalerted += result.refused - raised;
    expect(result).toEqual({ imported: 0, refused: 2 });
    expect(raised).toBe(2);

    // The baseline, so the refusals mean something: the bank's own return of a sent payment is applied.
    bank.publishReport('jiahe-52', reportOf(sent.batchId, (await lineIds(sent)).slice(0, 1)));
    expect(await importer()).toEqual({ imported: 1, refused: 0 });
    const after = (await repos.batches.find(sent.batchId)) as Batch;
    expect(after.ledger.failed.count).toBe(1);
    expect(after.ledger.paid.count).toBe(PEOPLE - 1);
  });
});

import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { setting, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { fieldEnvelope } from '../../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment } from '../../../shared/crypto/field-keys';
import { systemClock } from '../../../shared/domain/clock';
import type { Observability } from '../../../shared/observability';
import { sealedBankAccounts } from '../adapters/bank-account-vault';
import { parseBankChannel } from '../adapters/bank-channel';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { httpBankRail } from '../adapters/http-bank-rail';
import { payoutConfiguration } from '../config/deployment';
import { certificatesOf } from '../domain/bank-trust';
import { type DisbursePorts, disburseBatch } from '../domain/disburse';
import { DisburseCommand } from '../schemas';

/**
 * Disburses approved batches, one queue message per batch. A crash at any point leaves
 * the message to be delivered again, and `disburseBatch` resumes without paying twice.
 */
export function buildDisburser(deps: DisbursePorts & { observability?: Observability }) {
  return batchHandler({
    service: 'payout-disburser',
    source: 'sqs',
    ...(deps.observability ? { observability: deps.observability } : {}),
    record: async (record: SQSRecord) => {
      const { batchId } = DisburseCommand.parse(JSON.parse(record.body));
      await disburseBatch(deps, batchId, record.messageId);
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('payout');
  const now = () => systemClock.now();
  // Checked at start: a broken configuration or channel fails the cold start, not a payment.
  const { debtor } = payoutConfiguration();
  const channel = parseBankChannel(
    await loadSecret('payout-bank-client'),
    await loadSecret('payout-bank-ca'),
    now(),
  );
  return buildDisburser({
    batches: dynamoBatchRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    accounts: sealedBankAccounts(fieldEnvelope(fieldKeyringsFromEnvironment())),
    rail: httpBankRail({ url: setting('payout-bank-url'), channel }),
    debtor,
    trust: { bankCa: certificatesOf(channel.bankCa) },
    now,
    leaseMs: 240_000,
  });
});

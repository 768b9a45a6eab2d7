import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { queueUrl, setting, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { sqsClient } from '../../../shared/aws/sqs';
import { fieldEnvelope } from '../../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment } from '../../../shared/crypto/field-keys';
import { systemClock } from '../../../shared/domain/clock';
import type { Observability } from '../../../shared/observability';
import { sealedBankAccounts } from '../adapters/bank-account-vault';
import { parseBankChannel } from '../adapters/bank-channel';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { sqsDisburseQueue } from '../adapters/disburse-queue';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { httpBankRail } from '../adapters/http-bank-rail';
import { payoutConfiguration } from '../config/deployment';
import { certificatesOf } from '../domain/bank-trust';
import { type DisbursePorts, type DisburseStep, disburseBatch } from '../domain/disburse';
import { DisburseCommand } from '../schemas';

/**
 * Disburses approved batches, one queue message per batch. A crash at any point leaves
 * the message to be delivered again, and `disburseBatch` resumes without paying twice.
 * A batch too large for one invocation goes on in steps: when its time runs short, an
 * invocation sends the batch's command again through `continueLater` and stops.
 */
export function buildDisburser(
  deps: DisbursePorts & {
    continueLater: DisburseStep['continueLater'];
    observability?: Observability;
  },
) {
  const { continueLater, observability: obs, ...ports } = deps;
  return batchHandler({
    service: 'payout-disburser',
    source: 'sqs',
    ...(obs ? { observability: obs } : {}),
    record: async (record: SQSRecord, context) => {
      const { batchId } = DisburseCommand.parse(JSON.parse(record.body));
      const step = { timeLeftMs: () => context.getRemainingTimeInMillis(), continueLater };
      await disburseBatch({ ...ports, step }, batchId, record.messageId);
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
    continueLater: sqsDisburseQueue(sqsClient(), queueUrl('payout-payments')),
  });
});

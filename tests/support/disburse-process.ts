/**
 * A disbursing worker as a process of its own, for tests that kill it with SIGKILL at
 * arbitrary points: it disburses one batch against DynamoDB Local and a bank simulator,
 * then exits 0. Configured by environment: endpoint, table, bank URL and channel, batch id.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BankChannelCredentials } from '../../functions/payout/adapters/bank-channel';
import { dynamoBatchRepository } from '../../functions/payout/adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../../functions/payout/adapters/enrollment-repository';
import { httpBankRail } from '../../functions/payout/adapters/http-bank-rail';
import { certificatesOf } from '../../functions/payout/domain/bank-trust';
import { disburseBatch } from '../../functions/payout/domain/disburse';
import { localClientConfig } from '../../local/services/clients';
import { documentClient } from '../../shared/aws/dynamodb';
import { TEST_ACCOUNTS } from './payout-fixtures';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};

const db = documentClient(new DynamoDBClient(localClientConfig(env('TEST_DYNAMODB_ENDPOINT'))));
const table = env('TEST_PAYOUT_TABLE');
const channel = JSON.parse(env('TEST_BANK_CHANNEL')) as BankChannelCredentials;
await disburseBatch(
  {
    batches: dynamoBatchRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    accounts: TEST_ACCOUNTS,
    rail: httpBankRail({ url: env('TEST_BANK_URL'), channel, backoffMs: 5 }),
    trust: { bankCa: certificatesOf(channel.bankCa) },
    debtor: {
      name: '浙江省奖励扶助资金专户',
      accountNumber: '1202000009000033001',
      bankCode: '999331000001',
    },
    now: () => new Date(),
  },
  env('TEST_BATCH_ID'),
);
process.exit(0);

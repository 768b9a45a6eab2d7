import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { loadSecret } from '../../../shared/aws/secrets';
import { aesGcmFieldCipher } from '../../../shared/crypto/field-cipher';
import { fieldEnvelope } from '../../../shared/crypto/field-envelope';
import { fieldKeyringsFromEnvironment } from '../../../shared/crypto/field-keys';
import { systemClock } from '../../../shared/domain/clock';
import { type Observability, observability } from '../../../shared/observability';
import { OpenedBankAccount, sealedBankAccounts } from '../adapters/bank-account-vault';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoRekeyProgress } from '../adapters/rekey-progress';
import { type RekeyPorts, type RekeyRun, rekeyBankAccounts } from '../domain/rekey';

/** What an operator may pass; nothing is needed. */
const RekeyEvent = z.strictObject({ pageSize: z.number().int().min(1).max(1000).default(200) });

/** Time kept in hand when deciding whether another page fits before the function's timeout. */
const MARGIN_MS = 60_000;

/**
 * The field re-sealing procedure (key rotation): an operator invokes it, and again while
 * it answers `done: false`; each invocation goes on from the saved place. It logs counts
 * and key ids only, never an account.
 */
export function buildFieldRekeyer(ports: RekeyPorts, observed?: Observability) {
  const { logger } = observed ?? observability('payout-field-rekeyer');
  return async (raw: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<RekeyRun> => {
    const event = RekeyEvent.parse(raw ?? {});
    const run = await rekeyBankAccounts(ports, {
      pageSize: event.pageSize,
      mayContinue: () => !context || context.getRemainingTimeInMillis() > MARGIN_MS,
    });
    logger.info('field re-sealing', {
      targetKeyId: run.targetKeyId,
      pass: run.pass,
      byKey: run.byKey,
      resealed: run.resealed,
      changedMeanwhile: run.changedMeanwhile,
      failedCount: run.failedCount,
      done: run.done,
    });
    return run;
  };
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('payout');
  const former = aesGcmFieldCipher(await loadSecret('payout-encryption-key'));
  return buildFieldRekeyer({
    enrollments: dynamoEnrollmentRepository(db, table),
    accounts: sealedBankAccounts(fieldEnvelope(fieldKeyringsFromEnvironment())),
    openFormer: (encrypted) => OpenedBankAccount.parse(JSON.parse(former.decrypt(encrypted))),
    progress: dynamoRekeyProgress(db, table),
    now: () => systemClock.now(),
  });
});

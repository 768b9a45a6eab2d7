import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PlanningQueue } from '../domain/ports';

/** SQS takes at most ten messages per batch. */
const SQS_BATCH = 10;

/**
 * The `payout-planning` queue: one message per batch to plan. A request the queue refuses
 * fails the whole call, so the schedule's run fails and is retried; planning the same
 * (scheme, period, region) twice finds the batch already there.
 */
export function sqsPlanningQueue(sqs: SQSClient, queueUrl: string): PlanningQueue {
  return {
    async request(requests) {
      for (let i = 0; i < requests.length; i += SQS_BATCH) {
        const group = requests.slice(i, i + SQS_BATCH);
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: group.map((r, j) => ({ Id: String(j), MessageBody: JSON.stringify(r) })),
          }),
        );
        if (out.Failed?.length) {
          const codes = [...new Set(out.Failed.map((f) => f.Code))].join(', ');
          throw new Error(`the planning queue refused ${out.Failed.length} requests (${codes})`);
        }
      }
    },
  };
}

import { Annotations, Duration } from 'aws-cdk-lib';
import { FilterCriteria, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import type { FunctionSpec } from '../../shared/manifest';
import type { DataStack } from '../stacks/data-stack';
import { type Acknowledgements, wildcardActionFinding } from './nag';
import { pascal } from './names';

/**
 * Connects a function to the queue or table stream its manifest subscribes it to. Both
 * report partial batch failures, so one bad record is retried alone instead of its batch.
 */
export function addManifestTriggers(
  scope: Construct,
  fn: IFunction,
  spec: FunctionSpec,
  data: DataStack,
  findings: Acknowledgements,
): void {
  if (spec.queue) {
    const work = data.queue(spec.queue.queue);
    if (work.spec.visibilityTimeoutSeconds < 6 * spec.timeoutSeconds) {
      // Lambda's guidance: at least six times the function timeout, or messages held by a
      // throttled or retrying poller reappear and are processed twice (or reach the DLQ early).
      Annotations.of(scope).addWarningV2(
        'jiahe:visibility-timeout',
        `Queue ${spec.queue.queue} has a visibility timeout below 6 x the ${spec.timeoutSeconds} s timeout of ${spec.name}`,
      );
    }
    fn.addEventSource(
      new SqsEventSource(work.queue, {
        batchSize: spec.queue.batchSize,
        maxConcurrency: spec.queue.maxConcurrency,
        reportBatchItemFailures: true,
        // SQS allows batches above 10 only with a batching window.
        maxBatchingWindow: spec.queue.batchSize > 10 ? Duration.seconds(1) : undefined,
      }),
    );
  }
  if (spec.stream) {
    const table = data.table(spec.stream.table).referenceIn(scope, `${pascal(spec.stream.table)}StreamTable`);
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: spec.stream.batchSize,
        retryAttempts: spec.stream.retryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(data.streamDeadLetter(spec.stream.table).queue),
        ...(spec.stream.filters
          ? { filters: spec.stream.filters.map((pattern) => FilterCriteria.filter({ ...pattern })) }
          : {}),
        ...(spec.stream.parallelization ? { parallelizationFactor: spec.stream.parallelization } : {}),
      }),
    );
    findings.add(
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams has no resource-level permissions (IAM accepts only "*"); it lists stream ARNs, ' +
        "no data. Reading records is limited to this table's stream ARN.",
    );
    const reason =
      'The stream failure destination is an SQS queue under the messaging CMK; CDK grant methods add ' +
      'kms:GenerateDataKey* and kms:ReEncrypt* on that one key.';
    findings.add(wildcardActionFinding('kms:GenerateDataKey*'), reason);
    findings.add(wildcardActionFinding('kms:ReEncrypt*'), reason);
  }
}

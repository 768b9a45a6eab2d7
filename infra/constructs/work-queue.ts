import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../shared/manifest';
import { DeadLetterQueue } from './dead-letter-queue';

export interface WorkQueueProps {
  readonly spec: QueueSpec;
  readonly queueName: string;
  readonly encryptionKey: IKey;
}

/**
 * How old the oldest message may grow before someone is paged: every attempt the queue
 * allows, plus a quarter of an hour. Older means the consumer is stuck or throttled, and
 * the message has neither been handled nor reached the DLQ, whose alarm would fire.
 */
export const backlogAgeThresholdSeconds = (spec: QueueSpec): number =>
  spec.visibilityTimeoutSeconds * spec.maxReceiveCount + 15 * 60;

/** A manifest queue with its dead-letter queue, both KMS-encrypted and TLS-only, alarmed on backlog. */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetter: DeadLetterQueue;
  readonly backlogAlarm: Alarm;
  readonly spec: QueueSpec;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.spec = props.spec;
    this.deadLetter = new DeadLetterQueue(this, 'DeadLetter', {
      queueName: `${props.queueName}-dlq`,
      encryptionKey: props.encryptionKey,
      purpose: `messages of ${props.spec.name} that failed ${props.spec.maxReceiveCount} deliveries`,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(props.spec.retentionDays),
      deadLetterQueue: { queue: this.deadLetter.queue, maxReceiveCount: props.spec.maxReceiveCount },
      // Queued messages are state: removing the stack must not drop undelivered events.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backlogAlarm = new Alarm(this, 'BacklogAlarm', {
      alarmName: `${props.queueName}-backlog`,
      alarmDescription:
        `${props.queueName}: the oldest message has waited longer than all its attempts allow; ` +
        `its consumer is stuck, throttled or failing. Check the function's errors and throttles.`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: backlogAgeThresholdSeconds(props.spec),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

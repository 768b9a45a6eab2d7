import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  readonly queueName: string;
  readonly encryptionKey: IKey;
  /** What lands here, for the alarm description an operator reads first. */
  readonly purpose: string;
}

/**
 * Where messages go after their last failed attempt. Kept the SQS maximum of 14 days so an
 * operator has time to replay them, encrypted like the queues it serves, and alarmed as
 * soon as it holds anything: a message here is a person whose update did not happen.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.alarm = new Alarm(this, 'NotEmptyAlarm', {
      alarmName: `${props.queueName}-not-empty`,
      alarmDescription: `${props.queueName} holds messages: ${props.purpose}. Inspect, fix, then replay.`,
      // SQS publishes this metric every 5 minutes; Maximum catches a single message.
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

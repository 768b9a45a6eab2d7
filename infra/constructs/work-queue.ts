import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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

/** A manifest queue with its dead-letter queue, both KMS-encrypted and TLS-only. */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetter: DeadLetterQueue;
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
  }
}

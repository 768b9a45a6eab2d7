import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface ProtectedTableProps {
  /** Physical table name; fixed so the table is addressed by name from other stacks. */
  readonly tableName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** GSI names; each is keyed `<name>pk` / `<name>sk` (strings). */
  readonly indexes: readonly string[];
  /** Those of `indexes` that project keys only; the others project all attributes. */
  readonly keysOnly: readonly string[];
  readonly stream: boolean;
  readonly timeToLiveAttribute: string;
  readonly keyAlias: string;
  readonly description: string;
}

/**
 * A DynamoDB table that holds records of people: its own customer-managed key (rotated),
 * point-in-time recovery, deletion protection, and RETAIN so no stack operation can drop it.
 */
export class ProtectedTable extends Construct {
  readonly table: Table;
  readonly key: Key;
  readonly tableName: string;
  readonly indexes: readonly string[];

  constructor(scope: Construct, id: string, props: ProtectedTableProps) {
    super(scope, id);
    this.tableName = props.tableName;
    this.indexes = props.indexes;
    this.key = new Key(this, 'Key', {
      alias: props.keyAlias,
      description: `Encrypts DynamoDB table ${props.tableName}: ${props.description}`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: props.partitionKey, type: AttributeType.STRING },
      sortKey: props.sortKey ? { name: props.sortKey, type: AttributeType.STRING } : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: props.timeToLiveAttribute,
      stream: props.stream ? StreamViewType.NEW_AND_OLD_IMAGES : undefined,
    });
    for (const index of props.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}pk`, type: AttributeType.STRING },
        sortKey: { name: `${index}sk`, type: AttributeType.STRING },
        projectionType: props.keysOnly.includes(index) ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
  }

  /**
   * This table as seen from a construct in another stack, addressed by its physical name.
   * Grants on it then name the table ARN with pseudo parameters instead of an export, so
   * the `index/*` wildcard that grant methods add has a predictable finding id to
   * acknowledge. The stream ARN and key still come from this stack (they carry no wildcard).
   */
  referenceIn(scope: Construct, id: string): ITable {
    return Table.fromTableAttributes(scope, id, {
      tableName: this.tableName,
      tableStreamArn: this.table.tableStreamArn,
      encryptionKey: this.key,
      globalIndexes: [...this.indexes],
    });
  }
}

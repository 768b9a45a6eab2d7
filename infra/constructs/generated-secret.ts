import { RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface GeneratedSecretProps {
  readonly secretName: string;
  readonly description: string;
  readonly encryptionKey: IKey;
  /** Why this secret is not rotated automatically (cdk-nag asks; the answer belongs to the secret). */
  readonly noRotationReason: string;
  /**
   * For a value Secrets Manager cannot generate (a key set in a given format): the secret is
   * created holding this non-secret placeholder, and an operator puts the real value in
   * before the functions that read it are used (docs/deployment.md). Those functions refuse
   * to start on the placeholder.
   */
  readonly operatorSuppliedPlaceholder?: string;
}

/**
 * A secret whose value Secrets Manager generates at creation (64 random alphanumeric
 * characters, about 380 bits), so it never appears in code, templates or a pipeline; or,
 * for a structured value, one an operator supplies after creation over a placeholder.
 */
export class GeneratedSecret extends Construct {
  readonly secret: Secret;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.secret = new Secret(this, 'Secret', {
      secretName: props.secretName,
      description: props.description,
      encryptionKey: props.encryptionKey,
      ...(props.operatorSuppliedPlaceholder !== undefined
        ? { secretStringValue: SecretValue.unsafePlainText(props.operatorSuppliedPlaceholder) }
        : { generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false } }),
      // Losing the value would make every record keyed by it unfindable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.secret, 'AwsSolutions-SMG4', props.noRotationReason);
  }

  /**
   * Lets `grantee` (in any stack) read this secret. Secret.grantRead would grant key use
   * through a Secrets Manager service principal whose account CDK cannot compare; for a
   * key of this stack it then writes the reader's role into the key policy (this stack
   * would depend on the reader's: a cycle), and for an imported key it grants nothing.
   * So the secret is imported into the reader's scope, and the decrypt permission, bound
   * to Secrets Manager by kms:ViaService, is put on the reader's own policy. The key policy
   * already defers to IAM policies of the account.
   */
  grantRead(scope: Construct, id: string, grantee: IGrantable): void {
    Secret.fromSecretCompleteArn(scope, id, this.secret.secretArn).grantRead(grantee);
    const stack = Stack.of(scope);
    Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
    });
  }
}

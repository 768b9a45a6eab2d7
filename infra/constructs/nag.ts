import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Helpers for cdk-nag 3 acknowledgements. cdk-nag 3 has no prefix matching: a wildcard
 * finding is acknowledged by its exact id, `AwsSolutions-IAM5[Resource::<flattened ARN>]`.
 * These helpers compute that id from the same ARN the grant used, so acknowledgements stay
 * exact (and narrow) when logical ids or names change.
 */

/** Records one acknowledged finding on a construct; it covers the construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The IAM5 finding id for a wildcard action such as `kms:GenerateDataKey*`. */
export const wildcardActionFinding = (action: string): string => `AwsSolutions-IAM5[Action::${action}]`;

/**
 * The IAM5 finding id for a wildcard resource. `arn` may contain tokens of its own stack
 * (logical ids, pseudo parameters); cross-stack tokens are not supported because their
 * import names are only known after synthesis has resolved references.
 */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(scope).resolve(arn))}]`;
}

/** Mirrors cdk-nag's flattening of CloudFormation intrinsics into the text of a finding id. */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const intrinsic = node as Record<string, unknown>;
    const join = intrinsic['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(flattenReference).join(join[0]);
    if ('Fn::Sub' in intrinsic) return flattenReference(intrinsic['Fn::Sub']);
    const getAtt = intrinsic['Fn::GetAtt'] as [unknown, unknown] | undefined;
    if (getAtt) return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    if ('Fn::ImportValue' in intrinsic) return flattenReference(intrinsic['Fn::ImportValue']);
    if ('Ref' in intrinsic) return `<${flattenReference(intrinsic.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Collects the findings a construct's grants give rise to, each with its reason, and
 * acknowledges them once. Several grants can cause the same finding (the X-Ray and
 * stream-listing statements both need `Resource::*`); their reasons are joined.
 */
export class Acknowledgements {
  private readonly reasons = new Map<string, Set<string>>();

  add(id: string, reason: string): void {
    const reasons = this.reasons.get(id) ?? new Set<string>();
    reasons.add(reason);
    this.reasons.set(id, reasons);
  }

  applyTo(scope: IConstruct): void {
    for (const [id, reasons] of this.reasons) acknowledge(scope, id, [...reasons].join(' '));
  }
}

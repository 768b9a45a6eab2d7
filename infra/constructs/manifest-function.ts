import { Aws, CfnCondition, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeploymentSettings, FunctionSpec } from '../../shared/manifest';
import type { DataStack } from '../stacks/data-stack';
import { awsLibrariesLayer } from './aws-libraries-layer';
import { FunctionAlarms } from './function-alarms';
import { functionCode } from './function-code';
import { functionEnvironment } from './function-environment';
import { grantManifestAccess } from './function-grants';
import { addManifestTriggers } from './function-triggers';
import { Acknowledgements } from './nag';

export interface ManifestFunctionProps {
  readonly province: string;
  readonly spec: FunctionSpec;
  readonly data: DataStack;
  readonly settings: DeploymentSettings;
  /** The `iss` of citizen and staff tokens, for functions that serve routes. */
  readonly issuers: Readonly<Record<'citizen' | 'staff', string>>;
}

/**
 * One manifest function: Node.js 24 on arm64, its own log group and role, permissions and
 * triggers derived from the manifest and nothing more.
 */
export class ManifestFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ManifestFunctionProps) {
    super(scope, id);
    const { spec, data } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      // At least six months is the legal floor (Cybersecurity Law art. 21); a year leaves no gap.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role with a log-group grant, instead of the AWSLambdaBasicExecutionRole
    // managed policy (AwsSolutions-IAM4), which would allow writing to any log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${spec.name}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      ...functionCode(this, spec, props.settings),
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      layers: [awsLibrariesLayer(this)],
      environment: functionEnvironment(spec, props.province, data, props.settings, props.issuers),
    });

    // X-Ray's Lambda integration does not exist in the AWS China regions: there the
    // function runs untraced and the tracer stays off, decided by the partition at deploy
    // time so an environment-agnostic template is right in either.
    const inChina = chinaPartition(this);
    const cfn = this.fn.node.defaultChild as CfnFunction;
    cfn.tracingConfig = Fn.conditionIf(inChina.logicalId, Aws.NO_VALUE, { Mode: 'Active' });
    this.fn.addEnvironment(
      'POWERTOOLS_TRACE_ENABLED',
      Fn.conditionIf(inChina.logicalId, 'false', 'true').toString(),
    );

    const findings = new Acknowledgements();
    findings.add(
      'AwsSolutions-IAM5[Resource::*]',
      'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no ' +
        'resource-level permissions (IAM accepts only "*"); they write trace data, never read any.',
    );
    grantManifestAccess(this, this.fn, spec, data, findings);
    addManifestTriggers(this, this.fn, spec, data, findings);
    findings.applyTo(this.role);
    if (spec.alarms?.length) new FunctionAlarms(this, 'Alarms', spec, props.province);
  }
}

/** The stack's condition "deployed in the aws-cn partition", created once per stack. */
function chinaPartition(scope: Construct): CfnCondition {
  const stack = Stack.of(scope);
  const id = 'InChinaPartition';
  return (
    (stack.node.tryFindChild(id) as CfnCondition | undefined) ??
    new CfnCondition(stack, id, { expression: Fn.conditionEquals(Aws.PARTITION, 'aws-cn') })
  );
}

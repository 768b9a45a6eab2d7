import { App, type Environment } from 'aws-cdk-lib';
import { manifests } from '../functions/manifests';
import { SETTING_NAMES } from '../shared/manifest';
import { parseFieldKeyGenerations } from './constructs/field-keys';
import { parseIdentity } from './identity';
import { buildApp } from './jiahe-app';
import { parseProvince } from './province';
import { missingContext, missingContextMessage } from './required-context';

/**
 * CDK entry point: one province per synth, e.g. for the Ningxia region
 * `npx cdk synth -c province=33 -c region=cn-northwest-1 -c account=… -c payout-bank-url=https://…
 * -c citizen-issuer=https://… -c staff-issuer=https://…` (docs/deployment.md). Account and
 * region come from context or the CLI's defaults; with neither, the stacks stay
 * environment-agnostic. A missing or malformed value stops synthesis with a message naming it.
 */
const app = new App();

let province: string;
try {
  province = parseProvince(app.node.tryGetContext('province'));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const contextString = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const missing = missingContext(contextString, manifests);
if (missing.length > 0) {
  console.error(missingContextMessage(missing));
  process.exit(1);
}

const account = contextString('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = contextString('region') ?? process.env.CDK_DEFAULT_REGION;
const env: Environment | undefined = account || region ? { account, region } : undefined;

const settings = Object.fromEntries(
  SETTING_NAMES.flatMap((name) => {
    const value = contextString(name);
    return value ? [[name, value]] : [];
  }),
);

try {
  const fieldKeyGenerations = parseFieldKeyGenerations(app.node.tryGetContext('field-keys'));
  const identity = parseIdentity((key) => contextString(key), province, region);
  buildApp(app, province, { env, settings, fieldKeyGenerations, identity });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { localSecretEnvName, type SecretName } from '../manifest';
import { secretArn } from './config';

/**
 * Loads a secret once per cold start. In AWS it comes from Secrets Manager (KMS-encrypted);
 * the local cloud, where Secrets Manager cannot run, hands the function a generated value
 * through a `LOCAL_SECRET_*` variable that the CDK app never sets.
 */
export async function loadSecret(secret: SecretName, client?: SecretsManagerClient): Promise<string> {
  const local = process.env[localSecretEnvName(secret)];
  if (local) return local;
  const sm = client ?? new SecretsManagerClient({});
  const result = await sm.send(new GetSecretValueCommand({ SecretId: secretArn(secret) }));
  if (!result.SecretString) throw new Error(`secret ${secret} has no string value`);
  return result.SecretString;
}

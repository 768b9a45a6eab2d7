import {
  queueEnvName,
  type SecretName,
  type SettingName,
  secretArnEnvName,
  settingEnvName,
  type TableName,
  tableEnvName,
} from '../manifest';

/** Reads a required environment variable, failing the cold start loudly when it is missing. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}

/** The physical name of a table this function was granted, as its manifest names it. */
export const tableName = (table: TableName): string => requiredEnv(tableEnvName(table));

/** The URL of a queue this function may use. */
export const queueUrl = (queue: string): string => requiredEnv(queueEnvName(queue));

/** The two-digit province code of this deployment (33, 51…). */
export const province = (): string => requiredEnv('JIAHE_PROVINCE');

export const secretArn = (secret: SecretName): string => requiredEnv(secretArnEnvName(secret));

/** A deployment setting this function's manifest names (shared/manifest.ts `settings`). */
export const setting = (name: SettingName): string => requiredEnv(settingEnvName(name));

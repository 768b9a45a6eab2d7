/** The region every local resource lives in; ARNs and queue URLs are formed with it. */
export const LOCAL_REGION = 'us-east-1';

/** The configuration an AWS SDK v3 client needs to talk to one of the local emulators. */
export interface LocalClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Client configuration for an emulator endpoint. Credentials and region are explicit so no
 * client ever walks the default provider chain (environment, profile files, instance
 * metadata): that would be slow, could pick up real credentials, and fails on machines with
 * none. The emulators accept any credentials; DynamoDB Local runs with `-sharedDb`, so the
 * values do not partition data either.
 */
export const localClientConfig = (endpoint: string): LocalClientConfig => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * The layer's entry for the AWS Encryption SDK. The package is CommonJS only, and an ESM
 * bundle of a CommonJS module exports just `default`; naming the exports here makes esbuild
 * export each by name, as the function bundles import them.
 */
export {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KeyringNode,
  KmsKeyringNode,
  MultiKeyringNode,
  NodeAlgorithmSuite,
  NodeCachingMaterialsManager,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';

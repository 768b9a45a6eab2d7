import type { AreaManifest } from '../shared/manifest';
import { exchangeManifest } from './exchange/manifest';
import { payoutManifest } from './payout/manifest';
import { registryManifest } from './registry/manifest';

/** All areas, in dependency order; the CDK app and the local cloud both start here. */
export const manifests: readonly AreaManifest[] = [registryManifest, payoutManifest, exchangeManifest];

import type { ApiDescription } from '../shared/http/api-description';
import { buildOpenApi } from '../shared/http/openapi';
import { exchangeApi } from './exchange/api-description';
import { manifests } from './manifests';
import { payoutApi } from './payout/api-description';
import { registryApi } from './registry/api-description';

/** Each area's route descriptions, by area. */
export const apiDescriptions: Readonly<Record<string, ApiDescription>> = {
  registry: registryApi,
  payout: payoutApi,
  exchange: exchangeApi,
};

const DESCRIPTION = `The API of one province's jiahe: the population register and birth registration, benefit payouts, and the signed exchange between provinces.

- **Authentication**: \`Authorization: Bearer <JWT>\`; routes marked public need none. Each operation lists the roles it admits.
- **Errors**: RFC 9457 \`application/problem+json\` with a stable \`type\` per error kind; \`title\`, \`detail\` and field messages in Chinese (default) or English by \`Accept-Language\`; every invalid field named in \`errors\`.
- **Money** is integer fen (分). **Ids** are ULIDs. Resident IDs and bank accounts are only ever shown masked.
- **Retries**: a POST may carry \`Idempotency-Key\`; changes to versioned records take \`If-Match\` with the \`ETag\` last read.
- **Pages**: list routes take \`cursor\` and \`limit\` and return the next cursor while more remain.

See docs/api-conventions.md.`;

/** The OpenAPI 3.1 document of every route of every area, generated from the zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  return buildOpenApi({
    title: 'jiahe API',
    version: '0.1.0',
    description: DESCRIPTION,
    manifests,
    descriptions: apiDescriptions,
  });
}

/** The document as committed in docs/openapi.json. */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

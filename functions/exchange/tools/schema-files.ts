import { protocolJsonSchemas } from '../domain/json-schemas';

/** Where the published schemas live in the repository. */
export const SCHEMA_DIR = 'docs/exchange/schemas';

/**
 * The committed schema files, path → content: the envelope, the receipts, and one file per
 * message type's `data` (`data/person.residence-registered.v1.schema.json`).
 */
export function schemaFiles(): Record<string, string> {
  const schemas = protocolJsonSchemas();
  const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {
    'envelope.schema.json': text(schemas.envelope),
    'receipt.schema.json': text(schemas.receipt),
    'batch-receipt.schema.json': text(schemas.batchReceipt),
  };
  for (const [type, schema] of Object.entries(schemas.data)) {
    files[`data/${type.replace(/^cn\.gov\.jiahe\./, '')}.schema.json`] = text(schema);
  }
  return files;
}

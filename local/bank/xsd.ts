import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

const schemaFile = (name: string) => ({
  fileName: name,
  contents: readFileSync(new URL(`./iso20022/${name}`, import.meta.url), 'utf8'),
});

const SCHEMAS = {
  'pain.001.001.09': 'pain.001.001.09.xsd',
  'pain.002.001.10': 'pain.002.001.10.xsd',
} as const;

/** Validates a document against its published ISO 20022 schema (libxml2); answers the errors, empty when valid. */
export async function xsdErrors(message: keyof typeof SCHEMAS, xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [schemaFile(SCHEMAS[message])],
  });
  return result.valid ? [] : result.errors.map((e) => e.message);
}

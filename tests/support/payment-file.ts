import { gunzipSync } from 'node:zlib';

/** The pain.001 XML of a payment-file answer, which the API sends gzip-compressed and base64-encoded. */
export const paymentFileXml = (body: { readonly documentGzipBase64: string }): string =>
  gunzipSync(Buffer.from(body.documentGzipBase64, 'base64')).toString('utf8');

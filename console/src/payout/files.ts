/** The file name a payment file is saved under: its message id (the batch id), as pain.001 XML. */
export const paymentFileName = (messageId: string): string =>
  `pain.001-${messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`;

/**
 * A document the API answers gzip-compressed and base64-encoded (a payment file of a large
 * batch is more than the API may answer as text), as the file it is: decompressed by the
 * browser's own DecompressionStream, never held as a string.
 */
export async function gunzippedFile(gzipBase64: string, type: string): Promise<Blob> {
  const compressed = new Response(Uint8Array.from(atob(gzipBase64), (c) => c.charCodeAt(0))).body;
  if (!compressed) throw new TypeError('The compressed document is empty.');
  const xml = new Response(compressed.pipeThrough(new DecompressionStream('gzip')));
  return new Blob([await xml.arrayBuffer()], { type });
}

/**
 * Saves a file the browser downloads (an object URL on a link clicked once), then lets the
 * URL go. Nothing is kept in the page once the download has started.
 */
export function saveFile(name: string, file: Blob): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The bank's detached signature of a status report, as it delivers it (and the CLI reads it). */
export interface ReportSignature {
  readonly signature: string;
  readonly certificate: string;
}

/** Reads the bank's signature file: JSON `{ signature, certificate }`, or undefined when it is not one. */
export function readSignature(text: string): ReportSignature | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object') return undefined;
    const { signature, certificate } = value as Record<string, unknown>;
    if (typeof signature !== 'string' || typeof certificate !== 'string') return undefined;
    if (!signature || !certificate) return undefined;
    return { signature: signature.trim(), certificate };
  } catch {
    return undefined;
  }
}

/** The text of a file the user chose, read as UTF-8 (the bank signs the exact bytes). */
export const readFileText = (file: Blob): Promise<string> =>
  typeof file.text === 'function'
    ? file.text()
    : new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsText(file, 'utf-8');
      });

/**
 * The little XML the bank files need: escaping for the writer, and a strict reader for
 * status reports. The reader takes elements, attributes, text and the five predefined
 * entities; it refuses DOCTYPE and processing instructions other than the declaration
 * (no entity expansion, no external references), which is all a bank report contains.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Escapes text or an attribute value. */
export const escapeXml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)?.[0]};`);

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const named = ENTITIES[ref];
    if (named === undefined) throw new Error(`unknown entity ${whole}`);
    return named;
  });
}

/** Local name of a possibly prefixed XML name. */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Parses a document into its root element (names without prefixes); throws on malformed input. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const token =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!([^>]*)>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let consumed = 0;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    if (m.index !== consumed) throw new Error('malformed XML');
    consumed = token.lastIndex;
    const [whole, cdata, bang, close, open, attrs, selfClose, text] = m;
    if (whole.startsWith('<?')) {
      if (!/^<\?xml\s/.test(whole)) throw new Error('processing instructions are not accepted');
      continue;
    }
    if (whole.startsWith('<!--')) continue;
    if (bang !== undefined) throw new Error('DOCTYPE and declarations are not accepted');
    const top = stack.at(-1);
    if (cdata !== undefined || text !== undefined) {
      const value = cdata ?? decodeEntities(text ?? '');
      if (top) top.text += value;
      else if (value.trim()) throw new Error('text outside the root element');
      continue;
    }
    if (close !== undefined) {
      const done = stack.pop();
      if (!done || done.name !== local(close)) throw new Error('mismatched closing tag');
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of (attrs ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes[local(a[1] ?? '')] = decodeEntities(a[2] ?? a[3] ?? '');
    }
    const element: XmlElement = { name: local(open ?? ''), attributes, children: [], text: '' };
    if (top) top.children.push(element);
    else if (root) throw new Error('more than one root element');
    else root = element;
    if (!selfClose) stack.push(element);
  }
  if (consumed !== xml.length || stack.length > 0 || !root) throw new Error('malformed XML');
  return root;
}

/** The first child element with a name path, e.g. `child(tx, 'StsRsnInf', 'Rsn', 'Cd')`. */
export function child(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let current = element;
  for (const name of path) current = current?.children.find((c) => c.name === name);
  return current;
}

/** All child elements of a name. */
export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] =>
  element?.children.filter((c) => c.name === name) ?? [];

/** Trimmed text of a descendant, or undefined. */
export const textAt = (element: XmlElement | undefined, ...path: string[]): string | undefined =>
  child(element, ...path)?.text.trim();

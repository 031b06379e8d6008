/**
 * Test support: reads an XML file with Chromium's own XML parser (libxml2 in Blink, strict: a malformed document is
 * a parser error, not a guess) and checks an ELAN document against the EAF 3.0 format description without its XSD
 * (none can be fetched here, and no EAF reader installs from npm or Debian): the order and number of
 * ANNOTATION_DOCUMENT's children, every element's required and allowed attributes, unique ids, time slots in
 * milliseconds ascending, each alignable annotation's first slot before its second, references that resolve, and
 * annotations of one top-level tier that do not overlap.
 */
import type { Page } from 'playwright-core';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** The document's root element as a plain tree; throws with the parser's message when the XML is not well-formed. */
export async function parseXml(page: Page, xml: string): Promise<XmlElement> {
  const parsed = await page.evaluate((source) => {
    // The page's DOM, typed here by hand: this file compiles without the DOM library.
    type DomNode = { nodeType: number; nodeValue: string | null };
    type DomElement = DomNode & { tagName: string; attributes: ArrayLike<{ name: string; value: string }>; children: ArrayLike<DomElement>; childNodes: ArrayLike<DomNode> };
    type Parser = new () => { parseFromString(text: string, type: string): { documentElement: DomElement; getElementsByTagName(name: string): ArrayLike<{ textContent: string | null }> } };
    const doc = new (globalThis as unknown as { DOMParser: Parser }).DOMParser().parseFromString(source, 'application/xml');
    const error = doc.getElementsByTagName('parsererror')[0];
    if (error) return { error: error.textContent ?? 'parser error' };
    type Node = { name: string; attributes: Record<string, string>; children: Node[]; text: string };
    const walk = (element: DomElement): Node => ({
      name: element.tagName,
      attributes: Object.fromEntries(Array.from(element.attributes, (a) => [a.name, a.value])),
      children: Array.from(element.children, walk),
      text: Array.from(element.childNodes)
        .filter((n) => n.nodeType === 3 || n.nodeType === 4)
        .map((n) => n.nodeValue ?? '')
        .join(''),
    });
    return { root: walk(doc.documentElement) };
  }, xml);
  if ('error' in parsed) throw new Error(`not well-formed XML: ${parsed.error}`);
  return parsed.root as XmlElement;
}

/** [element, least, most] in the order ANNOTATION_DOCUMENT must hold them (EAF 3.0). */
const DOCUMENT_SEQUENCE: readonly [string, number, number][] = [
  ['LICENSE', 0, Infinity],
  ['HEADER', 1, 1],
  ['TIME_ORDER', 1, 1],
  ['TIER', 0, Infinity],
  ['LINGUISTIC_TYPE', 1, Infinity],
  ['LOCALE', 0, Infinity],
  ['LANGUAGE', 0, Infinity],
  ['CONSTRAINT', 0, Infinity],
  ['CONTROLLED_VOCABULARY', 0, Infinity],
  ['LEXICON_REF', 0, Infinity],
  ['REF_LINK_SET', 0, Infinity],
  ['EXTERNAL_REF', 0, Infinity],
];
const HEADER_SEQUENCE: readonly [string, number, number][] = [
  ['MEDIA_DESCRIPTOR', 0, Infinity],
  ['LINKED_FILE_DESCRIPTOR', 0, Infinity],
  ['PROPERTY', 0, Infinity],
];

/** Required, then optional attributes of each element (namespace declarations aside). */
const ATTRIBUTES: Record<string, [required: string[], optional: string[]]> = {
  ANNOTATION_DOCUMENT: [['DATE', 'AUTHOR', 'VERSION'], ['FORMAT', 'xmlns:xsi', 'xsi:noNamespaceSchemaLocation']],
  HEADER: [[], ['MEDIA_FILE', 'TIME_UNITS']],
  MEDIA_DESCRIPTOR: [['MEDIA_URL', 'MIME_TYPE'], ['RELATIVE_MEDIA_URL', 'TIME_ORIGIN', 'EXTRACTED_FROM']],
  LINKED_FILE_DESCRIPTOR: [['LINK_URL', 'MIME_TYPE'], ['RELATIVE_LINK_URL', 'TIME_ORIGIN', 'ASSOCIATED_WITH']],
  PROPERTY: [[], ['NAME']],
  TIME_ORDER: [[], []],
  TIME_SLOT: [['TIME_SLOT_ID'], ['TIME_VALUE']],
  TIER: [['TIER_ID', 'LINGUISTIC_TYPE_REF'], ['PARTICIPANT', 'ANNOTATOR', 'DEFAULT_LOCALE', 'PARENT_REF', 'EXT_REF', 'LANG_REF']],
  ANNOTATION: [[], []],
  ALIGNABLE_ANNOTATION: [['ANNOTATION_ID', 'TIME_SLOT_REF1', 'TIME_SLOT_REF2'], ['SVG_REF', 'EXT_REF', 'LANG_REF', 'CVE_REF']],
  REF_ANNOTATION: [['ANNOTATION_ID', 'ANNOTATION_REF'], ['PREVIOUS_ANNOTATION', 'EXT_REF', 'LANG_REF', 'CVE_REF']],
  ANNOTATION_VALUE: [[], []],
  LINGUISTIC_TYPE: [['LINGUISTIC_TYPE_ID'], ['TIME_ALIGNABLE', 'CONSTRAINTS', 'GRAPHIC_REFERENCES', 'CONTROLLED_VOCABULARY_REF', 'EXT_REF', 'LEXICON_REF']],
  LOCALE: [['LANGUAGE_CODE'], ['COUNTRY_CODE', 'VARIANT']],
  CONSTRAINT: [['STEREOTYPE'], ['DESCRIPTION']],
};
const STEREOTYPES = ['Time_Subdivision', 'Symbolic_Subdivision', 'Symbolic_Association', 'Included_In'];
const NC_NAME = /^[A-Za-z_][\w.-]*$/;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Every way the document breaks the EAF 3.0 rules above; empty when it keeps them. */
export function checkEaf(root: XmlElement): string[] {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);
  if (root.name !== 'ANNOTATION_DOCUMENT') return [`the root element is ${root.name}, not ANNOTATION_DOCUMENT`];
  checkSequence(root, DOCUMENT_SEQUENCE, problem);
  visit(root, (element) => checkAttributes(element, problem));
  if (!DATE_TIME.test(root.attributes.DATE ?? '')) problem(`DATE ${root.attributes.DATE} is not an xsd:dateTime`);
  if (root.attributes.FORMAT !== undefined && root.attributes.FORMAT !== '3.0') problem(`FORMAT is ${root.attributes.FORMAT}, not 3.0`);

  const header = root.children.find((c) => c.name === 'HEADER');
  if (header) {
    checkSequence(header, HEADER_SEQUENCE, problem);
    const units = header.attributes.TIME_UNITS;
    if (units !== undefined && units !== 'milliseconds') problem(`TIME_UNITS is ${units}; the time slots here are milliseconds`);
  }

  // xsd:ID: one namespace for the whole document.
  const ids = new Set<string>();
  const claim = (id: string | undefined, what: string) => {
    if (id === undefined) return;
    if (!NC_NAME.test(id)) problem(`${what} ${id} is not a valid xsd:ID`);
    if (ids.has(id)) problem(`${what} ${id} is used twice`);
    ids.add(id);
  };

  const slots = new Map<string, number | null>();
  let previous = -1;
  for (const slot of root.children.find((c) => c.name === 'TIME_ORDER')?.children ?? []) {
    if (slot.name !== 'TIME_SLOT') {
      problem(`TIME_ORDER holds ${slot.name}`);
      continue;
    }
    const id = slot.attributes.TIME_SLOT_ID as string;
    claim(id, 'TIME_SLOT_ID');
    const value = slot.attributes.TIME_VALUE;
    if (value === undefined) {
      slots.set(id, null);
      continue;
    }
    if (!/^\d+$/.test(value)) problem(`TIME_SLOT ${id}: TIME_VALUE ${value} is not whole milliseconds (xsd:unsignedInt)`);
    const ms = Number(value);
    if (ms <= previous) problem(`TIME_SLOT ${id}: TIME_VALUE ${ms} does not ascend (the one before is ${previous})`);
    previous = Math.max(previous, ms);
    slots.set(id, ms);
  }

  const types = new Map<string, XmlElement>();
  for (const type of root.children.filter((c) => c.name === 'LINGUISTIC_TYPE')) {
    const id = type.attributes.LINGUISTIC_TYPE_ID as string;
    if (types.has(id)) problem(`LINGUISTIC_TYPE_ID ${id} is used twice`);
    types.set(id, type);
    for (const flag of ['TIME_ALIGNABLE', 'GRAPHIC_REFERENCES']) {
      const v = type.attributes[flag];
      if (v !== undefined && v !== 'true' && v !== 'false') problem(`LINGUISTIC_TYPE ${id}: ${flag} is ${v}, not a boolean`);
    }
    const constraint = type.attributes.CONSTRAINTS;
    if (constraint !== undefined && !root.children.some((c) => c.name === 'CONSTRAINT' && c.attributes.STEREOTYPE === constraint)) {
      problem(`LINGUISTIC_TYPE ${id}: CONSTRAINTS ${constraint} names no CONSTRAINT`);
    }
  }
  for (const constraint of root.children.filter((c) => c.name === 'CONSTRAINT')) {
    if (!STEREOTYPES.includes(constraint.attributes.STEREOTYPE ?? '')) problem(`CONSTRAINT ${constraint.attributes.STEREOTYPE} is not a known stereotype`);
  }

  const tiers = root.children.filter((c) => c.name === 'TIER');
  const tierIds = new Set<string>();
  for (const tier of tiers) {
    const id = tier.attributes.TIER_ID as string;
    if (tierIds.has(id)) problem(`TIER_ID ${id} is used twice`);
    tierIds.add(id);
  }
  for (const tier of tiers) {
    const id = tier.attributes.TIER_ID as string;
    const typeRef = tier.attributes.LINGUISTIC_TYPE_REF as string;
    if (!types.has(typeRef)) problem(`TIER ${id}: LINGUISTIC_TYPE_REF ${typeRef} names no LINGUISTIC_TYPE`);
    const parent = tier.attributes.PARENT_REF;
    if (parent !== undefined && !tierIds.has(parent)) problem(`TIER ${id}: PARENT_REF ${parent} names no TIER`);
    const intervals: [number, number][] = [];
    for (const annotation of tier.children) {
      if (annotation.name !== 'ANNOTATION' || annotation.children.length !== 1) {
        problem(`TIER ${id}: holds ${annotation.name} with ${annotation.children.length} children; expected ANNOTATION with one`);
        continue;
      }
      const inner = annotation.children[0] as XmlElement;
      claim(inner.attributes.ANNOTATION_ID, 'ANNOTATION_ID');
      if (inner.children.length !== 1 || inner.children[0]?.name !== 'ANNOTATION_VALUE') problem(`${inner.attributes.ANNOTATION_ID}: needs exactly one ANNOTATION_VALUE`);
      if (inner.name !== 'ALIGNABLE_ANNOTATION') continue;
      const [ref1, ref2] = [inner.attributes.TIME_SLOT_REF1 as string, inner.attributes.TIME_SLOT_REF2 as string];
      if (!slots.has(ref1) || !slots.has(ref2)) {
        problem(`${inner.attributes.ANNOTATION_ID}: TIME_SLOT_REF ${slots.has(ref1) ? ref2 : ref1} names no TIME_SLOT`);
        continue;
      }
      const [begin, end] = [slots.get(ref1), slots.get(ref2)];
      if (begin == null || end == null) continue;
      if (!(begin < end)) problem(`${inner.attributes.ANNOTATION_ID}: TIME_SLOT_REF1 (${begin} ms) is not before TIME_SLOT_REF2 (${end} ms)`);
      intervals.push([begin, end]);
    }
    if (parent === undefined) {
      intervals.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < intervals.length; i++) {
        if ((intervals[i] as [number, number])[0] < (intervals[i - 1] as [number, number])[1]) problem(`TIER ${id}: annotations overlap at ${(intervals[i] as [number, number])[0]} ms`);
      }
    }
  }
  return problems;
}

function checkSequence(parent: XmlElement, sequence: readonly [string, number, number][], problem: (m: string) => void): void {
  let position = 0;
  const counts = new Map<string, number>();
  for (const child of parent.children) {
    const index = sequence.findIndex(([name]) => name === child.name);
    if (index === -1) {
      problem(`${parent.name} may not hold ${child.name}`);
      continue;
    }
    if (index < position) problem(`${child.name} comes after ${(sequence[position] as [string, number, number])[0]} in ${parent.name}; the order is ${sequence.map(([n]) => n).join(', ')}`);
    position = Math.max(position, index);
    counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
  }
  for (const [name, least, most] of sequence) {
    const n = counts.get(name) ?? 0;
    if (n < least || n > most) problem(`${parent.name} holds ${n} ${name}; ${least === most ? least : `${least} or more`} expected`);
  }
}

function checkAttributes(element: XmlElement, problem: (m: string) => void): void {
  const rule = ATTRIBUTES[element.name];
  if (!rule) return;
  const [required, optional] = rule;
  for (const name of required) if (element.attributes[name] === undefined) problem(`${element.name} lacks the required ${name}`);
  for (const name of Object.keys(element.attributes)) {
    if (!required.includes(name) && !optional.includes(name)) problem(`${element.name} has an attribute EAF 3.0 does not define: ${name}`);
  }
}

function visit(element: XmlElement, fn: (e: XmlElement) => void): void {
  fn(element);
  for (const child of element.children) visit(child, fn);
}

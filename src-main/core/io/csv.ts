/**
 * RFC 4180 CSV, hand-written: the studio needs one dialect (double-quote escaping) and line numbers for its error
 * messages, which a dependency would not give for less code than this. The separator is a comma, or a semicolon
 * or tab when the header line says so: Excel in much of Europe saves "CSV" with semicolons (and decimal commas),
 * and many lab tools write tab-separated tables.
 */
import { StudioError } from '../errors';

export type CsvSeparator = ',' | ';' | '\t';
const SEPARATORS: readonly CsvSeparator[] = [',', ';', '\t'];
const SEPARATOR_NAMES: Record<CsvSeparator, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

export interface CsvRecord {
  /** 1-based line on which the record starts (a quoted field may span several lines). */
  line: number;
  fields: string[];
}

/**
 * The separator of a table: the one of comma, semicolon and tab that occurs most often (outside quotes) in its
 * first non-blank line, a comma when none does. A header line names columns, which hold none of the three.
 */
export function sniffSeparator(text: string): CsvSeparator {
  const firstLine = /[^\r\n]*[^\s\ufeff][^\r\n]*/.exec(text)?.[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const count = (separator: string) => unquoted.split(separator).length - 1;
  return SEPARATORS.reduce((best, separator) => (count(separator) > count(best) ? separator : best), ',' as CsvSeparator);
}

/** Parses CSV text; CRLF or LF line ends, a leading BOM and a final line end are accepted, blank lines skipped. */
export function parseCsv(text: string, separator: CsvSeparator = sniffSeparator(text)): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== separator && next !== '\n' && next !== '\r') {
          throw new StudioError(`line ${line}: a quoted field must end at a ${SEPARATOR_NAMES[separator]} or the end of the line.`);
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === separator) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new StudioError(`line ${recordLine}: a quoted field is never closed.`);
  endRecord();
  return records;
}

export interface CsvTable {
  records: CsvRecord[];
  separator: CsvSeparator;
  /** A semicolon or tab frees the comma for decimals: `0,5` is how much of Europe writes 0.5. */
  decimalComma: boolean;
}

/** A table in whichever separator its header uses, and whether its numbers may have a decimal comma. */
export function parseTable(text: string): CsvTable {
  const separator = sniffSeparator(text);
  return { records: parseCsv(text, separator), separator, decimalComma: separator !== ',' };
}

/** One CSV line (with CRLF, as RFC 4180 prescribes); fields holding a comma, quote or line end are quoted. */
export function formatCsvRow(fields: readonly (string | number | null)[]): string {
  return (
    fields
      .map((value) => {
        const text = value === null ? '' : String(value);
        return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}

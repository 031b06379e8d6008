import { describe, expect, it } from 'vitest';
import { formatCsvRow, parseCsv } from './csv';

describe('RFC 4180 CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, keeping the starting line of each record', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\n3,,last';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 4, fields: ['2', 'two\nlines', ''] },
      { line: 6, fields: ['3', '', 'last'] },
    ]);
  });

  it('round-trips what it writes', () => {
    const rows = [['plain', 'with,comma', 'with "quote"', 'multi\r\nline', ''], ['1', '-0.25', '', '', 'x']];
    expect(parseCsv(rows.map((r) => formatCsvRow(r)).join('')).map((r) => r.fields)).toEqual(rows);
    expect(formatCsvRow([1, null, 'a'])).toBe('1,,a\r\n');
  });

  it('names the line of an unclosed quote or text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b\n1,"x"y')).toThrow(/line 2: a quoted field must end/);
  });
});

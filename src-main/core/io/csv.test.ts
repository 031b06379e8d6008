import { describe, expect, it } from 'vitest';
import { formatCsvRow, parseCsv, parseTable, sniffSeparator } from './csv';

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

describe('CSV separators', () => {
  it('recognises semicolon- and tab-separated tables by their header line', () => {
    expect(sniffSeparator('video;frame;valence;arousal\r\nclip.mp4;1;0,5;-0,25\r\n')).toBe(';');
    expect(sniffSeparator('\ufeff\n\nvideo\tframe\tvalence\n')).toBe('\t');
    expect(sniffSeparator('video,frame,valence\nclip;1;2\n')).toBe(',');
    expect(sniffSeparator('"a;b",c\n')).toBe(',');
    expect(sniffSeparator('')).toBe(',');
    expect(parseCsv('video;frame;valence\r\n"a;b";1;0,5\r\n').map((r) => r.fields)).toEqual([
      ['video', 'frame', 'valence'],
      ['a;b', '1', '0,5'],
    ]);
    expect(parseCsv('a\tb\n1,5\t2\n').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });

  it('frees the comma for decimals only in semicolon and tab tables', () => {
    expect(parseTable('a;b\n1;0,5\n')).toMatchObject({ separator: ';', decimalComma: true });
    expect(parseTable('a\tb\n').decimalComma).toBe(true);
    expect(parseTable('a,b\n1,"0,5"\n')).toMatchObject({ separator: ',', decimalComma: false });
  });

  it('names the separator a quoted field must end at', () => {
    expect(() => parseCsv('a;b\n"x"y;1\n')).toThrow('line 2: a quoted field must end at a semicolon or the end of the line.');
  });
});

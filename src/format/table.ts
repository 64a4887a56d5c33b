// Plain-text tables for the terminal: columns padded to their widest cell (colour codes take no
// width), left- or right-aligned per column, optionally clipped to a maximum width.

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per column; columns not given are left-aligned. */
  align?: readonly Align[];
  /** Per column: longer cells are cut with "…" (for names that would push numbers off screen). */
  maxWidth?: readonly (number | undefined)[];
}

/** The table's lines; the first row is the header. Trailing spaces are trimmed. */
export function tableLines(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const clipped = rows.map((row) => row.map((cell, column) => clip(cell, options.maxWidth?.[column])));
  const widths: number[] = [];
  for (const row of clipped) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, visibleLength(cell));
    });
  }
  return clipped.map((row) =>
    row
      .map((cell, column) => {
        const padding = ' '.repeat(widths[column]! - visibleLength(cell));
        return options.align?.[column] === 'right' ? padding + cell : cell + padding;
      })
      .join('  ')
      .trimEnd(),
  );
}

export function table(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  return tableLines(rows, options).join('\n');
}

/** Characters a cell takes on screen: colour codes take none. */
export function visibleLength(text: string): number {
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

function clip(text: string, width: number | undefined): string {
  if (width === undefined || visibleLength(text) <= width) return text;
  return `${[...text].slice(0, width - 1).join('')}…`;
}

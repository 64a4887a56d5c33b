// Byte amounts in binary units (B, KiB, MiB, GiB, TiB). The unit is chosen after rounding, so a
// value just under a unit boundary reads "1.0 MiB", never "1024.0 KiB".
// Self-contained on purpose (no module-level references): the HTML page embeds its source text.

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  // Bytes are shown whole, larger units with one decimal: compare what would be printed.
  while (unit < units.length - 1 && (unit === 0 ? Math.round(value) : Math.round(value * 10) / 10) >= 1024) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(Math.round(value)) : value.toFixed(1);
  const sign = bytes < 0 && /[1-9]/.test(text) ? '-' : '';
  return `${sign}${text} ${units[unit]}`;
}

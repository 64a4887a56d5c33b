// Durations: "850 ms", "12.3 s", "4 min 5 s", "2 h 3 min". Each form is chosen after rounding
// to the precision it prints, so 119.96 s reads "2 min 0 s" (not "120.0 s") and 179.6 s
// "3 min 0 s" (not "2 min 60 s").

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const sign = ms < 0 ? '-' : '';
  const value = Math.abs(ms);
  if (Math.round(value) < 1000) return `${sign}${Math.round(value)} ms`;
  const tenths = Math.round(value / 100);
  if (tenths < 1200) return `${sign}${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(value / 1000);
  if (seconds < 3600) return `${sign}${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(value / 60_000);
  return `${sign}${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

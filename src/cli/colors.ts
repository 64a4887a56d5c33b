// Colour for the CLI's two streams, decided once: only on a terminal, never with NO_COLOR or
// TERM=dumb. (picocolors' own default also colours whenever CI is set, even when piped.)

import pc from 'picocolors';
import { colorFor } from '../report/terminal.js';

/** Painter for results written to stdout. */
export const stdoutColors = pc.createColors(colorFor(process.stdout));
/** Painter for progress, notes and warnings written to stderr. */
export const stderrColors = pc.createColors(colorFor(process.stderr));

// Turns the knowledge base into an explanation of a sweep's leaking cell: which known leak
// it is and where it was fixed, or null when the knowledge base does not expect it (a new one).

import type { LoadedEntry } from './load.js';
import { answerFor } from './lookup.js';

export function explainWith(entries: LoadedEntry[]): (scenario: string, version: string) => string | null {
  return (scenario, version) => {
    for (const { entry } of entries) {
      if (entry.scenario !== scenario) continue;
      const answer = answerFor(entry, version);
      if (answer.status !== 'affected') continue;
      return `${entry.id} (${answer.firstFixed ? `fixed in ${answer.firstFixed}` : 'no fixed release on this line yet'})`;
    }
    return null;
  };
}

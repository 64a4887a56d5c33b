// The saved form of a sweep (sweep.json): one cell per (scenario, Node.js version) with the
// verdict and what grew. A shard holds only its cells; `heapdrift merge` joins shards into the
// record an unsharded sweep would have written.

import type { RunOutcome, RunSetHeader } from './result.js';

export interface SweepCell {
  scenario: string;
  version: string;
  verdict: RunOutcome;
  verdictReason: string;
  /** The leading growing track, structure or class of the run, when something grew. */
  growing: string | null;
  /** Taken from the results cache instead of run again. */
  cached: boolean;
  /** The run's id (its directory under the runs dir of the machine that ran it). */
  runId: string;
  wallMs: number;
}

export interface SweepRecord extends RunSetHeader<'sweep'> {
  /** Results are cached (and comparable) per heapdrift version. */
  heapdriftVersion: string;
  /** The planned scenarios and versions, in order, whatever the shard. */
  scenarios: string[];
  versions: string[];
  /** Schedule overrides given on the command line ({} for each scenario's defaults). */
  schedule: { snapshots?: number; everyIterations?: number; warmupSnapshots?: number };
  shard?: { index: number; count: number };
  /** This record's cells (all of them unless it is a shard), scenario-major, versions ascending. */
  cells: SweepCell[];
}

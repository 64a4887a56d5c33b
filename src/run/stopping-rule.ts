// The sequential stopping rule ("until settled"): when a run may stop taking snapshots before
// its maximum. It only decides WHEN to stop; the verdict is always the one the run's own rules
// give on the snapshots taken, so a run that never settles takes every snapshot it was given.

import type { RunOutcome } from './result.js';

export interface SettleRule {
  /** Snapshots (baseline and warm-up included) before the rule may stop a run. */
  minimumSnapshots: number;
  /** The run verdict must have been the same decided verdict after this many snapshots in a row. */
  agreeingSnapshots: number;
}

/**
 * Why these numbers (bench/results/settle-replay.md): replaying 79 recorded full runs of
 * retained-maps (19 + 34 releases) and timer-primitive snapshot by snapshot, every run's verdict
 * was inconclusive up to snapshot 7 (the verdict needs 6 judged samples after the 2 warm-up
 * snapshots), decided at snapshot 8, and never changed afterwards: no rule with m ≥ 6 stopped
 * any of them on a verdict other than the full run's. k = 1 would then do; k = 2 pays one
 * snapshot per run so that a verdict must survive one more sample before it ends a run, since
 * matrix, bisect, sweep and doctor --probe also run scenarios judged without a named track
 * (many series, corrected for multiple testing), whose verdicts were not replayed. With a run
 * verdict of leak or no-leak every series it rests on is decided (growing, or all stable).
 */
export const DEFAULT_SETTLE_RULE: SettleRule = { minimumSnapshots: 8, agreeingSnapshots: 2 };

/** What the record keeps of the rule: which one, the verdict after every snapshot, where it stopped. */
export interface SettleState {
  rule: string;
  /** The run's verdict after each snapshot, in order. */
  verdicts: RunOutcome[];
  /** The snapshot count after which the run stopped, or null if it ran to its maximum. */
  settledAfter: number | null;
  /** The schedule's maximum (0 for a run bounded by --duration only). */
  maxSnapshots: number;
}

export function describeSettleRule(rule: SettleRule): string {
  return `the same decided verdict after ${rule.agreeingSnapshots} snapshots in a row, at least ${rule.minimumSnapshots} snapshots`;
}

/** "settled after 8 of 16 snapshots", or null for a run that was not stopped by the rule. */
export function describeSettled(state: SettleState | undefined): string | null {
  if (!state || state.settledAfter === null) return null;
  const of = state.maxSnapshots > 0 ? ` of ${state.maxSnapshots}` : '';
  return `settled after ${state.settledAfter}${of} snapshots`;
}

/** A report's snapshot count: `16`, or `8 of 16 (settled)` for a run the rule stopped. */
export function snapshotCountText(run: { snapshots: unknown[]; settle?: SettleState }): string {
  const settle = run.settle;
  if (!settle || settle.settledAfter === null) return String(run.snapshots.length);
  return `${run.snapshots.length}${settle.maxSnapshots > 0 ? ` of ${settle.maxSnapshots}` : ''} (settled)`;
}

/** Watches a run's verdicts snapshot by snapshot and says when the rule lets it stop. */
export class SettleWatch {
  readonly state: SettleState;
  readonly #rule: SettleRule;

  constructor(rule: SettleRule, maxSnapshots: number) {
    this.#rule = rule;
    this.state = { rule: describeSettleRule(rule), verdicts: [], settledAfter: null, maxSnapshots };
  }

  get settled(): boolean {
    return this.state.settledAfter !== null;
  }

  /** Notes the verdict after one more snapshot; true the first time the run may stop. */
  observe(verdict: RunOutcome): boolean {
    const { verdicts } = this.state;
    verdicts.push(verdict);
    if (this.settled) return false;
    const count = verdicts.length;
    // At the maximum the run ends anyway: stopping there saves nothing and says nothing.
    if (
      count < this.#rule.minimumSnapshots ||
      (this.state.maxSnapshots > 0 && count >= this.state.maxSnapshots)
    )
      return false;
    const recent = verdicts.slice(-this.#rule.agreeingSnapshots);
    const decided = verdict === 'leak' || verdict === 'no-leak';
    if (!decided || recent.length < this.#rule.agreeingSnapshots || recent.some((item) => item !== verdict))
      return false;
    this.state.settledAfter = count;
    return true;
  }
}

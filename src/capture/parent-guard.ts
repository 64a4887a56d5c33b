// Process-wide duties of live captures, installed once for all of them: a child must never
// outlive this process, and SIGINT / SIGTERM stop children gracefully so what was captured
// is still reported. Handlers are removed when the last capture ends, restoring defaults.

export interface GuardedChild {
  /** Graceful stop (a second signal escalates to kill). */
  stop(): unknown;
  /** Immediate, synchronous SIGKILL of the child and its process group. */
  kill(): void;
  readonly stopsOnSignals: boolean;
}

const live = new Set<GuardedChild>();
let signalsSeen = 0;

function onExit(): void {
  for (const child of live) child.kill();
}

function onSignal(): void {
  signalsSeen++;
  for (const child of live) {
    if (!child.stopsOnSignals) continue;
    if (signalsSeen === 1) child.stop();
    else child.kill();
  }
}

function hasSignalUsers(): boolean {
  for (const child of live) if (child.stopsOnSignals) return true;
  return false;
}

function updateSignalHandlers(): void {
  const installed = process.listeners('SIGINT').includes(onSignal);
  const wanted = hasSignalUsers();
  if (wanted && !installed) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  } else if (!wanted && installed) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    signalsSeen = 0;
  }
}

export function guardChild(child: GuardedChild): void {
  if (live.size === 0) process.on('exit', onExit);
  live.add(child);
  updateSignalHandlers();
}

export function releaseChild(child: GuardedChild): void {
  if (!live.delete(child)) return;
  if (live.size === 0) process.off('exit', onExit);
  updateSignalHandlers();
}

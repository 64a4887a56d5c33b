// The machine a benchmark ran on, written next to the numbers: CPU model, cores, memory,
// Node.js version and how busy the machine was (it may be shared, so wall time can lie).

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the benchmark started. */
  loadAverage: number;
  /** 1-minute load average when it ended. */
  loadAverageAtEnd?: number;
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: currentLoadAverage(),
  };
}

export function currentLoadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((text) => text.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: os.cpus() still names the model.
  }
  return cpus()[0]?.model ?? 'unknown';
}

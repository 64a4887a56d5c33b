// Where a live Node.js process's inspector is: `host:port`, a `ws://` URL, or a pid whose
// inspector is already open or is opened the way Node documents it (SIGUSR1, Linux/macOS:
// https://nodejs.org/en/learn/getting-started/debugging#enable-inspector). A pid's port is
// found from the listening sockets the process owns (/proc), or Node's default 9229 elsewhere.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import CDP from 'chrome-remote-interface';
import { UserError } from '../errors.js';

export interface InspectorTarget {
  /** What the user named, for messages. */
  label: string;
  host: string;
  port: number;
  /** The websocket URL of the process's inspector target. */
  webSocketUrl: string;
  pid: number | null;
  /** True when heapdrift sent SIGUSR1 to open the inspector. */
  opened: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const DEFAULT_PORT = 9229;
/** How long a process gets to open its inspector after SIGUSR1. */
const OPEN_TIMEOUT_MS = 5000;

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * Resolves `target` (pid, host:port or ws:// URL). A non-loopback host is refused unless
 * `allowedHost` names it (the caller warns).
 */
export async function resolveInspectorTarget(target: string, allowedHost?: string): Promise<InspectorTarget> {
  if (/^\d+$/.test(target)) return pidTarget(Number(target));
  const address = parseAddress(target);
  if (!isLoopback(address.host) && address.host !== allowedHost)
    throw new UserError(
      `${target}: ${address.host} is not a loopback address; pass --host ${address.host} to attach to it anyway (the inspector protocol is unauthenticated)`,
      'ERR_HEAPDRIFT_ATTACH_HOST',
    );
  const webSocketUrl = address.webSocketUrl ?? (await inspectorUrl(address.host, address.port, target));
  return { label: target, host: address.host, port: address.port, webSocketUrl, pid: null, opened: false };
}

function parseAddress(target: string): { host: string; port: number; webSocketUrl?: string } {
  if (/^wss?:\/\//.test(target)) {
    const url = new URL(target);
    return { host: url.hostname, port: Number(url.port || 80), webSocketUrl: target };
  }
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target);
  if (!match || Number(match[2]) > 65535)
    throw new UserError(
      `${target}: expected a pid, host:port (127.0.0.1:9229) or a ws:// URL`,
      'ERR_HEAPDRIFT_ATTACH_TARGET',
    );
  return { host: match[1]!, port: Number(match[2]) };
}

/** The websocket URL of the Node target listening at host:port, or a one-line error. */
async function inspectorUrl(host: string, port: number, label: string): Promise<string> {
  let targets: Awaited<ReturnType<typeof CDP.List>>;
  try {
    targets = await CDP.List({ host, port });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ECONNREFUSED' ? 'nothing is listening there' : (code ?? (error as Error).message);
    throw new UserError(
      `${label}: no Node.js inspector reachable (${why})`,
      'ERR_HEAPDRIFT_ATTACH_UNREACHABLE',
    );
  }
  const found = targets.find((candidate) => candidate.webSocketDebuggerUrl);
  if (!found)
    throw new UserError(
      `${label}: the inspector lists no target (is a debugger already attached?)`,
      'ERR_HEAPDRIFT_ATTACH_UNREACHABLE',
    );
  return found.webSocketDebuggerUrl!;
}

async function pidTarget(pid: number): Promise<InspectorTarget> {
  const label = `pid ${pid}`;
  assertNodeProcess(pid);
  const open = await findOpenInspector(pid);
  if (open) return { label, ...open, pid, opened: false };
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UserError(
      `${label}: cannot signal it (${code === 'EPERM' ? 'permission denied: another user’s process' : code})`,
      'ERR_HEAPDRIFT_ATTACH_PID',
    );
  }
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(100);
    const opened = await findOpenInspector(pid);
    if (opened) return { label, ...opened, pid, opened: true };
  }
  throw new UserError(
    `${label}: the inspector did not open within ${OPEN_TIMEOUT_MS / 1000} s after SIGUSR1 (port ${DEFAULT_PORT} in use? the process prints why on its own stderr)`,
    'ERR_HEAPDRIFT_ATTACH_PID',
  );
}

/**
 * Refuses, before any signal, a pid that is not a running Node.js process: SIGUSR1 would
 * kill most other programs, or make them do something else (log rotation…).
 */
function assertNodeProcess(pid: number): void {
  if (process.platform !== 'linux') {
    try {
      process.kill(pid, 0);
    } catch {
      throw new UserError(`pid ${pid}: no such process`, 'ERR_HEAPDRIFT_ATTACH_PID');
    }
    return;
  }
  let executable: string;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    executable = readlinkSync(`/proc/${pid}/exe`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UserError(
      `pid ${pid}: ${code === 'ENOENT' ? 'no such process' : 'cannot inspect it (permission denied)'}`,
      'ERR_HEAPDRIFT_ATTACH_PID',
    );
  }
  const name = basename(executable.replace(/ \(deleted\)$/, ''));
  if (!/^node/.test(name) || !catchesSignal(status, 10))
    throw new UserError(
      `pid ${pid}: not a Node.js process (${name}); not signalled`,
      'ERR_HEAPDRIFT_ATTACH_NOT_NODE',
    );
}

/** Whether /proc/<pid>/status says the process handles signal `number` (SigCgt mask). */
function catchesSignal(status: string, number: number): boolean {
  const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return mask !== undefined && (BigInt(`0x${mask}`) & (1n << BigInt(number - 1))) !== 0n;
}

/** The inspector among the ports the process listens on (Linux), or at Node's default port. */
async function findOpenInspector(
  pid: number,
): Promise<Omit<InspectorTarget, 'label' | 'pid' | 'opened'> | null> {
  const ports = process.platform === 'linux' ? listeningPorts(pid) : [DEFAULT_PORT];
  for (const port of ports) {
    try {
      const webSocketUrl = await inspectorUrl('127.0.0.1', port, `port ${port}`);
      return { host: '127.0.0.1', port, webSocketUrl };
    } catch {
      // Not an inspector (the process's own server, or not up yet).
    }
  }
  return null;
}

/** TCP ports on 127.0.0.1 in LISTEN state whose sockets the process holds. */
function listeningPorts(pid: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? [];
        } catch {
          return [];
        }
      }),
    );
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local_address is hex ip:port; state 0A is LISTEN; field 9 is the inode.
    if (fields[3] === '0A' && inodes.has(fields[9]!) && fields[1]?.startsWith('0100007F:'))
      ports.push(Number.parseInt(fields[1].slice(9), 16));
  }
  return ports;
}

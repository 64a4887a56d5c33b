// What to run: a built-in scenario by name, or the user's own file (an iteration module or
// a plain script, told apart by whether it exports `iteration`).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { builtinScenarios, findScenario, type ScenarioInfo } from '../scenarios/index.js';

export interface ScenarioSource {
  name: string;
  file: string;
  mode: 'iterations' | 'script';
  builtin: ScenarioInfo | undefined;
}

const ITERATION_EXPORT =
  /\b(?:exports\.iteration\s*=|export\s+(?:async\s+)?function\s+iteration\b|export\s+(?:const|let)\s+iteration\b|iteration\s*[:(,}])/;

export function resolveScenario(nameOrFile: string): ScenarioSource {
  const builtin = findScenario(nameOrFile);
  if (builtin) return { name: builtin.name, file: builtin.file, mode: 'iterations', builtin };
  const file = resolve(nameOrFile);
  if (!existsSync(file)) {
    const names = builtinScenarios.map((scenario) => scenario.name).join(', ');
    throw new UserError(
      `scenario "${nameOrFile}": no such built-in scenario (${names}) or file`,
      'ERR_HEAPDRIFT_NOT_FOUND',
    );
  }
  if (!statSync(file).isFile())
    throw new UserError(`scenario "${nameOrFile}": not a file`, 'ERR_HEAPDRIFT_NOT_FOUND');
  const source = readFileSync(file, 'utf8');
  const mode =
    ITERATION_EXPORT.test(source) && /module\.exports|exports\.|export\s/.test(source)
      ? 'iterations'
      : 'script';
  return { name: basename(file, extname(file)), file, mode, builtin: undefined };
}

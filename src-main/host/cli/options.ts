/**
 * Option parsers and shared pieces of the CLI commands.
 */
import { InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { openStore, type Store } from '../../store/index.js';
import { defaultDbPath } from '../paths.js';

/** Exit codes: 0 success, 1 the job failed or was stopped, 2 bad input (usage, config, data). */
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer.`);
    return Number(value);
  };
}

export function parseNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
    return n;
  };
}

export function openDb(dbOption: string | undefined): Store {
  return openStore(path.resolve(dbOption ?? defaultDbPath()));
}

export const dbOption = () => new Option('--db <file>', 'SQLite database (default: $FLOWBENCH_HOME/flowbench.sqlite)');

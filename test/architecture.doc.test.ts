// ARCHITECTURE.md says which module owns which table and names the files a newcomer reads; both
// drift silently unless something compares them with the code.
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { tableOwners } from '../eslint-rules/own-tables.js';

const doc = readFileSync(new URL('../ARCHITECTURE.md', import.meta.url), 'utf8');

it('lists every table under the module whose entities declare it', () => {
  const documented = new Map<string, string>();
  for (const row of doc.matchAll(/^\| `([a-z]+)` \| ([a-z_, ]+) \|/gm)) {
    for (const table of row[2]!.split(',').map((t) => t.trim())) documented.set(table, row[1]!);
  }
  const owners = new Map([...tableOwners()].sort());
  expect(new Map([...documented].sort())).toEqual(owners);
});

it('names only files that exist', () => {
  const paths = [
    ...doc.matchAll(/`((?:src|test|bots|scripts|eslint-rules|migrations)\/[\w./-]+)`/g),
  ]
    .map((m) => m[1]!)
    .filter((p) => !p.includes('…') && !p.includes('<'));
  expect(paths.length).toBeGreaterThan(10);
  expect(paths.filter((p) => !existsSync(new URL(`../${p}`, import.meta.url)))).toEqual([]);
});

// Where pgbench is, for the ledger benchmark's side-by-side figure.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** pgbench from the PATH, else from the PostgreSQL installation (pg_config, then Debian's layout). */
export function findPgbench(): string | null {
  const runs = (bin: string) => {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (runs('pgbench')) return 'pgbench';
  const dirs: string[] = [];
  try {
    dirs.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config either
  }
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return dirs.map((d) => `${d}/pgbench`).find((bin) => existsSync(bin) && runs(bin)) ?? null;
}

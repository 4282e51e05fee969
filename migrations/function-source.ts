// For a migration's down(): the source of a function as an earlier migration defined it, ready
// to run again (`create or replace function …`), so the earlier body is not copied by hand.
export function functionSource(migrationSql: string, name: string): string {
  const found = new RegExp(`create (?:or replace )?function ${name}\\([\\s\\S]*?end \\$\\$;`).exec(
    migrationSql,
  );
  if (!found) throw new Error(`the migration restored from defines no function ${name}`);
  return found[0].replace(/^create function/, 'create or replace function');
}

/** The source of a function of an earlier migration with the given edits; each must apply once. */
export function edited(source: string, edits: [from: string, to: string][]): string {
  return edits.reduce((sql, [from, to]) => {
    if (sql.split(from).length !== 2)
      throw new Error(`edit does not apply exactly once: ${from.slice(0, 60)}`);
    return sql.replace(from, () => to);
  }, source);
}

// "A module's tables are read and written only inside that module": a table belongs to the
// module whose `*.entities.ts` names it (`tableName: '…'`), and SQL text anywhere else that
// names it (from / join / into / update / references …) is an error. Entity classes are kept
// inside their module by dependency-cruiser (.dependency-cruiser.cjs); this rule covers raw SQL.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SQL_TABLE =
  /\b(?:from|join|into|update|table|references|truncate)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** table name → owning module, read from every src/<module>/*.entities.ts. */
export function tableOwners() {
  const owners = new Map();
  const src = join(ROOT, 'src');
  for (const mod of readdirSync(src, { withFileTypes: true })) {
    if (!mod.isDirectory()) continue;
    for (const file of readdirSync(join(src, mod.name))) {
      if (!file.endsWith('.entities.ts')) continue;
      const text = readFileSync(join(src, mod.name, file), 'utf8');
      for (const m of text.matchAll(/tableName:\s*'([a-z_][a-z0-9_]*)'/g))
        owners.set(m[1], mod.name);
    }
  }
  return owners;
}

let owners;

/** The module a file belongs to: `src/<module>/…` → module; anything else (bots, scripts) → its top folder. */
function moduleOf(filename) {
  const parts = relative(ROOT, filename).split(sep);
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : parts[0];
}

export default {
  meta: { name: 'xuefen' },
  rules: {
    'own-tables': {
      meta: {
        type: 'problem',
        docs: { description: "SQL names only the module's own tables" },
        schema: [],
        messages: {
          foreign:
            "table '{{table}}' belongs to module '{{owner}}'; call that module's service instead of querying it from '{{module}}'",
        },
      },
      create(context) {
        owners ??= tableOwners();
        const module = moduleOf(context.filename);
        const check = (node, text) => {
          for (const m of text.matchAll(SQL_TABLE)) {
            const table = m[1].toLowerCase();
            const owner = owners.get(table);
            if (owner && owner !== module) {
              context.report({ node, messageId: 'foreign', data: { table, owner, module } });
            }
          }
        };
        return {
          Literal(node) {
            if (typeof node.value === 'string') check(node, node.value);
          },
          TemplateLiteral(node) {
            check(node, node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' '));
          },
        };
      },
    },
  },
};

// A request for a path the API serves, with a method it does not serve there, is a 405 that
// names the methods that work (Allow), not a 404 that says the path does not exist.

interface RouteLike {
  method: string;
  path: string;
}

/** A function from a request path to the methods routed for it (empty when none). */
export function allowedMethods(routes: readonly RouteLike[]): (path: string) => string[] {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    // Built on first use: every route is registered by then.
    table ??= routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ pattern: toPattern(r.path), method: r.method.toUpperCase() }));
    const methods = new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

function toPattern(routePath: string): RegExp {
  const source = routePath
    .split('/')
    .map((part) =>
      part.startsWith(':')
        ? '[^/]+'
        : part === '*'
          ? '.*'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

// Matches request paths against Functions route templates: literal segments, `{name}`, `{name?}`
// (optional, trailing), `{name:constraint}` (the constraint is not enforced locally) and `{*rest}`
// (catch-all). Matching is case-insensitive on literals, like ASP.NET routing that the host uses.

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean }
  | { kind: 'catchAll'; name: string };

export interface RouteTemplate {
  template: string;
  match(pathSegments: readonly string[]): Record<string, string> | undefined;
}

const PARAM = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::[^}?]+)?(\?)?\}$/;

export function compileRouteTemplate(template: string): RouteTemplate {
  const segments: Segment[] = template
    .split('/')
    .filter((part) => part !== '')
    .map((part): Segment => {
      const param = PARAM.exec(part);
      if (!param) {
        if (part.includes('{')) throw new Error(`unsupported route segment "${part}" in "${template}"`);
        return { kind: 'literal', text: part.toLowerCase() };
      }
      const [, star, name = '', question] = param;
      return star ? { kind: 'catchAll', name } : { kind: 'param', name, optional: question === '?' };
    });

  return {
    template,
    match(pathSegments) {
      const params: Record<string, string> = {};
      for (const [index, segment] of segments.entries()) {
        const actual = pathSegments[index];
        if (segment.kind === 'catchAll') {
          params[segment.name] = pathSegments.slice(index).join('/');
          return params;
        }
        if (actual === undefined) {
          // Only trailing optional parameters may be missing.
          if (segment.kind === 'param' && segment.optional) continue;
          return undefined;
        }
        if (segment.kind === 'literal') {
          if (actual.toLowerCase() !== segment.text) return undefined;
        } else {
          params[segment.name] = actual;
        }
      }
      return pathSegments.length <= segments.length ? params : undefined;
    },
  };
}

/** Splits a URL path below the route prefix into decoded segments; undefined if it is not below it. */
export function pathBelowPrefix(pathname: string, routePrefix: string): string[] | undefined {
  const parts = pathname.split('/').filter((part) => part !== '');
  const prefix = routePrefix.split('/').filter((part) => part !== '');
  for (const [index, expected] of prefix.entries()) {
    if (parts[index]?.toLowerCase() !== expected.toLowerCase()) return undefined;
  }
  try {
    return parts.slice(prefix.length).map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

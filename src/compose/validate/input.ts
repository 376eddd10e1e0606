// The loader's output as far as validation and normalisation need it. Declared structurally
// here (not imported from ../load) so that this package depends on a shape, not on a module.

export type TreePath = readonly (string | number)[];

export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A merged, interpolated compose tree. `tree` is plain JSON (objects, arrays, strings,
 * numbers, booleans, null); interpolated values are strings. `positionOf` maps a tree
 * path back to where the value was written, when known.
 */
export interface LoadedTreeLike {
  readonly projectName: string;
  readonly projectDirectory: string;
  readonly configFiles: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly tree: Record<string, unknown>;
  positionOf(path: TreePath): SourcePosition | undefined;
}

// Renders a tree path the way compose users read it: services.web.ports[1].
export function formatPath(path: TreePath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

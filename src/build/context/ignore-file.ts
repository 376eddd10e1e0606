import { basename, dirname, join } from "node:path";

// Which ignore file a build uses (BuildKit's rule): `<Dockerfile name>.dockerignore` beside the
// Dockerfile when it exists, else `.dockerignore` at the context root; never both.
//
// The Dockerfile and the ignore file are read by path, not through the filtered context: a
// pattern may exclude them (`Dockerfile`, `.dockerignore`, `*`), and the build still reads them —
// they are only left out of what COPY/ADD can see. This is how Docker behaves too.

/** The ignore files to try, in order; the caller reads the first that exists. */
export function ignoreFileCandidates(contextDir: string, dockerfilePath: string): readonly string[] {
  return [join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`), join(contextDir, ".dockerignore")];
}

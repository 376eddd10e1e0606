import type { Project } from "../model/index.ts";
import { imageRef } from "../plan/index.ts";
import type { StackContext } from "./stack-context.ts";

/** `push`: pushes the services' images, one after the other; with `ignoreFailures` a failure is a warning. */
export async function push(s: StackContext, project: Project, o: { readonly services: readonly string[]; readonly ignoreFailures: boolean }): Promise<void> {
  const refs = new Set(Object.values(project.services).filter((svc) => o.services.length === 0 || o.services.includes(svc.name)).map((svc) => imageRef(project, svc)));
  for (const ref of refs) {
    try {
      // Layer lines (with an id) are too many to show; the others say where the push stands.
      await s.client.pushImage(ref, { signal: s.signal, onProgress: (p) => (p.id === undefined && p.status !== "" ? s.reporter.status(`${ref}: ${p.status}`) : undefined) });
      s.reporter.status(`Image ${ref}  Pushed`);
    } catch (err) {
      if (!o.ignoreFailures) throw err;
      s.reporter.warn(err instanceof Error ? err.message : String(err));
    }
  }
}

import { isAbsolute, join } from "node:path";
import { ignoreFileCandidates } from "../../build/context/ignore-file.ts";
import type { LoaderFs } from "../load/loader-fs.ts";
import type { Project } from "../model/index.ts";
import type { IgnoreFileText } from "./watch-plan.ts";

/**
 * The ignore file of each watched service's local build context, as the build would read it:
 * `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore` in the context.
 * Services without a build, or with a remote context, have none.
 */
export async function readIgnoreFiles(project: Project, services: readonly string[], fs: LoaderFs): Promise<Map<string, IgnoreFileText>> {
  const out = new Map<string, IgnoreFileText>();
  await Promise.all(
    services.map(async (service) => {
      const build = project.services[service]?.build;
      if (build === undefined || !isAbsolute(build.context) || (project.services[service]?.develop?.watch.length ?? 0) === 0) return;
      const dockerfile = build.dockerfile !== undefined ? (isAbsolute(build.dockerfile) ? build.dockerfile : join(build.context, build.dockerfile)) : join(build.context, "Dockerfile");
      for (const path of ignoreFileCandidates(build.context, dockerfile)) {
        if (!(await fs.exists(path))) continue;
        out.set(service, { path, context: build.context, text: await fs.readFile(path) });
        return;
      }
    }),
  );
  return out;
}

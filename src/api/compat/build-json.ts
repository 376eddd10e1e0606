import type { BuildProgressEvent } from "../../build/executor/progress.ts";
import type { ProgressLine } from "./progress-json.ts";

// Native build progress → the classic builder's JSON lines (`{"stream": ...}`), which the docker
// CLI prints as they come. Pure. Steps are numbered within their stage: tstack plans stages
// lazily, so there is no build-wide total to number against; later stages name themselves.

function stepTitle(e: BuildProgressEvent & { type: "step" }): string {
  const stage = e.stageName !== undefined ? ` (${e.stageName})` : e.stage > 0 ? ` (stage ${e.stage})` : "";
  return `Step ${e.step + 1}/${e.steps}${stage} : ${e.instruction}\n`;
}

export function buildEventLines(e: BuildProgressEvent): ProgressLine[] {
  switch (e.type) {
    case "step":
      switch (e.status) {
        case "started":
          return [{ stream: stepTitle(e) }];
        case "cached":
          return [{ stream: " ---> Using cache\n" }, { stream: " ---> CACHED\n" }];
        case "done":
        case "failed":
          // a failure's message comes once, as the stream's error line
          return [];
      }
      break;
    case "output":
      return e.chunk === "" ? [] : [{ stream: e.chunk }];
    case "warning":
      return [{ stream: `[WARNING]: ${e.message}\n` }];
  }
}

/** What follows a successful build: the image ID (aux, then the CLI's "Successfully built") and each tag. */
export function buildResultLines(imageId: string, tags: readonly string[], quiet: boolean): ProgressLine[] {
  if (quiet) return [{ aux: { ID: imageId } }, { stream: `${imageId}\n` }];
  const short = imageId.replace(/^sha256:/, "").slice(0, 12);
  return [{ aux: { ID: imageId } }, { stream: `Successfully built ${short}\n` }, ...tags.map((t) => ({ stream: `Successfully tagged ${t}\n` }))];
}

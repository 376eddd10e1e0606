import type { ImageProgress } from "../../runtime/image/pull-progress.ts";

// Native pull/push progress → Docker's JSON progress lines (one object per line).

export type ProgressLine = Readonly<Record<string, unknown>>;

function bar(current: number, total: number): string {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const human = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}kB` : `${n}B`);
  return `[${"=".repeat(Math.max(0, filled - 1))}${filled > 0 ? ">" : ""}${" ".repeat(width - filled)}] ${human(current)}/${human(total)}`;
}

export function progressLines(p: ImageProgress, op: "pull" | "push", tag: string): ProgressLine[] {
  switch (p.kind) {
    case "resolved":
      return op === "pull" ? [{ status: `Pulling from ${p.ref.replace(/[:@][^/]*$/, "")}`, id: tag }] : [];
    case "layer": {
      const detail = p.current !== undefined && p.total !== undefined ? { current: p.current, total: p.total } : {};
      return [{ status: p.status, progressDetail: detail, ...(p.current !== undefined && p.total ? { progress: bar(p.current, p.total) } : {}), id: p.id }];
    }
    case "done":
      if (op === "push") return [{ status: `${tag}: digest: ${p.digest}` }];
      return [
        { status: `Digest: ${p.digest}` },
        { status: p.newer ? `Status: Downloaded newer image for ${p.ref}` : `Status: Image is up to date for ${p.ref}` },
      ];
  }
}

export function errorLine(message: string): ProgressLine {
  return { errorDetail: { message }, error: message };
}

import { describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../compose/execute/index.ts";
import { applyEvent, jsonLine, plainLine, renderFrame, renderRow, type ResourceRow } from "./progress-model.ts";
import { createProgressRenderer } from "./renderer.ts";
import { PassThrough } from "node:stream";

const ev = (nodeId: number, resource: string, action: ProgressEvent["action"], status: ProgressEvent["status"], detail?: string): ProgressEvent => ({
  nodeId,
  resource,
  action,
  status,
  ...(detail !== undefined ? { detail } : {}),
});

describe("progress model", () => {
  it("folds a container's create and start into one row with its total time", () => {
    let rows: ResourceRow[] = [];
    rows = applyEvent(rows, ev(1, "demo_default", "create-network", "working"), 0);
    rows = applyEvent(rows, ev(2, "demo-backend-1", "create-container", "working"), 100);
    rows = applyEvent(rows, ev(1, "demo_default", "create-network", "done"), 150);
    rows = applyEvent(rows, ev(2, "demo-backend-1", "create-container", "done"), 200);
    rows = applyEvent(rows, ev(3, "demo-backend-1", "start-container", "working"), 250);
    expect(renderRow(rows[1]!, 400, { color: false, frame: 0 })).toBe("⠋ Container demo-backend-1  Starting  0.3s");
    rows = applyEvent(rows, ev(3, "demo-backend-1", "start-container", "done"), 500);
    expect(rows).toHaveLength(2);
    expect(renderRow(rows[1]!, 9999, { color: false, frame: 0 })).toBe("✔ Container demo-backend-1  Started  0.4s");
    expect(renderFrame(rows, 9999, { color: false, frame: 0 })).toEqual([
      "[+] Running 2/2",
      " ✔ Network demo_default      Created  0.1s",
      " ✔ Container demo-backend-1  Started  0.4s",
    ]);
  });

  it("shows errors with their detail and colours when asked", () => {
    const rows = applyEvent(applyEvent([], ev(1, "busybox", "pull-image", "working"), 0), ev(1, "busybox", "pull-image", "error", "manifest unknown"), 1000);
    expect(renderRow(rows[0]!, 1000, { color: false, frame: 0 })).toBe("✘ Image busybox  Error  1.0s  manifest unknown");
    expect(renderRow(rows[0]!, 1000, { color: true, frame: 0 })).toContain("\x1b[31m✘\x1b[0m");
  });

  it("prints plain lines and JSON, skipping pull ticks", () => {
    expect(plainLine(ev(1, "demo-db-1", "stop-container", "done"))).toBe("Container demo-db-1  Stopped");
    expect(plainLine(ev(1, "redis", "pull-image", "progress", "abc: Downloading"))).toBeUndefined();
    expect(plainLine(ev(1, "db", "wait", "error", "unhealthy"))).toBe("Service db  Error: unhealthy");
    expect(JSON.parse(jsonLine(ev(1, "demo-db-1", "remove-container", "done"), 0))).toMatchObject({ id: "Container demo-db-1", status: "done", text: "Removed" });
  });

  it("redraws in place on a TTY", () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true });
    let out = "";
    stream.on("data", (d) => (out += d));
    const r = createProgressRenderer({ mode: "auto", stream, color: false, now: () => 0 });
    r.sink(ev(1, "demo-web-1", "create-container", "working"));
    r.sink(ev(1, "demo-web-1", "create-container", "done"));
    r.close();
    expect(out).toContain("\x1b[2K[+] Running 1/1\n");
    expect(out).toContain("✔ Container demo-web-1  Created  0.0s");
  });
});

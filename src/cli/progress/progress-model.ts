import type { ProgressEvent } from "../../compose/execute/index.ts";
import type { PlanOpKind } from "../../compose/plan/index.ts";

export type ResourceKind = "Container" | "Network" | "Volume" | "Image" | "Service";
export type RowStatus = "working" | "done" | "error" | "warning";

/** One line of the live display: a resource and the latest state of the operations on it. */
export interface ResourceRow {
  readonly kind: ResourceKind;
  readonly name: string;
  /** "Creating", "Started", ... */
  readonly state: string;
  readonly status: RowStatus;
  /** ms timestamps: when the first operation on the resource began, when the latest one ended. */
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly detail?: string;
}

export function kindOf(action: PlanOpKind): ResourceKind {
  switch (action) {
    case "create-container":
    case "start-container":
    case "stop-container":
    case "remove-container":
    case "rename-container":
      return "Container";
    case "create-network":
    case "remove-network":
      return "Network";
    case "create-volume":
    case "remove-volume":
      return "Volume";
    case "pull-image":
      return "Image";
    case "wait":
      return "Service";
  }
}

/** The words docker compose shows for an operation in progress and done. */
export function verbsOf(action: PlanOpKind): readonly [working: string, done: string] {
  switch (action) {
    case "create-container":
    case "create-network":
    case "create-volume":
      return ["Creating", "Created"];
    case "start-container":
      return ["Starting", "Started"];
    case "stop-container":
      return ["Stopping", "Stopped"];
    case "remove-container":
    case "remove-network":
    case "remove-volume":
      return ["Removing", "Removed"];
    case "rename-container":
      return ["Recreate", "Recreated"];
    case "pull-image":
      return ["Pulling", "Pulled"];
    case "wait":
      return ["Waiting", "Ready"];
  }
}

/** Folds one executor event into the rows (new resources are appended in order of first appearance). Pure. */
export function applyEvent(rows: readonly ResourceRow[], e: ProgressEvent, now: number): ResourceRow[] {
  const kind = kindOf(e.action);
  const i = rows.findIndex((r) => r.kind === kind && r.name === e.resource);
  const prev = i >= 0 ? rows[i] : undefined;
  const [working, done] = verbsOf(e.action);
  let next: ResourceRow;
  switch (e.status) {
    case "working":
      next = { kind, name: e.resource, state: working, status: "working", startedAt: prev?.startedAt ?? now };
      break;
    case "progress":
      next = { kind, name: e.resource, state: working, status: "working", startedAt: prev?.startedAt ?? now, ...(e.detail !== undefined ? { detail: e.detail } : {}) };
      break;
    case "done":
      next = { kind, name: e.resource, state: done, status: "done", startedAt: prev?.startedAt ?? now, endedAt: now };
      break;
    case "error":
      next = { kind, name: e.resource, state: "Error", status: "error", startedAt: prev?.startedAt ?? now, endedAt: now, ...(e.detail !== undefined ? { detail: e.detail } : {}) };
      break;
    case "warning":
      // A warning annotates the row; the operation's own done/error still decides its state.
      next = { ...(prev ?? { kind, name: e.resource, state: "Warning", status: "warning" as const, startedAt: now }), ...(e.detail !== undefined ? { detail: e.detail } : {}) };
      break;
  }
  return i >= 0 ? rows.map((r, j) => (j === i ? next : r)) : [...rows, next];
}

export const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const;

export interface RenderStyle {
  readonly color: boolean;
  /** Animation frame for the spinner. */
  readonly frame: number;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** `✔ Container demo-backend-1  Started  0.4s` — one row of the live display. Pure. */
export function renderRow(row: ResourceRow, now: number, style: RenderStyle, nameWidth = 0): string {
  const icon =
    row.status === "done"
      ? paint(style.color, "32", "✔")
      : row.status === "error"
        ? paint(style.color, "31", "✘")
        : row.status === "warning"
          ? paint(style.color, "33", "!")
          : paint(style.color, "34", SPINNER[style.frame % SPINNER.length] as string);
  const secs = (((row.endedAt ?? now) - row.startedAt) / 1000).toFixed(1);
  const name = `${row.kind} ${row.name}`.padEnd(nameWidth);
  const detail = row.detail !== undefined && row.status !== "done" ? `  ${row.detail}` : "";
  return `${icon} ${name}  ${row.state}  ${secs}s${detail}`;
}

/** The whole live display: a `[+] Running 2/5` header and one row per resource. Pure. */
export function renderFrame(rows: readonly ResourceRow[], now: number, style: RenderStyle, verb = "Running"): string[] {
  const finished = rows.filter((r) => r.status === "done").length;
  const width = Math.max(0, ...rows.map((r) => r.kind.length + 1 + r.name.length));
  return [`[+] ${verb} ${finished}/${rows.length}`, ...rows.map((r) => ` ${renderRow(r, now, style, width)}`)];
}

/** The line a non-TTY display prints for an event, or undefined for noise (pull progress ticks). Pure. */
export function plainLine(e: ProgressEvent): string | undefined {
  const kind = kindOf(e.action);
  const [working, done] = verbsOf(e.action);
  switch (e.status) {
    case "working":
      return `${kind} ${e.resource}  ${working}`;
    case "progress":
      return undefined;
    case "done":
      return `${kind} ${e.resource}  ${done}`;
    case "error":
      return `${kind} ${e.resource}  Error${e.detail !== undefined ? `: ${e.detail}` : ""}`;
    case "warning":
      return `${kind} ${e.resource}  Warning${e.detail !== undefined ? `: ${e.detail}` : ""}`;
  }
}

/** `--progress json`: one object per event. */
export function jsonLine(e: ProgressEvent, now: number): string {
  const [working, done] = verbsOf(e.action);
  const text = e.status === "done" ? done : e.status === "working" || e.status === "progress" ? working : e.status === "error" ? "Error" : "Warning";
  return JSON.stringify({ id: `${kindOf(e.action)} ${e.resource}`, status: e.status, text, ...(e.detail !== undefined ? { details: e.detail } : {}), time: new Date(now).toISOString() });
}

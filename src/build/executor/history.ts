import type { ImageHealthcheck } from "../../runtime/spec/index.ts";
import type { BuildImageConfig, PlannedStep } from "../expand/step.ts";

// An image history entry's `created_by` as BuildKit's Dockerfile frontend writes it
// (dockerfile2llb's commitToHistory): steps that run or copy end in " # buildkit", config steps
// show what they set, formatted as Go's fmt prints it (`CMD ["a" "b"]`, `VOLUME [/data]`).
// Differences: RUN shows no `|N ARG=value` prefix; ARG shows its declaration as written. ONBUILD
// adds no entry, as in BuildKit.

/** The history text of a step; `before` is the image config before it. Undefined: no entry. */
export function createdBy(planned: PlannedStep, before: BuildImageConfig): string | undefined {
  const step = planned.step;
  switch (step.kind) {
    case "run":
      return `RUN ${step.argv.join(" ")} # buildkit`;
    case "copy":
    case "add": {
      const flags = [
        ...(step.chown === undefined ? [] : [`--chown=${step.chown}`]),
        ...(step.chmod === undefined ? [] : [`--chmod=${step.chmod.toString(8).padStart(4, "0")}`]),
      ];
      const sources = step.sources.map((s) => (s.kind === "path" ? s.path : `<<${s.name}`));
      return [step.kind.toUpperCase(), ...flags, ...sources, step.dest].join(" ") + " # buildkit";
    }
    case "workdir":
      return `WORKDIR ${step.path}`;
    case "arg":
      return planned.original;
    case "config": {
      const after = step.config;
      switch (step.instruction) {
        case "ENV":
          return `ENV ${changed(pairs(before.Env), pairs(after.Env)).map(([k, v]) => `${k}=${v}`).join(" ")}`;
        case "LABEL":
          return `LABEL ${changed(Object.entries(before.Labels ?? {}), Object.entries(after.Labels ?? {})).map(([k, v]) => `${k}=${v}`).join(" ")}`;
        case "EXPOSE":
          return `EXPOSE ${goList(added(before.ExposedPorts, after.ExposedPorts))}`;
        case "VOLUME":
          return `VOLUME ${goList(added(before.Volumes, after.Volumes))}`;
        case "USER":
          return `USER ${after.User ?? ""}`;
        case "CMD":
          return `CMD ${goQuoted(after.Cmd ?? [])}`;
        case "ENTRYPOINT":
          return `ENTRYPOINT ${goQuoted(after.Entrypoint ?? [])}`;
        case "SHELL":
          return `SHELL ${goList(after.Shell ?? [])}`;
        case "HEALTHCHECK":
          return `HEALTHCHECK ${healthcheck(after.Healthcheck ?? {})}`;
        case "STOPSIGNAL":
          return `STOPSIGNAL ${after.StopSignal ?? ""}`;
        case "MAINTAINER":
          return planned.original.replace(/^\s*\S+\s*/, "MAINTAINER ");
        case "ONBUILD":
          return undefined;
      }
    }
  }
}

function pairs(env: readonly string[] | null | undefined): [string, string][] {
  return (env ?? []).map((e) => {
    const eq = e.indexOf("=");
    return eq < 0 ? [e, ""] : [e.slice(0, eq), e.slice(eq + 1)];
  });
}

// The pairs of `after` that are new or hold another value than in `before`, in `after`'s order.
function changed(before: readonly [string, string][], after: readonly [string, string][]): [string, string][] {
  const old = new Map(before);
  return after.filter(([k, v]) => old.get(k) !== v);
}

function added(before: Readonly<Record<string, object>> | null | undefined, after: Readonly<Record<string, object>> | null | undefined): string[] {
  return Object.keys(after ?? {}).filter((k) => !(k in (before ?? {})));
}

/** Go's %v of a []string. */
function goList(items: readonly string[]): string {
  return `[${items.join(" ")}]`;
}

/** Go's %q of a []string (JSON string quoting is the same for printable text). */
function goQuoted(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(" ")}]`;
}

/** Go's %+v of BuildKit's HealthcheckConfig. */
function healthcheck(h: ImageHealthcheck): string {
  const d = (ns: number | undefined) => goDuration(ns ?? 0);
  return `{Test:${goList(h.Test ?? [])} Interval:${d(h.Interval)} Timeout:${d(h.Timeout)} StartPeriod:${d(h.StartPeriod)} StartInterval:${d(h.StartInterval)} Retries:${h.Retries ?? 0}}`;
}

/** Go's time.Duration String(): "0s", "500ms", "1.5s", "1m30s", "1h0m0s". */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  let n = Math.abs(ns);
  const num = (x: number) => String(Number.parseFloat(x.toFixed(9)));
  if (n < 1e3) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${num(n / 1e3)}µs`;
  if (n < 1e9) return `${sign}${num(n / 1e6)}ms`;
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  return `${sign}${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${num(n / 1e9)}s`;
}

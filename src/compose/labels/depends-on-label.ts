import type { DependencyCondition, ServiceDependency } from "../model/index.ts";

// The `com.docker.compose.depends_on` label: `svc:condition:restart` entries joined by commas,
// exactly as docker/compose writes it (its third field is `restart`, not `required`). Sorted so
// the label is stable across runs (compose iterates a Go map, so its order is random).

export function formatDependsOnLabel(dependsOn: Readonly<Record<string, ServiceDependency>>): string {
  return Object.keys(dependsOn)
    .sort()
    .map((name) => {
      const d = dependsOn[name] as ServiceDependency;
      return `${name}:${d.condition}:${d.restart}`;
    })
    .join(",");
}

export interface DependsOnLabelEntry {
  readonly service: string;
  readonly condition: DependencyCondition;
  readonly restart: boolean;
}

const CONDITIONS: ReadonlySet<string> = new Set(["service_started", "service_healthy", "service_completed_successfully"]);

/** Reads the label back; older compose versions wrote bare service names, taken as `service_started`. */
export function parseDependsOnLabel(value: string | undefined): DependsOnLabelEntry[] {
  if (value === undefined || value.trim() === "") return [];
  return value
    .split(",")
    .filter((e) => e !== "")
    .map((entry) => {
      const [service = "", condition, restart] = entry.split(":");
      return {
        service,
        condition: (condition !== undefined && CONDITIONS.has(condition) ? condition : "service_started") as DependencyCondition,
        restart: restart === "true",
      };
    });
}

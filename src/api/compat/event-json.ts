import type { EngineEvent } from "../../runtime/events/event-bus.ts";
import { checkFilterKeys, labelsMatch, type Filters } from "../http/query.ts";

// Engine events → Docker's /events JSON lines, and Docker's event filters.

export function eventJson(e: EngineEvent) {
  const seconds = Number(e.timeNs / 1_000_000_000n);
  return {
    ...(e.type === "container" ? { status: e.action, id: e.id, from: e.attributes["image"] ?? "" } : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: "local",
    time: seconds,
    timeNano: Number(e.timeNs),
  };
}

const KEYS = ["type", "container", "event", "label", "image", "network", "volume", "daemon"];

export function eventFilter(f: Filters): (e: EngineEvent) => boolean {
  checkFilterKeys(f, KEYS);
  const any = (k: string, t: (v: string) => boolean) => !f.get(k)?.length || f.get(k)!.some(t);
  return (e) =>
    any("type", (v) => v === e.type) &&
    any("event", (v) => v === e.action || e.action.split(":")[0] === v) &&
    any("container", (v) => e.type === "container" && (e.id.startsWith(v) || e.attributes["name"] === v)) &&
    any("image", (v) => e.attributes["image"] === v || (e.type === "image" && (e.id === v || e.attributes["name"] === v))) &&
    any("network", (v) => e.type === "network" && (e.id.startsWith(v) || e.attributes["name"] === v)) &&
    any("volume", (v) => e.type === "volume" && e.id === v) &&
    labelsMatch(e.attributes, f.get("label"));
}

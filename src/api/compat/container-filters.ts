import type { ContainerRecord } from "../../runtime/containers/container-record.ts";
import { checkFilterKeys, labelsMatch, type Filters } from "../http/query.ts";

// `/containers/json?filters=…`: label, name, status, id, ancestor, network (and exited, health).
const KEYS = ["label", "name", "status", "id", "ancestor", "network", "exited", "health"];

export function containerMatches(rec: ContainerRecord, f: Filters, imageNames: (imageId: string) => readonly string[]): boolean {
  checkFilterKeys(f, KEYS);
  const any = (key: string, test: (v: string) => boolean) => {
    const vs = f.get(key);
    return !vs || vs.length === 0 || vs.some(test);
  };
  if (!labelsMatch(rec.config.labels, f.get("label"))) return false;
  if (!any("name", (v) => new RegExp(v.replace(/^\//, "")).test(rec.name))) return false;
  if (!any("id", (v) => rec.id.startsWith(v))) return false;
  if (!any("status", (v) => v === rec.state.status)) return false;
  if (!any("exited", (v) => rec.state.status === "exited" && rec.state.exitCode === Number(v))) return false;
  if (!any("health", (v) => (rec.state.health?.status ?? "none") === v)) return false;
  if (!any("ancestor", (v) => rec.config.image === v || rec.config.imageId === v || rec.config.imageId.slice(7).startsWith(v) || imageNames(rec.config.imageId).some((n) => n === v || n === `${v}:latest`))) return false;
  if (
    !any("network", (v) => {
      const names = Object.keys(rec.config.networking.networks);
      const used = names.length > 0 ? names : rec.config.networking.mode.kind === "bridge" ? ["bridge"] : [rec.config.networking.mode.kind];
      return used.includes(v) || rec.state.endpoints.some((e) => e.network === v || e.networkName === v);
    })
  )
    return false;
  return true;
}

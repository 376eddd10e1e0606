import { asObj, str, strMap } from "../compat/field-readers.ts";
import { volumeJson } from "../compat/volume-json.ts";
import { isZeroValue } from "../compat/zero-value.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { Handler } from "../http/context.ts";
import { readJson } from "../http/json-body.ts";
import { checkFilterKeys, labelsMatch, parseFilters, queryBool } from "../http/query.ts";
import type { Router } from "../router.ts";

export function volumeRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const vs = deps.engine.volumes;
  const c = deps.engine.containers;

  r.add("GET", "/volumes", async (req, res) => {
    const f = parseFilters(req.query.get("filters"));
    checkFilterKeys(f, ["name", "label", "dangling", "driver"]);
    const any = (k: string, t: (v: string) => boolean) => !f.get(k)?.length || f.get(k)!.some(t);
    const out = vs
      .list()
      .filter((v) => any("name", (x) => v.name.includes(x)) && any("driver", (x) => x === v.driver) && labelsMatch(v.labels, f.get("label")))
      .filter((v) => any("dangling", (x) => (x === "true" || x === "1") === !c.volumeInUse(v.name)))
      .map((v) => volumeJson(v));
    res.json(200, { Volumes: out, Warnings: null });
  });

  r.add("POST", "/volumes/create", async (req, res) => {
    const body = asObj((await readJson(req)) ?? {}, "body");
    for (const [k, v] of Object.entries(body)) {
      if (!["Name", "Driver", "DriverOpts", "Labels"].includes(k) && !isZeroValue(v)) throw new HttpError(501, `${k} is not supported by tstack`);
    }
    const name = str(body, "Name", "Name");
    const driver = str(body, "Driver", "Driver");
    const labels = strMap(body, "Labels", "Labels");
    const options = strMap(body, "DriverOpts", "DriverOpts");
    const { volume, created } = await vs.create({ ...(name ? { name } : {}), ...(driver ? { driver } : {}), ...(labels ? { labels } : {}), ...(options ? { options } : {}) });
    if (created) deps.engine.events.emit({ type: "volume", action: "create", id: volume.name, attributes: { driver: volume.driver } });
    res.json(201, volumeJson(volume));
  });

  r.add("GET", "/volumes/{name}", async (req, res) => {
    res.json(200, volumeJson(vs.get(req.params["name"]!)));
  });

  r.add("DELETE", "/volumes/{name}", async (req, res) => {
    const name = req.params["name"]!;
    await vs.remove(name, { force: queryBool(req.query, "force"), inUse: c.volumeInUse(name) });
    deps.engine.events.emit({ type: "volume", action: "destroy", id: name, attributes: { driver: "local" } });
    res.empty(204);
  });

  r.add("POST", "/volumes/prune", async (req, res) => {
    const f = parseFilters(req.query.get("filters"));
    checkFilterKeys(f, ["label", "all"]);
    const all = f.get("all")?.some((v) => v === "true" || v === "1") ?? false;
    const deleted: string[] = [];
    let bytes = 0;
    for (const v of vs.list()) {
      if (c.volumeInUse(v.name) || (!all && !v.anonymous) || !labelsMatch(v.labels, f.get("label"))) continue;
      bytes += await vs.usage(v.name).catch(() => 0);
      await vs.remove(v.name, { inUse: false });
      deleted.push(v.name);
    }
    res.json(200, { VolumesDeleted: deleted, SpaceReclaimed: bytes });
  });
}

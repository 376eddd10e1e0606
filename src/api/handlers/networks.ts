import { notFound } from "../../common/errors.ts";
import { asObj, bool, list, obj, str, strMap } from "../compat/field-readers.ts";
import { networkJson, PREDEFINED_NETWORKS, predefinedNetworkJson } from "../compat/network-json.ts";
import { isZeroValue } from "../compat/zero-value.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { Handler } from "../http/context.ts";
import { readJson } from "../http/json-body.ts";
import { checkFilterKeys, labelsMatch, parseFilters } from "../http/query.ts";
import type { Router } from "../router.ts";

const CREATE_FIELDS = ["Name", "Driver", "Internal", "Attachable", "Options", "Labels", "IPAM", "EnableIPv6", "EnableIPv4", "CheckDuplicate", "Scope"];

export function networkRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const nm = deps.engine.networks;
  const containerName = (id: string) => {
    try {
      return deps.engine.containers.get(id).name;
    } catch {
      return "";
    }
  };
  const inspect = (idOrName: string) => {
    if ((PREDEFINED_NETWORKS as readonly string[]).includes(idOrName)) return predefinedNetworkJson(idOrName as "host" | "none");
    const n = nm.inspect(idOrName);
    return networkJson(n, n.containers, containerName);
  };

  r.add("GET", "/networks", async (req, res) => {
    const f = parseFilters(req.query.get("filters"));
    checkFilterKeys(f, ["name", "id", "label", "driver", "type", "scope", "dangling"]);
    const all = [...nm.list().map((n) => networkJson(n)), ...PREDEFINED_NETWORKS.map(predefinedNetworkJson)];
    const any = (k: string, t: (v: string) => boolean) => !f.get(k)?.length || f.get(k)!.some(t);
    res.json(
      200,
      all.filter(
        (n) =>
          any("name", (v) => n.Name.includes(v)) &&
          any("id", (v) => n.Id.startsWith(v)) &&
          any("driver", (v) => n.Driver === v) &&
          any("scope", (v) => v === "local") &&
          any("type", (v) => (v === "builtin") === (n.Name === "bridge" || n.Name === "host" || n.Name === "none")) &&
          labelsMatch(n.Labels, f.get("label")),
      ),
    );
  });

  r.add("GET", "/networks/{id}", async (req, res) => {
    res.json(200, inspect(req.params["id"]!));
  });

  r.add("POST", "/networks/create", async (req, res) => {
    const body = asObj((await readJson(req)) ?? {}, "body");
    for (const [k, v] of Object.entries(body)) if (!CREATE_FIELDS.includes(k) && !isZeroValue(v)) throw new HttpError(501, `${k} is not supported by tstack`);
    if (body["EnableIPv6"] === true) throw new HttpError(501, "EnableIPv6: IPv6 networks are not supported by tstack");
    const name = str(body, "Name", "Name") ?? "";
    if (!name) throw new HttpError(400, "Name is required");
    const ipam = obj(body, "IPAM", "IPAM") ?? {};
    const ipamDriver = str(ipam, "Driver", "IPAM.Driver") ?? "";
    if (ipamDriver && ipamDriver !== "default") throw new HttpError(501, `IPAM.Driver ${JSON.stringify(ipamDriver)} is not supported by tstack`);
    if (!isZeroValue(ipam["Options"])) throw new HttpError(501, "IPAM.Options is not supported by tstack");
    const configs = list(ipam, "Config", "IPAM.Config") ?? [];
    if (configs.length > 1) throw new HttpError(501, "IPAM.Config: tstack supports one IPv4 subnet per network");
    const cfg = configs[0] ? asObj(configs[0], "IPAM.Config[0]") : {};
    if (!isZeroValue(cfg["AuxiliaryAddresses"])) throw new HttpError(501, "IPAM.Config[0].AuxiliaryAddresses is not supported by tstack");
    const subnet = str(cfg, "Subnet", "IPAM.Config[0].Subnet");
    const gateway = str(cfg, "Gateway", "IPAM.Config[0].Gateway");
    const ipRange = str(cfg, "IPRange", "IPAM.Config[0].IPRange");
    const labels = strMap(body, "Labels", "Labels");
    const options = strMap(body, "Options", "Options");
    const rec = await nm.createNetwork({
      name,
      driver: str(body, "Driver", "Driver") || "bridge",
      ...(subnet ? { subnet } : {}),
      ...(gateway ? { gateway } : {}),
      ...(ipRange ? { ipRange } : {}),
      internal: bool(body, "Internal", "Internal") ?? false,
      attachable: bool(body, "Attachable", "Attachable") ?? false,
      ...(labels ? { labels } : {}),
      ...(options ? { options } : {}),
    });
    deps.engine.events.emit({ type: "network", action: "create", id: rec.id, attributes: { name: rec.name, type: rec.driver } });
    res.json(201, { Id: rec.id, Warning: "" });
  });

  r.add("DELETE", "/networks/{id}", async (req, res) => {
    const id = req.params["id"]!;
    if ((PREDEFINED_NETWORKS as readonly string[]).includes(id) || id === "bridge") throw new HttpError(403, `${id} is a pre-defined network and cannot be removed`);
    const n = nm.inspect(id);
    await nm.removeNetwork(n.id);
    deps.engine.events.emit({ type: "network", action: "destroy", id: n.id, attributes: { name: n.name, type: n.driver } });
    res.empty(204);
  });

  r.add("POST", "/networks/prune", async (req, res) => {
    const f = parseFilters(req.query.get("filters"));
    checkFilterKeys(f, ["label", "until"]);
    const used = new Set(deps.engine.containers.list().flatMap((c) => Object.keys(c.config.networking.networks)));
    const keep = ["bridge", ...used, ...nm.list().filter((n) => !labelsMatch(n.labels, f.get("label"))).map((n) => n.name)];
    res.json(200, { NetworksDeleted: await nm.prune(keep) });
  });

  // Docker's connect body: { Container, EndpointConfig: { Aliases, IPAMConfig: { IPv4Address } } }.
  r.add("POST", "/networks/{id}/connect", async (req, res) => {
    const body = asObj((await readJson(req)) ?? {}, "body");
    const container = str(body, "Container", "Container") ?? "";
    const ep = obj(body, "EndpointConfig", "EndpointConfig") ?? {};
    const ipam = obj(ep, "IPAMConfig", "EndpointConfig.IPAMConfig") ?? {};
    const aliases = list(ep, "Aliases", "EndpointConfig.Aliases") ?? [];
    const ipv4 = str(ipam, "IPv4Address", "EndpointConfig.IPAMConfig.IPv4Address");
    await deps.engine.containers.connect(container, req.params["id"]!, {
      aliases: aliases.map(String),
      ...(ipv4 ? { ipv4Address: ipv4 } : {}),
    });
    res.empty(200);
  });
  r.add("POST", "/networks/{id}/disconnect", async (req, res) => {
    const body = asObj((await readJson(req)) ?? {}, "body");
    const container = str(body, "Container", "Container") ?? "";
    await deps.engine.containers.disconnect(container, req.params["id"]!);
    res.empty(200);
  });
}

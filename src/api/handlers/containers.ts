import { readFile } from "node:fs/promises";
import { availableParallelism, totalmem } from "node:os";
import { conflict, TstackError } from "../../common/errors.ts";
import type { WaitCondition } from "../../runtime/containers/wait-container.ts";
import { translateContainerCreate } from "../compat/container-create.ts";
import { changesJson } from "../compat/changes-json.ts";
import { containerMatches } from "../compat/container-filters.ts";
import { containerInspectJson, containerListJson } from "../compat/container-json.ts";
import { statsJson, systemCpuNs, type StatsSample } from "../compat/stats-json.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { Handler } from "../http/context.ts";
import { readJson } from "../http/json-body.ts";
import { parseFilters, queryBool, queryInt } from "../http/query.ts";
import type { Router } from "../router.ts";
import { containerJsonContext } from "./container-context.ts";
import { compareStrings } from "../../common/compare-strings.ts";

export function containerRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const c = deps.engine.containers;

  r.add("GET", "/containers/json", async (req, res) => {
    const all = queryBool(req.query, "all");
    const limit = queryInt(req.query, "limit") ?? -1;
    const filters = parseFilters(req.query.get("filters"));
    // Image names only matter to an ancestor filter.
    const images = filters.has("ancestor") ? await deps.engine.images.list() : [];
    const names = new Map(images.map((i) => [i.id as string, i.names]));
    const ctx = containerJsonContext(deps);
    let recs = c
      .list()
      .filter((rec) => all || filters.has("status") || rec.state.status === "running" || rec.state.status === "paused" || rec.state.status === "restarting")
      .filter((rec) => containerMatches(rec, filters, (id) => names.get(id) ?? []))
      .sort((a, b) => compareStrings(b.createdAt, a.createdAt));
    if (limit > 0) recs = recs.slice(0, limit);
    res.json(200, await Promise.all(recs.map(async (rec) => containerListJson(rec, await ctx(rec.config.imageId)))));
  });

  r.add("POST", "/containers/create", async (req, res) => {
    const body = await readJson(req);
    const platform = req.query.get("platform");
    if (platform && !/^linux(\/|$)/.test(platform)) throw new HttpError(501, `platform ${platform} is not supported by tstack`);
    const request = translateContainerCreate(body, req.query.get("name") ?? undefined);
    const rec = await c.create(request);
    res.json(201, { Id: rec.id, Warnings: [] });
  });

  r.add("GET", "/containers/{id}/json", async (req, res) => {
    const rec = c.get(req.params["id"]!);
    const ctx = await containerJsonContext(deps)(rec.config.imageId);
    res.json(200, containerInspectJson(rec, ctx));
  });

  r.add("POST", "/containers/{id}/start", async (req, res) => {
    const { alreadyRunning } = await c.start(req.params["id"]!);
    res.empty(alreadyRunning ? 304 : 204);
  });

  r.add("POST", "/containers/{id}/stop", async (req, res) => {
    const t = queryInt(req.query, "t");
    if (req.query.get("signal")) throw new HttpError(501, "stop with a signal parameter is not supported by tstack; set StopSignal on the container");
    const { alreadyStopped } = await c.stop(req.params["id"]!, t);
    res.empty(alreadyStopped ? 304 : 204);
  });

  r.add("POST", "/containers/{id}/restart", async (req, res) => {
    await c.restart(req.params["id"]!, queryInt(req.query, "t"));
    res.empty(204);
  });

  r.add("POST", "/containers/{id}/kill", async (req, res) => {
    await c.kill(req.params["id"]!, req.query.get("signal") || "SIGKILL");
    res.empty(204);
  });

  r.add("POST", "/containers/{id}/pause", async (req, res) => {
    await c.pause(req.params["id"]!);
    res.empty(204);
  });

  r.add("POST", "/containers/{id}/unpause", async (req, res) => {
    await c.unpause(req.params["id"]!);
    res.empty(204);
  });

  r.add("POST", "/containers/{id}/rename", async (req, res) => {
    const name = req.query.get("name");
    if (!name) throw new HttpError(400, "rename: the name parameter is required");
    await c.rename(req.params["id"]!, name);
    res.empty(204);
  });

  r.add("DELETE", "/containers/{id}", async (req, res) => {
    if (queryBool(req.query, "link")) throw new HttpError(501, "removing links is not supported by tstack");
    await c.remove(req.params["id"]!, { force: queryBool(req.query, "force"), volumes: queryBool(req.query, "v") });
    res.empty(204);
  });

  r.add("POST", "/containers/{id}/wait", async (req, res) => {
    const condition = (req.query.get("condition") || "not-running") as WaitCondition;
    if (!["not-running", "next-exit", "removed"].includes(condition)) throw new HttpError(400, `invalid condition: ${JSON.stringify(condition)}`);
    // Subscribed before the headers go out: a client that waits, then starts, sees the exit.
    const waiting = c.wait(req.params["id"]!, condition, req.signal);
    waiting.catch(() => undefined);
    c.get(req.params["id"]!); // 404 before the 200 when there is no such container
    const sink = res.stream(200, { "Content-Type": "application/json" });
    try {
      const { exitCode, error } = await waiting;
      await sink.write(JSON.stringify({ StatusCode: exitCode, Error: error ? { Message: error } : null }) + "\n");
    } catch (err) {
      if (req.signal.aborted) return;
      await sink.write(JSON.stringify({ StatusCode: -1, Error: { Message: err instanceof Error ? err.message : String(err) } }) + "\n").catch(() => undefined);
    }
    sink.end();
  });

  r.add("POST", "/containers/prune", async (req, res) => {
    const filters = parseFilters(req.query.get("filters"));
    const deleted: string[] = [];
    const until = filters.get("until")?.[0];
    const untilMs = until ? (/^\d+$/.test(until) ? Number(until) * 1000 : Date.parse(until)) : undefined;
    for (const rec of c.list()) {
      if (!["exited", "created", "dead"].includes(rec.state.status)) continue;
      if (!containerMatches(rec, new Map([...filters].filter(([k]) => k === "label")), () => [])) continue;
      if (untilMs !== undefined && Date.parse(rec.createdAt) > untilMs) continue;
      await c.remove(rec.id).then(() => deleted.push(rec.id), (err) => deps.log("warn", `prune ${rec.id}: ${String(err)}`));
    }
    res.json(200, { ContainersDeleted: deleted, SpaceReclaimed: 0 });
  });

  r.add("POST", "/containers/{id}/resize", async (req, res) => {
    const h = queryInt(req.query, "h") ?? 0;
    const w = queryInt(req.query, "w") ?? 0;
    const handle = await c.attach(req.params["id"]!);
    try {
      if (h > 0 && w > 0) handle.resize(h, w);
    } finally {
      handle.close();
    }
    res.empty(200);
  });

  r.add("GET", "/containers/{id}/top", async (req, res) => {
    if (req.query.get("ps_args")) throw new HttpError(501, "top: ps_args is not supported by tstack");
    const pids = await c.top(req.params["id"]!);
    const rows = await Promise.all(pids.map((pid) => processRow(pid)));
    res.json(200, { Titles: ["UID", "PID", "PPID", "CMD"], Processes: rows });
  });

  r.add("GET", "/containers/{id}/changes", async (req, res) => {
    res.json(200, changesJson(await c.changes(req.params["id"]!)));
  });

  r.add("GET", "/containers/{id}/stats", async (req, res) => {
    const rec = c.get(req.params["id"]!);
    const stream = queryBool(req.query, "stream", true);
    const oneShot = queryBool(req.query, "one-shot");
    const onlineCpus = availableParallelism();
    const sample = async (): Promise<StatsSample> => {
      const cur = c.get(rec.id);
      if (cur.state.status !== "running" && cur.state.status !== "paused") throw conflict(`Container ${rec.id} is not running`);
      return { at: deps.now(), cgroup: await c.stats(rec.id), systemCpuNs: systemCpuNs(await deps.readProcStat()) };
    };
    const render = (cur: StatsSample, prev: StatsSample | undefined) =>
      JSON.stringify(statsJson({ id: rec.id, name: rec.name, cur, prev, onlineCpus, hostMemory: totalmem() })) + "\n";
    if (!stream) {
      let prev: StatsSample | undefined;
      if (!oneShot) {
        prev = await sample();
        await sleep(500, req.signal);
      }
      res.json(200, JSON.parse(render(await sample(), prev)));
      return;
    }
    const sink = res.stream(200, { "Content-Type": "application/json" });
    let prev: StatsSample | undefined;
    try {
      while (!req.signal.aborted) {
        const cur = await sample();
        await sink.write(render(cur, prev));
        prev = cur;
        await sleep(1000, req.signal);
      }
    } catch (err) {
      if (!(err instanceof TstackError)) throw err;
    }
    sink.end();
  });
}

async function processRow(pid: number): Promise<string[]> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? "?";
  const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1] ?? "?";
  const cmd = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean).join(" ");
  return [uid, String(pid), ppid, cmd];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

import { TstackError } from "../../common/errors.ts";
import type { AttachHandle } from "../../runtime/containers/ports.ts";
import { asObj, bool, strList, str } from "../compat/field-readers.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import type { Handler } from "../http/context.ts";
import { readJson, readJsonObject } from "../http/json-body.ts";
import { queryInt } from "../http/query.ts";
import type { Router } from "../router.ts";
import { pumpStdin } from "./attach.ts";
import { frameFor, MULTIPLEXED_STREAM, RAW_STREAM } from "./output.ts";

export function execRoutes(r: Router<Handler>, deps: ApiDeps): void {
  const c = deps.engine.containers;
  // Attached execs, for resize calls that come while they run.
  const attached = new Map<string, AttachHandle>();

  r.add("POST", "/containers/{id}/exec", async (req, res) => {
    const body = asObj((await readJson(req)) ?? {}, "body");
    const cmd = strList(body, "Cmd", "Cmd") ?? [];
    if (cmd.length === 0) throw new HttpError(400, "No exec command specified");
    const dk = str(body, "DetachKeys", "DetachKeys");
    if (dk) throw new HttpError(501, "DetachKeys is not supported by tstack");
    const env = strList(body, "Env", "Env");
    const user = str(body, "User", "User");
    const wd = str(body, "WorkingDir", "WorkingDir");
    const id = await c.createExec(req.params["id"]!, {
      cmd,
      ...(env ? { env } : {}),
      ...(user ? { user } : {}),
      ...(wd ? { workingDir: wd } : {}),
      tty: bool(body, "Tty", "Tty") ?? false,
      attachStdin: bool(body, "AttachStdin", "AttachStdin") ?? false,
      privileged: bool(body, "Privileged", "Privileged") ?? false,
    });
    res.json(201, { Id: id });
  });

  r.add("POST", "/exec/{id}/start", async (req, res) => {
    const body = await readJsonObject(req);
    const id = req.params["id"]!;
    const info = await c.inspectExec(id);
    const detach = body["Detach"] === true;
    if (detach) {
      await c.execs.start(id, { attach: false });
      res.empty(200);
      return;
    }
    const handle = await c.execs.start(id, { attach: true });
    if (!handle) throw new TstackError("Internal", "exec start gave no stream");
    attached.set(id, handle);
    const tty = info.request.tty ?? false;
    const frame = frameFor(tty);
    const conn = res.hijack(tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    try {
      if (info.request.attachStdin) void pumpStdin(conn.input, handle);
      for await (const f of handle.output) await conn.write(frame(f.stream, f.data));
      // The exit code is known before the client, seeing the end of output, asks for it.
      await Promise.race([handle.exit, new Promise((r) => setTimeout(r, 2000).unref())]);
    } catch (err) {
      if (!req.signal.aborted) deps.log("debug", `exec ${id}: ${String(err)}`);
    } finally {
      attached.delete(id);
      handle.close();
      conn.endOutput();
      setTimeout(() => conn.close(), 1000).unref();
    }
  });

  r.add("POST", "/exec/{id}/resize", async (req, res) => {
    const id = req.params["id"]!;
    await c.inspectExec(id); // 404 for an unknown exec
    const h = queryInt(req.query, "h") ?? 0;
    const w = queryInt(req.query, "w") ?? 0;
    if (h > 0 && w > 0) attached.get(id)?.resize(h, w);
    res.empty(200);
  });

  r.add("GET", "/exec/{id}/json", async (req, res) => {
    const e = await c.inspectExec(req.params["id"]!);
    const [entrypoint = "", ...args] = e.request.cmd;
    res.json(200, {
      ID: e.id,
      Running: e.running,
      ExitCode: e.exitCode,
      ProcessConfig: { tty: e.request.tty ?? false, entrypoint, arguments: args, privileged: e.request.privileged ?? false, user: e.request.user ?? "" },
      OpenStdin: e.request.attachStdin ?? false,
      OpenStderr: true,
      OpenStdout: true,
      CanRemove: false,
      ContainerID: e.containerId,
      DetachKeys: "",
      Pid: e.pid,
    });
  });
}

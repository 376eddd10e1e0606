import { describe, it, expect, inject } from "vitest";
import { createServer } from "node:net";
import { engineWith } from "../support/engine-fixture.ts";
import { freePort } from "../fixtures/registry.ts";
import { eventually } from "../support/eventually.ts";

const busybox = `${inject("registry")}/busybox:latest`;


describe("containers on bridge networks", () => {
  const env = engineWith(busybox);

  const httpd = (name: string, network: string, extra: object = {}) =>
    env.engine.containers.create({
      name,
      image: busybox,
      options: { cmd: ["httpd", "-f", "-p", "80", "-h", "/var/www"] },
      init: true,
      networking: { mode: { kind: "bridge" }, networks: { [network]: { aliases: [`${name}-alias`] } }, ...extra },
    });

  async function runIn(network: string, cmd: string): Promise<{ exitCode: number; out: string }> {
    const c = await env.engine.containers.create({ image: busybox, options: { cmd: ["sh", "-c", cmd] }, networking: { mode: { kind: "bridge" }, networks: { [network]: {} } } });
    const w = env.engine.containers.wait(c.id, "next-exit");
    await env.engine.containers.start(c.id);
    const { exitCode } = await w;
    let out = "";
    for await (const e of env.engine.containers.logs(c.id)) out += e.log;
    await env.engine.containers.remove(c.id);
    return { exitCode, out };
  }

  it("containers reach each other by name and alias; another network cannot", async () => {
    await env.engine.networks.createNetwork({ name: "front" });
    await env.engine.networks.createNetwork({ name: "other" });
    const a = await httpd("web-a", "front");
    await env.engine.containers.start(a.id);
    const got = await runIn("front", "nslookup web-a >/dev/null && echo -e 'GET / HTTP/1.0\\r\\n\\r\\n' | nc web-a 80; echo; echo -e 'GET / HTTP/1.0\\r\\n\\r\\n' | nc web-a-alias 80");
    expect(got.out.match(/tstack busybox/g)?.length).toBe(2);
    const ip = env.engine.containers.get(a.id).state.endpoints[0]!.ip;
    const blocked = await runIn("other", `nslookup web-a; echo -e 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 2 nc ${ip} 80; echo rc=$?`);
    expect(blocked.out).not.toContain("tstack busybox");
    await env.engine.containers.remove(a.id, { force: true });
  });

  it("a published port answers on 127.0.0.1; a taken port is refused before anything is created", async () => {
    const port = await freePort();
    const c = await httpd("web-pub", "bridge", { portBindings: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: port }] });
    await env.engine.containers.start(c.id);
    expect(env.engine.containers.get(c.id).state.ports).toEqual([{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: port }]);
    const body = await eventually(
      () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()),
      (t) => typeof t === "string" && t.includes("tstack busybox"),
    );
    expect(body).toContain("tstack busybox");
    // A port held by another process (this test) is a clear error, and the container stays created.
    const holder = createServer();
    const taken = await freePort();
    await new Promise<void>((r) => holder.listen(taken, "127.0.0.1", r));
    try {
      const d = await httpd("web-taken", "bridge", { portBindings: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: taken }] });
      await expect(env.engine.containers.start(d.id)).rejects.toThrow(new RegExp(`port ${taken}/tcp on 127.0.0.1 is already in use`));
      const rec = env.engine.containers.get(d.id);
      expect(rec.state.status).toBe("created");
      expect(rec.state.rootfsMounted).toBe(false);
    } finally {
      holder.close();
    }
    await env.engine.containers.remove(c.id, { force: true });
  });

  it("network_mode container:<x> shares x's network namespace", async () => {
    const a = await httpd("web-shared", "bridge");
    await env.engine.containers.start(a.id);
    const c = await env.engine.containers.create({
      image: busybox,
      options: { cmd: ["sh", "-c", "echo -e 'GET / HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 80"] },
      networking: { mode: { kind: "container", container: "web-shared" } },
    });
    const w = env.engine.containers.wait(c.id, "next-exit");
    await env.engine.containers.start(c.id);
    await w;
    let out = "";
    for await (const e of env.engine.containers.logs(c.id)) out += e.log;
    expect(out).toContain("tstack busybox");
    await env.engine.containers.remove(a.id, { force: true });
  });

  it("connects a running container to another network and disconnects it again", async () => {
    await env.engine.networks.createNetwork({ name: "conn-a" });
    await env.engine.networks.createNetwork({ name: "conn-b" });
    const web = await httpd("web-conn", "conn-a");
    await env.engine.containers.start(web.id);
    const fetchByName = "echo -e 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 3 nc web-conn 80";
    expect((await runIn("conn-b", fetchByName)).out).not.toContain("tstack busybox");
    await env.engine.containers.connect(web.id, "conn-b", { aliases: ["web-b"] });
    expect(env.engine.containers.get(web.id).state.endpoints.map((e) => e.networkName)).toEqual(["conn-a", "conn-b"]);
    expect((await runIn("conn-b", fetchByName)).out).toContain("tstack busybox");
    await env.engine.containers.disconnect(web.id, "conn-b");
    expect((await runIn("conn-b", fetchByName)).out).not.toContain("tstack busybox");
    expect((await runIn("conn-a", fetchByName)).out).toContain("tstack busybox");
    await env.engine.containers.remove(web.id, { force: true });
  });
});

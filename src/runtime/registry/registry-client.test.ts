import { pipeline } from "node:stream/promises";
import { buffer } from "node:stream/consumers";
import { Readable, Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TstackError } from "../../common/errors.ts";
import { parseReference } from "../reference/index.ts";
import type { Digest } from "../content/digest.ts";
import {
  MediaType,
  createRegistryClient,
  createVerifier,
  dockerConfigCredentials,
  type BlobProgress,
  type Clock,
  type Descriptor,
  type RegistryClientOptions,
} from "./index.ts";
import { sha256, startFakeRegistry, type FakeRegistry } from "./testing/fake-registry.ts";

function fakeClock(): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

async function caught(p: Promise<unknown>): Promise<TstackError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TstackError);
    return err as TstackError;
  }
  throw new Error("expected the promise to reject");
}

interface BuiltImage {
  readonly manifestDigest: string;
  readonly manifestBytes: Buffer;
  readonly config: Descriptor;
  readonly layers: Descriptor[];
}

function buildImage(
  fake: FakeRegistry,
  repo: string,
  tag: string | undefined,
  opts: { layers?: string[]; arch?: string; mediaType?: string } = {},
): BuiltImage {
  const docker = opts.mediaType === MediaType.DockerManifest;
  const layers = (opts.layers ?? ["layer-one", "layer-two"]).map((content) => {
    const { digest, size } = fake.putBlob(content);
    return { mediaType: docker ? MediaType.DockerLayerGzip : MediaType.OciLayerGzip, digest: digest as Digest, size };
  });
  const configBytes = JSON.stringify({
    architecture: opts.arch ?? "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
  });
  const c = fake.putBlob(configBytes);
  const config = { mediaType: docker ? MediaType.DockerConfig : MediaType.OciConfig, digest: c.digest as Digest, size: c.size };
  const mediaType = opts.mediaType ?? MediaType.OciManifest;
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config, layers }));
  const manifestDigest = fake.putManifest(repo, tag, manifestBytes, mediaType);
  return { manifestDigest, manifestBytes, config, layers };
}

let fake: FakeRegistry;
let clock: ReturnType<typeof fakeClock>;
const client = (o: RegistryClientOptions = {}) =>
  createRegistryClient({ clock, platform: { os: "linux", architecture: "amd64" }, ...o });

beforeEach(async () => {
  fake = await startFakeRegistry();
  clock = fakeClock();
});
afterEach(async () => {
  await fake.close();
});

describe("resolve", () => {
  it("resolves a tag to an image manifest and records its digest", async () => {
    const img = buildImage(fake, "x/y", "v1");
    const ref = parseReference(`${fake.addr}/x/y:v1`);
    const r = await client().resolve(ref);
    expect(r.target.digest).toBe(img.manifestDigest);
    expect(r.descriptor).toEqual({ mediaType: MediaType.OciManifest, digest: img.manifestDigest, size: img.manifestBytes.length });
    expect(Buffer.from(r.manifestBytes).equals(img.manifestBytes)).toBe(true);
    expect(r.manifest.layers.map((l) => l.digest)).toEqual(img.layers.map((l) => l.digest));
    expect(r.index).toBeUndefined();
    const accept = fake.requests.find((q) => q.url.includes("/manifests/"))?.headers.accept;
    expect(accept).toContain(MediaType.OciIndex);
    expect(accept).toContain(MediaType.DockerManifest);
  });

  it("resolves Docker schema 2 manifests and pulls by digest", async () => {
    const img = buildImage(fake, "x/docker", "v1", { mediaType: MediaType.DockerManifest });
    const byDigest = parseReference(`${fake.addr}/x/docker@${img.manifestDigest}`);
    const r = await client().resolve(byDigest);
    expect(r.mediaType).toBe(MediaType.DockerManifest);
    expect(r.descriptor.digest).toBe(img.manifestDigest);
    expect(fake.requests.at(-1)?.url).toBe(`/v2/x/docker/manifests/${img.manifestDigest}`);
  });

  it("prefers the digest over the tag when both are given", async () => {
    const img = buildImage(fake, "x/y", "v1");
    buildImage(fake, "x/y", "v2", { layers: ["other"] });
    const r = await client().resolve(parseReference(`${fake.addr}/x/y:v2@${img.manifestDigest}`));
    expect(r.descriptor.digest).toBe(img.manifestDigest);
  });

  it("maps a missing manifest to NotFound naming the image", async () => {
    const err = await caught(client().resolve(parseReference(`${fake.addr}/x/y:nope`)));
    expect(err.kind).toBe("NotFound");
    expect(err.message).toBe(`manifest for ${fake.addr}/x/y:nope not found: manifest unknown`);
  });

  it("selects the platform from an index and returns both digests", async () => {
    const amd = buildImage(fake, "multi", undefined, { layers: ["amd"], arch: "amd64" });
    const arm = buildImage(fake, "multi", undefined, { layers: ["arm"], arch: "arm64" });
    const armv7 = buildImage(fake, "multi", undefined, { layers: ["armv7"], arch: "arm" });
    const entry = (img: BuiltImage, platform: object) => ({
      mediaType: MediaType.OciManifest,
      digest: img.manifestDigest,
      size: img.manifestBytes.length,
      platform,
    });
    const indexBytes = JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        entry(amd, { os: "unknown", architecture: "unknown" }), // attestation-like entry first: never chosen
        entry(amd, { os: "linux", architecture: "amd64" }),
        entry(arm, { os: "linux", architecture: "arm64" }),
        entry(armv7, { os: "linux", architecture: "arm", variant: "v7" }),
      ],
    });
    const indexDigest = fake.putManifest("multi", "latest", indexBytes, MediaType.OciIndex);
    const ref = parseReference(`${fake.addr}/multi`);

    const onAmd = await client().resolve(ref);
    expect(onAmd.target).toEqual({ mediaType: MediaType.OciIndex, digest: indexDigest, size: indexBytes.length });
    expect(onAmd.descriptor.digest).toBe(amd.manifestDigest);
    expect(onAmd.descriptor.platform).toEqual({ os: "linux", architecture: "amd64" });
    expect(Buffer.from(onAmd.index?.bytes ?? []).toString()).toBe(indexBytes);

    const onArm64 = await client({ platform: { os: "linux", architecture: "arm64", variant: "v8" } }).resolve(ref);
    expect(onArm64.descriptor.digest).toBe(arm.manifestDigest);
    const onArmV8 = await client().resolve(ref, { platform: { os: "linux", architecture: "arm", variant: "v8" } });
    expect(onArmV8.descriptor.digest).toBe(armv7.manifestDigest);

    const err = await caught(client().resolve(ref, { platform: { os: "linux", architecture: "riscv64" } }));
    expect(err.kind).toBe("NotFound");
    expect(err.message).toContain("no matching manifest for linux/riscv64");
    expect(err.message).toContain("available platforms: linux/amd64, linux/arm64, linux/arm/v7");
  });

  it("refuses a manifest whose bytes do not match the requested digest", async () => {
    const img = buildImage(fake, "x/y", "v1");
    const tampered = Buffer.from(img.manifestBytes.toString().replace("layers", "layers "));
    fake.manifests.get("x/y")?.set(img.manifestDigest, { bytes: tampered, mediaType: MediaType.OciManifest });
    const err = await caught(client().resolve(parseReference(`${fake.addr}/x/y@${img.manifestDigest}`)));
    expect(err.kind).toBe("DataLoss");
    expect(err.message).toContain("digest mismatch");
  });

  it("refuses a manifest by tag when Docker-Content-Digest disagrees with the bytes", async () => {
    buildImage(fake, "x/y", "v1");
    fake.intercept = (req, res, url) => {
      if (!url.pathname.endsWith("/manifests/v1")) return false;
      const body = fake.manifests.get("x/y")?.get("v1")?.bytes ?? Buffer.alloc(0);
      res.writeHead(200, { "Content-Type": MediaType.OciManifest, "Docker-Content-Digest": sha256("other") });
      res.end(body);
      return true;
    };
    const err = await caught(client().resolve(parseReference(`${fake.addr}/x/y:v1`)));
    expect(err.kind).toBe("DataLoss");
    expect(err.message).toContain(`registry says ${sha256("other")}`);
  });

  it("refuses a malformed manifest and schema 1", async () => {
    fake.putManifest("bad", "nolayers", JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: {} }), MediaType.OciManifest);
    const nolayers = await caught(client().resolve(parseReference(`${fake.addr}/bad:nolayers`)));
    expect(nolayers.kind).toBe("DataLoss");
    fake.putManifest("bad", "v1", JSON.stringify({ schemaVersion: 1, name: "bad", fsLayers: [] }), MediaType.DockerManifestV1Signed);
    const v1 = await caught(client().resolve(parseReference(`${fake.addr}/bad:v1`)));
    expect(v1.kind).toBe("Unimplemented");
    expect(v1.message).toContain("schema 1");
  });

  it("head() reads the digest without fetching the body", async () => {
    const img = buildImage(fake, "x/y", "v1");
    const d = await client().head(parseReference(`${fake.addr}/x/y:v1`));
    expect(d).toEqual({ mediaType: MediaType.OciManifest, digest: img.manifestDigest, size: img.manifestBytes.length });
    expect(fake.requests.map((r) => r.method)).toEqual(["HEAD"]);
  });
});

describe("retries and network errors", () => {
  it("stops when the caller aborts, without wrapping the abort", async () => {
    buildImage(fake, "x/y", "v1");
    fake.intercept = () => true; // never answers
    const controller = new AbortController();
    const pending = client().resolve(parseReference(`${fake.addr}/x/y:v1`), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 20);
    await expect(pending).rejects.toThrow("user cancelled");
  });

  it("retries 5xx and 429 with backoff, then succeeds", async () => {
    const img = buildImage(fake, "x/y", "v1");
    let failures = 0;
    fake.intercept = (_req, res, url) => {
      if (!url.pathname.includes("/manifests/") || failures >= 2) return false;
      failures++;
      if (failures === 1) res.writeHead(503, { "Content-Type": "application/json" }).end("{}");
      else res.writeHead(429, { "Retry-After": "3" }).end();
      return true;
    };
    const r = await client().resolve(parseReference(`${fake.addr}/x/y:v1`));
    expect(r.descriptor.digest).toBe(img.manifestDigest);
    expect(clock.sleeps).toEqual([250, 3000]);
  });

  it("gives up after the configured attempts with Unavailable and the registry's message", async () => {
    fake.intercept = (_req, res) => {
      res.writeHead(502, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "backend is down" }] }));
      return true;
    };
    const err = await caught(client({ retry: { attempts: 3 } }).resolve(parseReference(`${fake.addr}/x/y:v1`)));
    expect(err.kind).toBe("Unavailable");
    expect(err.message).toContain("backend is down");
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a 4xx", async () => {
    fake.intercept = (_req, res) => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "NAME_INVALID", message: "invalid repository name" }] }));
      return true;
    };
    const err = await caught(client().resolve(parseReference(`${fake.addr}/x/y:v1`)));
    expect(err.kind).toBe("InvalidArgument");
    expect(fake.requests).toHaveLength(1);
  });

  it("maps a refused connection to Unavailable after retrying", async () => {
    const addr = fake.addr;
    await fake.close();
    const err = await caught(client({ retry: { attempts: 2 } }).resolve(parseReference(`${addr}/x/y:v1`)));
    expect(err.kind).toBe("Unavailable");
    expect(err.message).toContain(`cannot reach registry ${addr}`);
    expect(err.message).toContain("ECONNREFUSED");
    expect(clock.sleeps).toHaveLength(1);
  });

  it("uses HTTPS for non-loopback registries unless listed as insecure", async () => {
    const urls: string[] = [];
    const recording = async (input: string | URL) => {
      urls.push(String(input));
      throw new TypeError("fetch failed");
    };
    const c = client({ fetch: recording, retry: { attempts: 1 }, insecureRegistries: ["insecure.test:5000"] });
    await caught(c.ping("registry.test"));
    await caught(c.ping("insecure.test:5000"));
    await caught(c.ping("docker.io"));
    await caught(c.ping("[::1]:5000"));
    expect(urls).toEqual([
      "https://registry.test/v2/",
      "http://insecure.test:5000/v2/",
      "https://registry-1.docker.io/v2/",
      "http://[::1]:5000/v2/",
    ]);
  });
});

describe("auth", () => {
  it("follows an anonymous bearer challenge and caches the token per scope until it expires", async () => {
    fake.auth = { mode: "bearer", anonymous: true, expiresIn: 60 };
    const img = buildImage(fake, "x/y", "v1");
    const ref = parseReference(`${fake.addr}/x/y:v1`);
    const c = client();
    expect((await c.resolve(ref)).descriptor.digest).toBe(img.manifestDigest);
    const tokenRequests = () => fake.requests.filter((r) => r.url.startsWith("/token"));
    expect(tokenRequests()).toHaveLength(1);
    const tokenUrl = new URL(tokenRequests()[0]?.url ?? "", "http://x");
    expect(tokenUrl.searchParams.get("service")).toBe("fake-registry");
    expect(tokenUrl.searchParams.getAll("scope")).toEqual(["repository:x/y:pull"]);
    expect(tokenRequests()[0]?.authorization).toBeUndefined();

    // The challenge is remembered: no more 401 round trips, the token is reused.
    const before = fake.requests.length;
    await c.resolve(ref);
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual(["GET /v2/x/y/manifests/v1"]);
    expect(fake.requests.at(-1)?.authorization).toMatch(/^Bearer tok-/);

    clock.t += 61_000;
    await c.resolve(ref);
    expect(tokenRequests()).toHaveLength(2);
  });

  it("shares one token request between parallel requests", async () => {
    fake.auth = { mode: "bearer", anonymous: true };
    const img = buildImage(fake, "x/y", "v1", { layers: ["a", "b", "c", "d"] });
    const c = client();
    const ref = parseReference(`${fake.addr}/x/y:v1`);
    await c.ping(fake.addr);
    const blobs = await Promise.all(img.layers.map((l) => c.fetchBlob(ref, l, { verify: true }).then((b) => buffer(b.stream))));
    expect(blobs.map((b) => b.toString())).toEqual(["a", "b", "c", "d"]);
    expect(fake.requests.filter((r) => r.url.startsWith("/token"))).toHaveLength(1);
  });

  it("sends docker config credentials to the token endpoint", async () => {
    fake.auth = { mode: "bearer", anonymous: false, users: { alice: "s3cret" } };
    const img = buildImage(fake, "x/y", "v1");
    const config = JSON.stringify({ auths: { [fake.addr]: { username: "alice", password: "s3cret" } } });
    const c = client({ credentials: dockerConfigCredentials({ path: "/nonexistent/config.json", readFile: async () => config }) });
    const r = await c.resolve(parseReference(`${fake.addr}/x/y:v1`));
    expect(r.descriptor.digest).toBe(img.manifestDigest);
    const tokenReq = fake.requests.find((q) => q.url.startsWith("/token"));
    expect(tokenReq?.authorization).toBe(`Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
  });

  it("reports refused anonymous access as PermissionDenied", async () => {
    fake.auth = { mode: "bearer", anonymous: false };
    const err = await caught(client().resolve(parseReference(`${fake.addr}/x/y:v1`)));
    expect(err.kind).toBe("PermissionDenied");
    expect(err.message).toContain("anonymous access was refused");
  });

  it("uses basic auth from a docker config `auth` entry", async () => {
    fake.auth = { mode: "basic", users: { bob: "pa:ss" } };
    const img = buildImage(fake, "x/y", "v1");
    const auth = Buffer.from("bob:pa:ss").toString("base64");
    const config = JSON.stringify({ auths: { [`http://${fake.addr}/v2/`]: { auth } } });
    const c = client({ credentials: dockerConfigCredentials({ readFile: async () => config }) });
    expect((await c.resolve(parseReference(`${fake.addr}/x/y:v1`))).descriptor.digest).toBe(img.manifestDigest);
    expect(fake.requests.at(-1)?.authorization).toBe(`Basic ${auth}`);

    const wrong = JSON.stringify({ auths: { [fake.addr]: { username: "bob", password: "nope" } } });
    const bad = client({ credentials: dockerConfigCredentials({ readFile: async () => wrong }) });
    const err = await caught(bad.resolve(parseReference(`${fake.addr}/x/y:v1`)));
    expect(err.kind).toBe("PermissionDenied");
    expect(err.message).toBe(`pull manifest for ${fake.addr}/x/y:v1: credentials rejected: authentication required`);
    const none = await caught(client().resolve(parseReference(`${fake.addr}/x/y:v1`)));
    expect(none.kind).toBe("PermissionDenied");
    expect(none.message).toContain("no credentials are configured");
  });

  it("ping reports the auth scheme", async () => {
    expect((await client().ping(fake.addr)).auth).toBe("none");
    fake.auth = { mode: "bearer", anonymous: true };
    expect(await client().ping(fake.addr)).toEqual({ url: `http://${fake.addr}/v2/`, auth: "bearer" });
  });
});

describe("blobs", () => {
  it("streams a blob with progress and optional verification, following redirects", async () => {
    fake.auth = { mode: "bearer", anonymous: true };
    await using storage = await startFakeRegistry();
    fake.redirectBlobsTo = `http://${storage.addr}`;
    const content = Buffer.alloc(300_000, 7);
    const { digest, size } = storage.putBlob(content);
    const events: BlobProgress[] = [];
    const ref = parseReference(`${fake.addr}/x/y`);
    const desc = { mediaType: MediaType.OciLayer, digest: digest as Digest, size };
    const blob = await client({ onProgress: (e) => events.push(e) }).fetchBlob(ref, desc, { verify: true });
    expect(blob.size).toBe(size);
    expect((await buffer(blob.stream)).equals(content)).toBe(true);
    expect(events.at(-1)).toEqual({ kind: "blob", phase: "download", digest, current: size, total: size });
    expect(fake.requests.at(-1)?.authorization).toMatch(/^Bearer /);
    // The storage host got the request, without the registry's token.
    expect(storage.requests.map((r) => [r.url, r.authorization])).toEqual([[`/storage/${digest}`, undefined]]);
  });

  it("keeps the connections to the registry and its storage host for the next blob", async () => {
    await using storage = await startFakeRegistry();
    fake.redirectBlobsTo = `http://${storage.addr}`;
    const ref = parseReference(`${fake.addr}/x/y`);
    const c = client();
    for (const content of ["first layer", "second layer", "third layer"]) {
      const { digest, size } = storage.putBlob(content);
      const blob = await c.fetchBlob(ref, { mediaType: MediaType.OciLayer, digest: digest as Digest, size }, { verify: true });
      expect((await buffer(blob.stream)).toString()).toBe(content);
    }
    expect(fake.connections).toBe(1);
    expect(storage.connections).toBe(1);
  });

  it("the verifier fails a blob whose content does not match its digest", async () => {
    const { digest, size } = fake.putBlob("real content");
    fake.blobs.set(digest, Buffer.from("fake content"));
    const ref = parseReference(`${fake.addr}/x/y`);
    const desc = { mediaType: MediaType.OciLayer, digest: digest as Digest, size };
    const verified = await client().fetchBlob(ref, desc, { verify: true });
    const err = await caught(buffer(verified.stream));
    expect(err.kind).toBe("DataLoss");
    expect(err.message).toContain("digest mismatch");

    // The same check as a Transform in the caller's pipeline.
    const raw = await client().fetchBlob(ref, desc);
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const perr = await caught(pipeline(raw.stream, createVerifier(desc), sink));
    expect(perr.kind).toBe("DataLoss");
  });

  it("gives the same bytes as chunks, without a Node stream, and checks them the same way", async () => {
    const good = fake.putBlob("chunked content");
    const ref = parseReference(`${fake.addr}/x/y`);
    const blob = await client().fetchBlob(ref, { mediaType: MediaType.OciLayer, digest: good.digest as Digest, size: good.size }, { verify: true });
    const parts: Uint8Array[] = [];
    for await (const c of blob.chunks) parts.push(c);
    expect(Buffer.concat(parts).toString()).toBe("chunked content");

    const bad = fake.putBlob("real bytes");
    fake.blobs.set(bad.digest, Buffer.from("fake bytes"));
    const wrong = await client().fetchBlob(ref, { mediaType: MediaType.OciLayer, digest: bad.digest as Digest, size: bad.size }, { verify: true });
    const drain = async () => {
      for await (const _ of wrong.chunks) void _;
    };
    expect((await caught(drain())).kind).toBe("DataLoss");
  });

  it("pushes a blob's bytes into a sink straight from the connection, verified, once", async () => {
    const content = Buffer.alloc(3_000_000);
    for (let i = 0; i < content.length; i += 4) content.writeUInt32LE(i, i);
    const { digest, size } = fake.putBlob(content);
    const ref = parseReference(`${fake.addr}/x/y`);
    const desc = { mediaType: MediaType.OciLayer, digest: digest as Digest, size };
    const blob = await client().fetchBlob(ref, desc, { verify: true });
    const copies: Buffer[] = [];
    const views = new Set<ArrayBufferLike>();
    await blob.pushInto({
      write(bytes) {
        views.add(bytes.buffer);
        copies.push(Buffer.from(bytes));
        return true;
      },
      drained: async () => {},
    });
    expect(Buffer.concat(copies).equals(content)).toBe(true);
    // Many reads, one read buffer (and the copy of the head, which may carry the body's first
    // bytes): nothing was allocated per network chunk.
    expect(copies.length).toBeGreaterThan(3);
    expect(views.size).toBeLessThanOrEqual(2);
    expect((await caught(blob.pushInto({ write: () => true, drained: async () => {} }))).message).toMatch(/already read/);

    fake.blobs.set(digest, Buffer.from(content).fill(1, 0, 10));
    const bad = await client().fetchBlob(ref, desc, { verify: true });
    const err = await caught(bad.pushInto({ write: () => true, drained: async () => {} }));
    expect(err.kind).toBe("DataLoss");
  });

  it("an error the sink throws ends the download as it is, with no resume", async () => {
    const { digest, size } = fake.putBlob(Buffer.alloc(500_000, 9));
    const ref = parseReference(`${fake.addr}/x/y`);
    const blob = await client({ retry: { attempts: 3 } }).fetchBlob(ref, { mediaType: MediaType.OciLayer, digest: digest as Digest, size });
    const err = await caught(
      blob.pushInto({
        write() {
          throw new TstackError("DataLoss", "disk says no");
        },
        drained: async () => {},
      }),
    );
    expect(err.message).toBe("disk says no");
    expect(fake.requests.filter((r) => r.url.includes("/blobs/"))).toHaveLength(1);
  });

  it("resumes a truncated download with a Range request", async () => {
    const content = Buffer.from("0123456789".repeat(50_000));
    const { digest, size } = fake.putBlob(content);
    let cut = false;
    fake.intercept = (req, res, url) => {
      if (cut || !url.pathname.includes("/blobs/") || req.headers.range) return false;
      cut = true;
      res.writeHead(200, { "Content-Length": size });
      res.write(content.subarray(0, 123_456), () => res.destroy());
      return true;
    };
    const desc = { mediaType: MediaType.OciLayer, digest: digest as Digest, size };
    const blob = await client().fetchBlob(parseReference(`${fake.addr}/x/y`), desc, { verify: true });
    expect((await buffer(blob.stream)).equals(content)).toBe(true);
    const ranged = fake.requests.filter((r) => r.headers.range !== undefined);
    expect(ranged).toHaveLength(1);
    expect(ranged[0]?.headers.range).toMatch(/^bytes=\d+-$/);
  });

  it("reports a body that ends short as DataLoss (short read)", async () => {
    const content = Buffer.from("x".repeat(10_000));
    const { digest, size } = fake.putBlob(content);
    fake.intercept = (_req, res, url) => {
      if (!url.pathname.includes("/blobs/")) return false;
      res.writeHead(200, { "Transfer-Encoding": "chunked" });
      res.end(content.subarray(0, 4_000)); // a clean end, just too early
      return true;
    };
    const desc = { mediaType: MediaType.OciLayer, digest: digest as Digest, size };
    const blob = await client().fetchBlob(parseReference(`${fake.addr}/x/y`), desc, { verify: true });
    const err = await caught(buffer(blob.stream));
    expect(err.kind).toBe("DataLoss");
    expect(err.message).toContain("short read: got 4000 of 10000 bytes");
  });

  it("fails with Unavailable when every attempt is cut off", async () => {
    const content = Buffer.from("y".repeat(100_000));
    const { digest, size } = fake.putBlob(content);
    fake.intercept = (_req, res, url) => {
      if (!url.pathname.includes("/blobs/")) return false;
      res.writeHead(200, { "Content-Length": size });
      res.write(content.subarray(0, 10), () => res.destroy());
      return true;
    };
    const desc = { mediaType: MediaType.OciLayer, digest: digest as Digest, size };
    const blob = await client({ retry: { attempts: 3 } }).fetchBlob(parseReference(`${fake.addr}/x/y`), desc);
    const err = await caught(buffer(blob.stream));
    expect(err.kind).toBe("Unavailable");
  });

  it("maps a missing blob to NotFound", async () => {
    const desc = { mediaType: MediaType.OciLayer, digest: sha256("absent") as Digest, size: 6 };
    const err = await caught(client().fetchBlob(parseReference(`${fake.addr}/x/y`), desc));
    expect(err.kind).toBe("NotFound");
    expect(err.message).toContain("blob unknown to registry");
  });
});

describe("push", () => {
  it("uploads blobs and a manifest, then resolves to the same digest", async () => {
    fake.auth = { mode: "bearer", anonymous: true };
    const ref = parseReference(`${fake.addr}/team/app:1.0`);
    const layer = Buffer.alloc(200_000, 3);
    const layerDesc = { mediaType: MediaType.OciLayerGzip, digest: sha256(layer) as Digest, size: layer.length };
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layerDesc.digest] } }));
    const configDesc = { mediaType: MediaType.OciConfig, digest: sha256(config) as Digest, size: config.length };
    const events: BlobProgress[] = [];
    const c = client({ onProgress: (e) => events.push(e) });

    expect(await c.blobExists(ref, layerDesc.digest)).toBe(false);
    expect(await c.pushBlob(ref, layerDesc, () => Readable.from([layer.subarray(0, 1000), layer.subarray(1000)]))).toBe("uploaded");
    expect(await c.pushBlob(ref, configDesc, () => Readable.from([config]))).toBe("uploaded");
    expect(await c.blobExists(ref, layerDesc.digest)).toBe(true);
    expect(await c.pushBlob(ref, layerDesc, () => Readable.from([layer]))).toBe("exists");
    expect(events.filter((e) => e.phase === "upload" && e.digest === layerDesc.digest).at(-1)?.current).toBe(layer.length);

    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDesc, layers: [layerDesc] }));
    const digest = await c.pushManifest(ref, MediaType.OciManifest, manifest);
    expect(digest).toBe(sha256(manifest));
    const put = fake.requests.find((r) => r.method === "PUT" && r.url.includes("/manifests/"));
    expect(put?.headers["content-type"]).toBe(MediaType.OciManifest);
    expect(put?.url).toBe("/v2/team/app/manifests/1.0");
    // Push needed a pull,push token.
    expect(fake.requests.some((r) => r.url.includes(encodeURIComponent("repository:team/app:pull,push")))).toBe(true);

    const resolved = await createRegistryClient({ clock }).resolve(ref);
    expect(resolved.descriptor.digest).toBe(digest);
    const blob = await c.fetchBlob(ref, layerDesc, { verify: true });
    expect((await buffer(blob.stream)).equals(layer)).toBe(true);

    // A blob already in another repository of the registry is mounted, not uploaded.
    const other = parseReference(`${fake.addr}/team/other:1.0`);
    expect(await c.pushBlob(other, layerDesc, () => Readable.from([layer]), { mountFrom: ref })).toBe("mounted");
  });

  it("reports a digest the registry refuses as DataLoss", async () => {
    const ref = parseReference(`${fake.addr}/x/y:1`);
    const desc = { mediaType: MediaType.OciLayer, digest: sha256("announced") as Digest, size: 7 };
    const err = await caught(client().pushBlob(ref, desc, () => Readable.from([Buffer.from("ignored")])));
    expect(err.kind).toBe("DataLoss");
    expect(err.message).toContain("provided digest did not match uploaded content");
  });

  it("retries an upload after a server error with a fresh upload session", async () => {
    const ref = parseReference(`${fake.addr}/x/y:1`);
    const data = Buffer.from("payload");
    const desc = { mediaType: MediaType.OciLayer, digest: sha256(data) as Digest, size: data.length };
    let failed = false;
    fake.intercept = (req, res) => {
      if (failed || req.method !== "PUT") return false;
      failed = true;
      req.resume();
      req.on("end", () => res.writeHead(500).end());
      return true;
    };
    let opened = 0;
    const result = await client().pushBlob(ref, desc, () => {
      opened++;
      return Readable.from([data]);
    });
    expect(result).toBe("uploaded");
    expect(opened).toBe(2);
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(2);
    expect(fake.blobs.get(desc.digest)?.equals(data)).toBe(true);
  });

  it("refuses to push an invalid manifest", async () => {
    const ref = parseReference(`${fake.addr}/x/y:1`);
    const err = await caught(client().pushManifest(ref, MediaType.OciManifest, Buffer.from('{"schemaVersion":2}')));
    expect(err.kind).toBe("InvalidArgument");
    expect(fake.requests).toHaveLength(0);
  });
});

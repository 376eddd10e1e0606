import { invalidArgument, notFound } from "../../common/errors.ts";
import { readTar, writeTar, type ByteSource, type TarSourceEntry } from "../../common/tar/index.ts";
import type { ContentStore } from "../content/content-store.ts";
import { isDigest, type Digest } from "../content/digest.ts";
import { familiarName, parseNamedReference, parseReference, toString as refToString } from "../reference/index.ts";
import { isIndexMediaType, MediaType, parseImageConfig, parseImageIndex, parseImageManifest } from "../registry/index.ts";
import type { ImageRecords } from "./image-records.ts";
import type { ImageService, LocalImage } from "./image-service.ts";

// `docker save` / `docker load`. One archive is both an OCI image layout (oci-layout,
// index.json, blobs/sha256/…) and a Docker archive (manifest.json), as Docker 25+ writes it,
// so skopeo, containerd and Docker read what tstack saves. Load takes either form.

export interface ImageArchiveDeps {
  readonly content: ContentStore;
  readonly records: ImageRecords;
  readonly images: ImageService;
  readonly now: () => Date;
}

const blobPath = (d: string) => `blobs/sha256/${d.slice(7)}`;

export function saveImages(deps: ImageArchiveDeps, refs: readonly string[]): AsyncGenerator<Buffer> {
  async function* entries(): AsyncGenerator<TarSourceEntry> {
    const imgs: { img: LocalImage; tags: string[] }[] = [];
    for (const r of refs) {
      const img = await deps.images.get(r);
      // Saved by name: that name only; by ID: every name the image has.
      const byName = img.names.find((n) => n === refToString(parseReference(r)));
      imgs.push({ img, tags: byName ? [byName] : [...img.names] });
    }
    const seen = new Set<string>();
    const dir = (name: string): TarSourceEntry => ({ name, type: "dir", mode: 0o755 });
    yield dir("blobs");
    yield dir("blobs/sha256");
    for (const { img } of imgs) {
      for (const d of [img.manifestDigest, img.id, ...img.manifest.layers.map((l) => l.digest)]) {
        if (seen.has(d)) continue;
        seen.add(d);
        const info = await deps.content.info(d);
        yield { name: blobPath(d), type: "file", mode: 0o644, size: info.size, body: deps.content.open(d) };
      }
    }
    yield { name: "oci-layout", type: "file", mode: 0o644, body: Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })) };
    const manifests = imgs.flatMap(({ img, tags }) => {
      const desc = { mediaType: img.manifest.mediaType ?? MediaType.OciManifest, digest: img.manifestDigest, size: 0 };
      const list = tags.length > 0 ? tags : [undefined];
      return list.map((t) => ({
        ...desc,
        annotations: t
          ? { "io.containerd.image.name": t, "org.opencontainers.image.ref.name": parseReference(t).tag ?? "latest" }
          : {},
      }));
    });
    for (const m of manifests) m.size = (await deps.content.info(m.digest)).size;
    yield { name: "index.json", type: "file", mode: 0o644, body: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests })) };
    const docker = imgs.map(({ img, tags }) => ({
      Config: blobPath(img.id),
      RepoTags: tags.map((t) => familiarName(parseReference(t))),
      Layers: img.manifest.layers.map((l) => blobPath(l.digest)),
    }));
    yield { name: "manifest.json", type: "file", mode: 0o644, body: Buffer.from(JSON.stringify(docker)) };
  }
  return writeTar(entries());
}

interface DockerManifestEntry {
  readonly Config: string;
  readonly RepoTags?: readonly string[] | null;
  readonly Layers: readonly string[];
}

/** Loads an archive; returns the names (or IDs, for unnamed images) it brought. */
export async function loadImages(deps: ImageArchiveDeps, source: ByteSource): Promise<string[]> {
  const files = new Map<string, Digest>(); // archive path → stored blob
  let indexJson: Buffer | undefined;
  let manifestJson: Buffer | undefined;
  for await (const entry of readTar(source)) {
    const name = entry.header.name.replace(/^\.\//, "");
    if (entry.header.type !== "file") continue;
    if (name === "index.json") indexJson = await entry.readAll();
    else if (name === "manifest.json") manifestJson = await entry.readAll();
    else if (name.startsWith("blobs/sha256/") && isDigest(`sha256:${name.slice(13)}`)) {
      const d = `sha256:${name.slice(13)}` as Digest;
      // Content-addressed: the store checks the bytes against the name.
      await deps.content.ingest(d, () => entry.body, { size: entry.header.size });
      files.set(name, d);
    } else if (/\.(tar|json)$|\/layer$/.test(name) || name.startsWith("blobs/")) {
      files.set(name, (await deps.content.writeStream(entry.body)).digest);
    }
  }
  const loaded: string[] = [];
  const record = async (name: string | undefined, manifestDigest: Digest, manifestMediaType: string) => {
    const manifest = parseImageManifest(await deps.content.readBytes(manifestDigest));
    const config = manifest.config.digest;
    const size = (await deps.content.info(manifestDigest)).size;
    if (name) {
      const canonical = refToString(parseReference(name));
      await deps.records.update((m) => {
        m.set(canonical, { name: canonical, target: { mediaType: manifestMediaType, digest: manifestDigest, size }, manifest: manifestDigest, config, recordedAt: deps.now().toISOString() });
      });
      loaded.push(familiarName(parseReference(name)));
    } else {
      const key = `tstack.local/untagged@${manifestDigest}`;
      await deps.records.update((m) => {
        m.set(key, { name: key, target: { mediaType: manifestMediaType, digest: manifestDigest, size }, manifest: manifestDigest, config, recordedAt: deps.now().toISOString() });
      });
      loaded.push(config);
    }
    await deps.images.ensureSnapshots(config);
  };
  if (indexJson) {
    const index = parseImageIndex(indexJson, "index.json");
    for (const m of index.manifests) {
      if (isIndexMediaType(m.mediaType)) throw invalidArgument("nested image indexes in an archive are not supported yet");
      const ann = m.annotations ?? {};
      const name = ann["io.containerd.image.name"] ?? refName(ann["org.opencontainers.image.ref.name"]);
      await record(name, m.digest, m.mediaType);
    }
    return loaded;
  }
  if (!manifestJson) throw invalidArgument("not an image archive: neither index.json nor manifest.json found");
  const entries = JSON.parse(manifestJson.toString("utf8")) as DockerManifestEntry[];
  for (const e of entries) {
    const cfgDigest = files.get(e.Config);
    if (!cfgDigest) throw notFound(`image archive: ${e.Config} is missing`);
    const cfg = parseImageConfig(await deps.content.readBytes(cfgDigest));
    const layers = [];
    for (const l of e.Layers) {
      const d = files.get(l);
      if (!d) throw notFound(`image archive: layer ${l} is missing`);
      const info = await deps.content.info(d);
      const head = (await deps.content.readBytes(d)).subarray(0, 2);
      const gz = head[0] === 0x1f && head[1] === 0x8b;
      // The diff IDs are checked when the layers are unpacked below.
      layers.push({ mediaType: gz ? MediaType.OciLayerGzip : MediaType.OciLayer, digest: d, size: info.size });
    }
    if (layers.length !== cfg.rootfs.diff_ids.length) throw invalidArgument(`image archive: ${e.Config} lists ${cfg.rootfs.diff_ids.length} layers, the archive ${layers.length}`);
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: cfgDigest, size: (await deps.content.info(cfgDigest)).size },
      layers,
    };
    const stored = await deps.content.writeBytes(Buffer.from(JSON.stringify(manifest)));
    const tags = e.RepoTags ?? [];
    if (tags.length === 0) await record(undefined, stored.digest, MediaType.OciManifest);
    for (const t of tags) await record(t, stored.digest, MediaType.OciManifest);
  }
  return loaded;
}

// An OCI ref name is often only a tag; only a full reference names an image.
function refName(v: string | undefined): string | undefined {
  if (!v) return undefined;
  try {
    const r = parseNamedReference(v);
    return v.includes("/") || v.includes(":") ? refToString(r) : undefined;
  } catch {
    return undefined;
  }
}

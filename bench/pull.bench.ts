import { mkdtemp, readFile, rm, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { compare, type Figure } from "./harness.ts";
import { bigImageLayout } from "./big-image.ts";
import { startRegistry } from "../test/fixtures/registry.ts";
import { pushLayout } from "../test/fixtures/oci-layout-builder.ts";
import { openImageEnv } from "../test/support/image-env.ts";
import { openProcessBackend } from "../src/runtime/wiring/process-backend.ts";

// pull: cold download + verify of the large image from the loopback registry, against
//       `skopeo copy docker://… oci:DIR` of the same image (the peer).
// unpack: unpacking its layers into snapshots, against `tar -xzf` of the same blobs (the floor).
export async function* run(opts: { runs?: number; log: (s: string) => void }): AsyncIterable<Figure> {
  const runs = opts.runs ?? 5;
  const cache = join(process.cwd(), ".cache", "bench");
  const layout = await bigImageLayout(cache, opts.log);
  const work = await mkdtemp(join(tmpdir(), "tstack-bench-pull-"));
  const registry = await startRegistry(join(work, "registry"));
  try {
    await pushLayout(layout, "debian", `${registry.addr}/bench/debian:latest`);
    const ref = `${registry.addr}/bench/debian:latest`;
    const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(await readFile(join(layout, "blobs/sha256", index.manifests[0]!.digest.slice(7)), "utf8")) as {
      layers: { digest: string; size: number }[];
    };
    const total = manifest.layers.reduce((s, l) => s + l.size, 0);
    opts.log(`bench: image of ${manifest.layers.length} layers, ${(total / 1e6).toFixed(1)} MB compressed`);

    let root = "";
    const fresh = async () => {
      if (root) await rm(root, { recursive: true, force: true });
      root = await mkdtemp(join(work, "t-"));
      await settleDisk();
    };
    // Each run starts with nothing dirty in the page cache: skopeo does not fsync, so without
    // this the writeback of its copy ran during (and was paid by) the next tstack pull, which
    // fsyncs every blob as the content store must.
    const settleDisk = async () => void (await execa("sync"));
    let skopeoDir = "";
    yield {
      ...(await compare(
        "pull",
        runs,
        {
          name: "tstack",
          prepare: fresh,
          run: async () => {
            await using env = await openImageEnv(root);
            await env.images.pull(ref, { unpack: false });
          },
        },
        {
          name: "skopeo copy",
          prepare: async () => {
            if (skopeoDir) await rm(skopeoDir, { recursive: true, force: true });
            skopeoDir = await mkdtemp(join(work, "s-"));
            await settleDisk();
          },
          run: async () => {
            await execa("skopeo", ["copy", "--quiet", "--src-tls-verify=false", `docker://${ref}`, `oci:${skopeoDir}:bench`]);
          },
        },
      )),
      note: `${(total / 1e6).toFixed(0)} MB in ${manifest.layers.length} layers`,
    };

    // Unpack: blobs already stored; each run unpacks into a fresh store (the blobs hard-linked in)
    // and tar into a fresh directory. Nothing is deleted until the end: on this machine's ext4
    // (no journal), creating inodes right after deleting thousands scans the recently deleted
    // ones one by one for ~35 s, which measured the previous run's `rm` more than either side.
    const blobRoot = await mkdtemp(join(work, "blobs-"));
    {
      await using env = await openImageEnv(blobRoot);
      await env.images.pull(ref, { unpack: false });
    }
    // The engine's way of running the snapshotter's programs (mknod, setfattr): tstack-spawn.
    const processes = await openProcessBackend({ log: (_level, msg) => opts.log(msg) });
    const { runner } = processes;
    let storeDir = "";
    let tarDir = "";
    yield await compare(
      "unpack",
      runs,
      {
        name: "tstack",
        prepare: async () => {
          storeDir = await mkdtemp(join(work, "u-"));
          await execa("cp", ["-al", join(blobRoot, "content"), join(storeDir, "content")]);
          await execa("cp", ["-a", join(blobRoot, "images"), join(storeDir, "images")]);
          await settleDisk(); // the previous runs' 250 MB each are not this run's writeback
        },
        run: async () => {
          await using env = await openImageEnv(storeDir, { runner });
          const img = await env.images.get(ref);
          await env.images.ensureSnapshots(img.id);
        },
      },
      {
        name: "tar -xzf",
        prepare: async () => {
          tarDir = await mkdtemp(join(work, "x-"));
          await settleDisk();
        },
        run: async () => {
          // The same blobs, each into its own directory, in parallel like the snapshotter.
          await Promise.all(
            manifest.layers.map(async (l, i) => {
              const d = join(tarDir, String(i));
              await mkdir(d);
              await execa("tar", ["-xzf", join(blobRoot, "content/blobs/sha256", l.digest.slice(7)), "-C", d, "--numeric-owner", "--xattrs", "--xattrs-include=*"]);
            }),
          );
        },
      },
    );
    await processes.close();
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

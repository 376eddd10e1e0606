import { access, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { failedPrecondition } from "../../src/common/errors.ts";
import type { FileTree } from "./libraries.ts";
import { scanTree } from "./scan-tree.ts";

// Debian packages as file trees: picked at the newest version a configured apt source
// offers (never the installed one, which may come from elsewhere, e.g. NodeSource's nodejs),
// downloaded once into a cache directory with `apt-get download`, unpacked once with
// `dpkg-deb -x`. After the first build everything is read from the cache, so later builds
// need no network as long as apt's lists still name the same versions.

export type RunCommand = (file: string, args: readonly string[], options?: { readonly cwd?: string }) => Promise<string>;

export const execaRunner: RunCommand = async (file, args, options) => (await execa(file, args, { cwd: options?.cwd })).stdout;

export interface DebianPackage {
  readonly name: string;
  readonly version: string;
  readonly deb: string; // path of the cached .deb
  readonly root: string; // its unpacked tree
  readonly tree: FileTree;
  readonly depends: readonly (readonly string[])[]; // Pre-Depends + Depends, each a list of alternatives
}

export interface PackageSource {
  // Unknown or virtual names are left out of the result; the caller decides whether that is an error.
  get(names: readonly string[]): Promise<readonly DebianPackage[]>;
}

// `apt-cache madison` lines: "   nodejs | 18.20.4+dfsg-1~deb12u3 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages".
// The first line of each package is its newest downloadable version.
export function parseMadison(stdout: string, arch: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [name, version, source] = line.split("|").map((s) => s.trim());
    if (!name || !version || !source?.endsWith(`${arch} Packages`)) continue;
    if (!out.has(name)) out.set(name, version);
  }
  return out;
}

// "a (>= 1), b | c:any, d [amd64]" → [["a"], ["b", "c"], ["d"]].
export function parseDepends(field: string): readonly (readonly string[])[] {
  return field
    .split(",")
    .map((group) =>
      group
        .split("|")
        .map((alt) => alt.trim().split(/[\s(\[]/)[0]!.replace(/:[a-z0-9-]+$/, ""))
        .filter(Boolean),
    )
    .filter((g) => g.length > 0);
}

// `dpkg-deb -f x.deb Depends Pre-Depends` prints "Field: value" lines (continuations indented).
export function parseControlFields(stdout: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of stdout.split("\n")) {
    if (/^\s/.test(line) && last) out.set(last, `${out.get(last)} ${line.trim()}`);
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m) {
      last = m[1]!;
      out.set(last, m[2]!);
    }
  }
  return out;
}

// apt-get names the file it downloads name_version_arch.deb with ':' (epochs) written as %3a.
export function debFilePrefix(name: string, version: string): string {
  return `${name}_${version.replaceAll(":", "%3a")}_`;
}

export interface AptSourceOptions {
  readonly cacheDir: string; // .cache/example-debs
  readonly run?: RunCommand;
  readonly log?: (line: string) => void;
}

export async function openAptSource(options: AptSourceOptions): Promise<PackageSource> {
  const run = options.run ?? execaRunner;
  const log = options.log ?? (() => undefined);
  const debs = options.cacheDir;
  const unpacked = join(options.cacheDir, "unpacked");
  await mkdir(unpacked, { recursive: true });
  const arch = (await run("dpkg", ["--print-architecture"])).trim();
  const known = new Map<string, DebianPackage>();
  const absent = new Set<string>(); // virtual or unknown names: asked once

  const findDeb = async (name: string, version: string): Promise<string | undefined> => {
    const prefix = debFilePrefix(name, version);
    const hit = (await readdir(debs)).find((f) => f.startsWith(prefix) && f.endsWith(".deb"));
    return hit ? join(debs, hit) : undefined;
  };

  const unpack = async (deb: string): Promise<string> => {
    const dir = join(unpacked, deb.slice(debs.length + 1, -".deb".length));
    if (await exists(join(dir, ".complete"))) return join(dir, "root");
    // Unpack beside, then rename: a build interrupted half-way leaves no half tree behind.
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await run("dpkg-deb", ["-x", deb, join(tmp, "root")]);
    await mkdir(join(tmp, ".complete"));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return join(dir, "root");
  };

  return {
    async get(names) {
      const wanted = [...new Set(names)].filter((n) => !known.has(n) && !absent.has(n));
      if (wanted.length > 0) {
        const versions = parseMadison(await run("apt-cache", ["madison", ...wanted]), arch);
        for (const n of wanted) if (!versions.has(n)) absent.add(n);
        const toDownload: string[] = [];
        for (const [name, version] of versions) if (!(await findDeb(name, version))) toDownload.push(`${name}=${version}`);
        if (toDownload.length > 0) {
          log(`apt-get download ${toDownload.join(" ")}`);
          try {
            // Run as root without apt's sandbox user: the cache dir belongs to the caller.
            await run("apt-get", ["-q", "-o", "APT::Sandbox::User=root", "download", ...toDownload], { cwd: debs });
          } catch (err) {
            throw failedPrecondition(
              `apt-get download failed for ${toDownload.join(" ")} (run "apt-get update" once while Debian's mirror is reachable)`,
              err,
            );
          }
        }
        for (const [name, version] of versions) {
          const deb = await findDeb(name, version);
          if (!deb) throw failedPrecondition(`apt-get download did not produce ${debFilePrefix(name, version)}*.deb in ${debs}`);
          const fields = parseControlFields(await run("dpkg-deb", ["-f", deb, "Pre-Depends", "Depends"]));
          const depends = [...parseDepends(fields.get("Pre-Depends") ?? ""), ...parseDepends(fields.get("Depends") ?? "")];
          const root = await unpack(deb);
          known.set(name, { name, version, deb, root, tree: await cachedScan(root), depends });
        }
      }
      return names.flatMap((n) => {
        const p = known.get(n);
        return p ? [p] : [];
      });
    },
  };
}

// Scanning libnode or libicu reads tens of megabytes; the result is kept beside the tree.
async function cachedScan(root: string): Promise<FileTree> {
  const saved = join(root, "..", "tree.json");
  const hit = await readFile(saved, "utf8").then(
    (t) => JSON.parse(t) as FileTree,
    () => undefined,
  );
  if (hit) return hit;
  const tree = await scanTree(root);
  await writeFile(`${saved}.tmp`, JSON.stringify(tree));
  await rename(`${saved}.tmp`, saved);
  return tree;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

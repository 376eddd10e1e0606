import { describe, expect, it } from "vitest";
import { isKind } from "../../common/errors.ts";
import { formatHeader } from "./header-block.ts";
import type { TarHeader } from "./tar-entry.ts";
import { readTar } from "./tar-reader.ts";
import { buildTar, chunked, END_OF_ARCHIVE, tarEntry, type TestEntry } from "./testing/tar-builder.ts";

async function readAll(data: Buffer, chunk = 100_000): Promise<Array<{ header: TarHeader; body: Buffer }>> {
  const out: Array<{ header: TarHeader; body: Buffer }> = [];
  for await (const e of readTar(chunked(data, chunk))) out.push({ header: e.header, body: await e.readAll() });
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("readTar", () => {
  it("reads ustar files, dirs, links and devices with their metadata", async () => {
    const entries: TestEntry[] = [
      { name: "etc/", type: "dir", mode: 0o755, mtime: 1_600_000_000 },
      { name: "etc/hosts", body: "127.0.0.1 localhost\n", mode: 0o4755, uid: 1000, gid: 50, uname: "me", gname: "staff" },
      { name: "etc/link", type: "symlink", linkname: "../hosts" },
      { name: "etc/hard", type: "hardlink", linkname: "etc/hosts" },
      { name: "dev/null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "dev/sda", type: "block", devmajor: 8, devminor: 0 },
      { name: "run/fifo", type: "fifo" },
    ];
    const got = await readAll(buildTar(entries));
    expect(got.map((e) => [e.header.name, e.header.type])).toEqual([
      ["etc/", "dir"],
      ["etc/hosts", "file"],
      ["etc/link", "symlink"],
      ["etc/hard", "hardlink"],
      ["dev/null", "char"],
      ["dev/sda", "block"],
      ["run/fifo", "fifo"],
    ]);
    const hosts = got[1];
    expect(hosts?.body.toString()).toBe("127.0.0.1 localhost\n");
    expect(hosts?.header).toMatchObject({ mode: 0o4755, uid: 1000, gid: 50, uname: "me", gname: "staff", size: 20 });
    expect(got[0]?.header.mtime).toBe(1_600_000_000);
    expect(got[2]?.header.linkname).toBe("../hosts");
    expect(got[4]?.header).toMatchObject({ devmajor: 1, devminor: 3 });
  });

  it("keeps bodies intact across every chunk size, including bodies larger than a chunk", async () => {
    const big = Buffer.alloc(70_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    const data = buildTar([{ name: "a", body: big }, { name: "b", body: "x" }, { name: "c", body: "" }]);
    for (const size of [1, 7, 512, 513, 4096, 65_536]) {
      const got = await readAll(data, size);
      expect(got.map((e) => e.header.name)).toEqual(["a", "b", "c"]);
      expect(got[0]?.body.equals(big)).toBe(true);
      expect(got[1]?.body.toString()).toBe("x");
      expect(got[2]?.body.length).toBe(0);
    }
  });

  it("skips bodies the consumer does not read and refuses reading them later", async () => {
    const data = buildTar([{ name: "a", body: "A".repeat(3000) }, { name: "b", body: "B" }]);
    const seen: string[] = [];
    let first: AsyncIterable<Buffer> | undefined;
    for await (const e of readTar(chunked(data, 600))) {
      seen.push(e.header.name);
      first ??= e.body;
    }
    expect(seen).toEqual(["a", "b"]);
    const err = await errorOf((async () => { for await (const _ of first as AsyncIterable<Buffer>) void _; })());
    expect(isKind(err, "InvalidArgument")).toBe(true);
  });

  it("joins the ustar prefix field with the name", async () => {
    const long = `${"d".repeat(120)}/${"f".repeat(90)}`;
    const [e] = await readAll(buildTar([{ name: long, body: "p" }]));
    expect(e?.header.name).toBe(long);
  });

  it("applies GNU long names and long link names", async () => {
    const name = `${"n".repeat(150)}/${"m".repeat(150)}`;
    const link = `${"t".repeat(200)}/target`;
    const [e] = await readAll(buildTar([{ name, type: "symlink", linkname: link, gnuLong: true }]));
    expect(e?.header.name).toBe(name);
    expect(e?.header.linkname).toBe(link);
  });

  it("applies PAX records: path, linkpath, size, ids, names, fractional mtime and binary xattrs", async () => {
    const cap = Buffer.from("0100000200200000000000000000000000000000", "hex");
    const body = "pax body";
    const [e, next] = await readAll(
      buildTar([
        {
          name: "short",
          body,
          pax: {
            path: "a/very/long/päth",
            uid: "4000000000",
            gid: "3000000000",
            uname: "ü",
            gname: "grp",
            mtime: "1700000000.123456",
            "SCHILY.xattr.security.capability": cap,
            "SCHILY.xattr.user.note": "hello",
          },
        },
        { name: "after", body: "2" },
      ]),
    );
    expect(e?.header).toMatchObject({ name: "a/very/long/päth", uid: 4_000_000_000, gid: 3_000_000_000, uname: "ü", gname: "grp" });
    expect(e?.header.mtime).toBeCloseTo(1_700_000_000.123456, 5);
    expect(e?.header.xattrs.get("security.capability")?.equals(cap)).toBe(true);
    expect(e?.header.xattrs.get("user.note")?.toString()).toBe("hello");
    expect(e?.body.toString()).toBe(body);
    // Local PAX records apply to one entry only.
    expect(next?.header).toMatchObject({ name: "after", uid: 0 });
    expect(next?.header.xattrs.size).toBe(0);
  });

  it("lets PAX size override the header size", async () => {
    // Header says 0, PAX says 5: the body is 5 bytes.
    const header = tarEntry({ name: "f", body: "" , pax: { size: "5" } });
    const data = Buffer.concat([header, Buffer.from("hello"), Buffer.alloc(507), END_OF_ARCHIVE]);
    const [e] = await readAll(data);
    expect(e?.body.toString()).toBe("hello");
  });

  it("applies global PAX headers to all later entries, overridden by local ones", async () => {
    // A "g" header is a PAX record block under typeflag "g".
    const rec = Buffer.from("16 uname=global\n");
    const gHeader = tarEntry({ name: "pax_global_header", typeflag: "g", body: rec });
    const data = Buffer.concat([
      gHeader,
      tarEntry({ name: "one", body: "1" }),
      tarEntry({ name: "two", body: "2", pax: { uname: "local" } }),
      END_OF_ARCHIVE,
    ]);
    const got = await readAll(data);
    expect(got.map((e) => [e.header.name, e.header.uname])).toEqual([
      ["one", "global"],
      ["two", "local"],
    ]);
  });

  it("reads GNU base-256 numeric fields, including negative mtimes", async () => {
    const [e, f] = await readAll(
      buildTar([
        { name: "big", body: "z", uid: 2 ** 40, gid: 7, mtime: 2 ** 36, base256: true },
        { name: "old", body: "", mtime: -1, base256: true },
      ]),
    );
    expect(e?.header).toMatchObject({ uid: 2 ** 40, gid: 7, mtime: 2 ** 36, size: 1 });
    expect(e?.body.toString()).toBe("z");
    expect(f?.header.mtime).toBe(-1);
  });

  it("ignores the size field of header-only types, as Go's archive/tar does", async () => {
    const link = formatHeader({
      name: "l", typeflag: "2", size: 700, mode: 0o777, uid: 0, gid: 0, mtime: 0, linkname: "t",
      uname: "", gname: "", devmajor: 0, devminor: 0, format: "ustar",
    });
    const got = await readAll(Buffer.concat([link, tarEntry({ name: "next", body: "n" }), END_OF_ARCHIVE]));
    expect(got.map((e) => [e.header.name, e.header.size])).toEqual([["l", 0], ["next", 1]]);
  });

  it("treats a v7 regular-file entry with a trailing slash as a directory", async () => {
    const [e] = await readAll(buildTar([{ name: "olddir/", typeflag: "\0" }]));
    expect(e?.header.type).toBe("dir");
  });

  it("rejects a header with a bad checksum as DataLoss", async () => {
    const err = await errorOf(readAll(buildTar([{ name: "a", body: "x", badChecksum: true }])));
    expect(isKind(err, "DataLoss")).toBe(true);
    expect(String(err)).toMatch(/checksum/);
  });

  it("rejects random bytes (not a tar) as DataLoss", async () => {
    const err = await errorOf(readAll(Buffer.alloc(2048, 0x41)));
    expect(isKind(err, "DataLoss")).toBe(true);
  });

  it("rejects archives truncated in a body, in a header, or without an end marker", async () => {
    const full = buildTar([{ name: "a", body: "x".repeat(2000) }, { name: "b", body: "y" }]);
    for (const cut of [700, 512 + 2000, 512 * 5 + 100, full.length - 1024]) {
      const err = await errorOf(readAll(full.subarray(0, cut)));
      expect(isKind(err, "DataLoss"), `cut at ${cut}`).toBe(true);
      expect(String(err)).toMatch(/truncated/);
    }
  });

  it("accepts a lone zero block at end of stream, rejects a zero block followed by data", async () => {
    const one = Buffer.concat([tarEntry({ name: "a", body: "1" }), Buffer.alloc(512)]);
    expect((await readAll(one)).map((e) => e.header.name)).toEqual(["a"]);
    const bad = Buffer.concat([tarEntry({ name: "a", body: "1" }), Buffer.alloc(512), tarEntry({ name: "b" })]);
    expect(isKind(await errorOf(readAll(bad)), "DataLoss")).toBe(true);
  });

  it("consumes trailing padding after the end-of-archive marker", async () => {
    const consumed: number[] = [];
    const data = Buffer.concat([buildTar([{ name: "a", body: "1" }]), Buffer.alloc(8192)]);
    async function* src() {
      for await (const c of chunked(data, 1000)) {
        consumed.push(c.length);
        yield c;
      }
    }
    for await (const e of readTar(src())) void e;
    expect(consumed.reduce((a, b) => a + b, 0)).toBe(data.length);
  });

  it("rejects sparse files and unknown types", async () => {
    expect(isKind(await errorOf(readAll(buildTar([{ name: "s", typeflag: "S" }]))), "Unimplemented")).toBe(true);
    expect(isKind(await errorOf(readAll(buildTar([{ name: "q", typeflag: "Q" }]))), "InvalidArgument")).toBe(true);
  });

  it("bounds PAX records held in memory", async () => {
    const data = buildTar([{ name: "a", body: "", pax: { comment: "c".repeat(5000) } }]);
    const err = await errorOf((async () => { for await (const e of readTar(chunked(data, 512), { maxMetaSize: 1000 })) void e; })());
    expect(isKind(err, "InvalidArgument")).toBe(true);
  });

  it("stops pulling from the source when the consumer stops early", async () => {
    let pulled = 0;
    const data = buildTar(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: "x".repeat(600) })));
    async function* src() {
      for await (const c of chunked(data, 512)) {
        pulled++;
        yield c;
      }
    }
    for await (const e of readTar(src())) if (e.header.name === "f1") break;
    expect(pulled).toBeLessThan(10);
  });
});

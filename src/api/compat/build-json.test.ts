import { describe, expect, it } from "vitest";
import { buildEventLines, buildResultLines } from "./build-json.ts";

const ref = { stage: 0, step: 1, steps: 4, line: 2, instruction: "COPY hello.txt /hello.txt" };

describe("buildEventLines", () => {
  it("titles a started step as Docker's classic builder does", () => {
    expect(buildEventLines({ ...ref, type: "step", status: "started" })).toEqual([{ stream: "Step 2/4 : COPY hello.txt /hello.txt\n" }]);
  });
  it("names a later or named stage", () => {
    expect(buildEventLines({ ...ref, stage: 1, type: "step", status: "started" })).toEqual([{ stream: "Step 2/4 (stage 1) : COPY hello.txt /hello.txt\n" }]);
    expect(buildEventLines({ ...ref, stageName: "build", type: "step", status: "started" })).toEqual([{ stream: "Step 2/4 (build) : COPY hello.txt /hello.txt\n" }]);
  });
  it("marks a cached step with Docker's and BuildKit's words", () => {
    expect(buildEventLines({ ...ref, type: "step", status: "cached" })).toEqual([{ stream: " ---> Using cache\n" }, { stream: " ---> CACHED\n" }]);
  });
  it("says nothing for done and failed (the error line carries the failure)", () => {
    expect(buildEventLines({ ...ref, type: "step", status: "done" })).toEqual([]);
    expect(buildEventLines({ ...ref, type: "step", status: "failed", detail: "boom" })).toEqual([]);
  });
  it("passes RUN output through and drops empty chunks", () => {
    expect(buildEventLines({ ...ref, type: "output", chunk: "hi\n" })).toEqual([{ stream: "hi\n" }]);
    expect(buildEventLines({ ...ref, type: "output", chunk: "" })).toEqual([]);
  });
  it("streams warnings", () => {
    expect(buildEventLines({ type: "warning", message: "Dockerfile:1: x" })).toEqual([{ stream: "[WARNING]: Dockerfile:1: x\n" }]);
  });
});

describe("buildResultLines", () => {
  const id = `sha256:${"ab".repeat(32)}`;
  it("gives the aux ID, the short ID and each tag", () => {
    expect(buildResultLines(id, ["a:1", "b:2"], false)).toEqual([
      { aux: { ID: id } },
      { stream: "Successfully built abababababab\n" },
      { stream: "Successfully tagged a:1\n" },
      { stream: "Successfully tagged b:2\n" },
    ]);
  });
  it("gives only the ID when quiet", () => {
    expect(buildResultLines(id, ["a:1"], true)).toEqual([{ aux: { ID: id } }, { stream: `${id}\n` }]);
  });
});

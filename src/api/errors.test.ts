import { describe, it, expect } from "vitest";
import { conflict, notFound, invalidArgument, unimplemented } from "../common/errors.ts";
import { HttpError, replyFor } from "./errors.ts";

describe("error table", () => {
  it("maps each error kind to Docker's status and message body", () => {
    expect(replyFor(notFound("No such container: x"))).toEqual({ status: 404, body: { message: "No such container: x" } });
    expect(replyFor(conflict("in use")).status).toBe(409);
    expect(replyFor(invalidArgument("bad")).status).toBe(400);
    expect(replyFor(unimplemented("nope")).status).toBe(501);
    expect(replyFor(new Error("boom"))).toEqual({ status: 500, body: { message: "boom" } });
    expect(replyFor(new HttpError(431, "too big")).status).toBe(431);
  });
});

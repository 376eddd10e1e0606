import { describe, expect, it } from "vitest";
import { DEFAULT_PATH } from "../expand/expand-stage.ts";
import type { BuildImageConfig } from "../expand/step.ts";
import { plan } from "./testing/build-fixture.ts";
import { createdBy, goDuration } from "./history.ts";
import { planStage } from "../plan-build.ts";

// Each step's history text, with the config before it as the executor tracks it.
function texts(body: string): (string | undefined)[] {
  const p = plan(`FROM scratch\n${body}`);
  let before: BuildImageConfig = { Env: [`PATH=${DEFAULT_PATH}`] };
  return planStage(p, 0, undefined).steps.map((s) => {
    const text = createdBy(s, before);
    if (s.step.kind === "config") before = s.step.config;
    return text;
  });
}

describe("createdBy", () => {
  it("writes what BuildKit writes", () => {
    expect(
      texts(`ARG V=1
ENV A=1 B="two words"
ENV A=1 C=3
LABEL org.x=y
EXPOSE 80 443/udp
VOLUME /data
USER app
WORKDIR /srv
SHELL ["/bin/bash", "-c"]
CMD echo $A
ENTRYPOINT ["/init"]
STOPSIGNAL SIGINT
HEALTHCHECK --interval=30s --timeout=1500ms --retries=3 CMD curl -f http://localhost/
ONBUILD RUN make
MAINTAINER me
RUN --mount=type=cache,target=/c make
COPY --chown=1:2 --chmod=755 a b <<EOF /dst/
x
EOF`),
    ).toEqual([
      "ARG V=1",
      "ENV A=1 B=two words",
      "ENV C=3",
      "LABEL org.x=y",
      "EXPOSE [80/tcp 443/udp]",
      "VOLUME [/data]",
      "USER app",
      "WORKDIR /srv",
      "SHELL [/bin/bash -c]",
      'CMD ["/bin/bash" "-c" "echo $A"]',
      'ENTRYPOINT ["/init"]',
      "STOPSIGNAL SIGINT",
      "HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/] Interval:30s Timeout:1.5s StartPeriod:0s StartInterval:0s Retries:3}",
      undefined,
      "MAINTAINER me",
      "RUN /bin/bash -c make # buildkit",
      "COPY --chown=1:2 --chmod=0755 a b <<EOF /dst/ # buildkit",
    ]);
  });

  it("formats durations as Go does", () => {
    expect([0, 999, 1500, 2_000_000, 1.5e9, 90e9, 3600e9, 3723.5e9].map(goDuration)).toEqual([
      "0s",
      "999ns",
      "1.5µs",
      "2ms",
      "1.5s",
      "1m30s",
      "1h0m0s",
      "1h2m3.5s",
    ]);
  });
});

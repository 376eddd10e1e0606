// Stands in, in the built command line, for dockerode's optional dependencies that tstack never
// uses: ssh2 (ssh:// engine hosts, which tstack refuses), gRPC (BuildKit sessions) and protobufjs
// (BuildKit progress of `docker build`; tstack builds on its own engine). Loading
// them cost ~0.2 s on every run. Anything that reaches them anyway fails with this message.
"use strict";
function unsupported() {
  throw new Error("this dockerode feature (ssh:// engine hosts, BuildKit sessions and progress) is not part of tstack's build");
}
module.exports = new Proxy(unsupported, {
  get: (_target, key) => (key === "__esModule" ? false : unsupported),
  apply: unsupported,
  construct: unsupported,
});

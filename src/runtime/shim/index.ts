export type { ExitInfo, ReadExitFileDeps } from "./exit-file.ts";
export { parseExitInfo, readExitFile } from "./exit-file.ts";
export type { LogLine, LogStream } from "./log-line.ts";
export { formatLogLine, parseLogLine } from "./log-line.ts";
export type { Frame, ShimMessage } from "./attach-protocol.ts";
export {
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameType,
  MAX_FRAME_PAYLOAD,
  encodeCloseStdin,
  encodeFrame,
  encodeResize,
  encodeStdin,
  toShimMessage,
} from "./attach-protocol.ts";
export type { AttachShimDeps, ShimAttachment, ShimOutput } from "./attach-shim.ts";
export { attachShim } from "./attach-shim.ts";
export type { ShimCreateOptions, ShimExecOptions, ShimStartOptions } from "./shim-options.ts";
export { shimArgs } from "./shim-options.ts";
export type { LaunchUntilLine, ReadyLine, ShimStarted, SpawnShim, StartShimDeps } from "./start-shim.ts";
export { ShimStartError, parseReadyLine, startShim, startShimVia } from "./start-shim.ts";
export { shimBinaryPath } from "./shim-binary.ts";
export type { ShimLivenessDeps } from "./shim-liveness.ts";
export { isShimAlive, isShimCommandLine } from "./shim-liveness.ts";

import { invalidArgument } from "../../common/errors.ts";

export interface ProcessArgsInput {
  readonly imageEntrypoint?: readonly string[] | null;
  readonly imageCmd?: readonly string[] | null;
  /** undefined: keep the image's; `[]` or `[""]`: clear it. */
  readonly entrypoint?: readonly string[];
  /** undefined or `[]`: fall back to the image's Cmd when the entrypoint is not overridden. */
  readonly cmd?: readonly string[];
}

// Docker's rule (daemon merge of create config with image config): an overridden
// entrypoint — even an empty one — discards the image's Cmd unless a cmd is given, while
// an empty cmd never clears anything. `--entrypoint ""` arrives as [""] and means "none".
export function resolveProcessArgs(input: ProcessArgsInput): readonly string[] {
  const entrypointOverride = isClearing(input.entrypoint) ? [] : input.entrypoint;
  const userCmd = input.cmd ?? [];

  let entrypoint: readonly string[];
  let cmd: readonly string[];
  if (entrypointOverride === undefined) {
    entrypoint = input.imageEntrypoint ?? [];
    cmd = userCmd.length > 0 ? userCmd : (input.imageCmd ?? []);
  } else if (entrypointOverride.length === 0) {
    entrypoint = [];
    cmd = userCmd.length > 0 ? userCmd : (input.imageCmd ?? []);
  } else {
    entrypoint = entrypointOverride;
    cmd = userCmd;
  }

  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw invalidArgument("no command specified: the image has no Entrypoint or Cmd and none was given");
  }
  if (args[0] === "") throw invalidArgument("the command to run is an empty string");
  return args;
}

function isClearing(entrypoint: readonly string[] | undefined): boolean {
  return entrypoint !== undefined && entrypoint.length === 1 && entrypoint[0] === "";
}

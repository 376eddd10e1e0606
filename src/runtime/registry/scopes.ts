import type { ImageReference } from "../reference/image-reference.ts";

// Token scopes (distribution auth spec) a registry call asks for.
export const pullScope = (ref: ImageReference): string[] => [`repository:${ref.path}:pull`];
export const pushScope = (ref: ImageReference): string[] => [`repository:${ref.path}:pull,push`];

/** The shells `tstack completion` writes scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

export const isShell = (s: string | undefined): s is Shell => (SHELLS as readonly (string | undefined)[]).includes(s);

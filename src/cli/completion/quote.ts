/** `s` as one single-quoted bash or zsh word. Pure. */
export const posixQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** `s` as one single-quoted fish word (fish escapes `\` and `'` inside single quotes). Pure. */
export const fishQuote = (s: string): string => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;


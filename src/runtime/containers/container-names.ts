import { invalidArgument } from "../../common/errors.ts";

// Docker's container name rule, and its generated adjective_surname names.
const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function normalizeContainerName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw invalidArgument(`invalid container name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, "");
}

const LEFT = [
  "admiring", "brave", "busy", "calm", "clever", "cool", "eager", "epic", "focused", "gallant", "happy", "jolly",
  "keen", "kind", "lucid", "modest", "nifty", "quirky", "serene", "sharp", "stoic", "tender", "vibrant", "zealous",
] as const;
const RIGHT = [
  "babbage", "bohr", "curie", "darwin", "einstein", "euler", "fermi", "galileo", "hopper", "kepler", "lamarr",
  "lovelace", "meitner", "newton", "noether", "pascal", "ritchie", "shannon", "tesla", "thompson", "turing", "wozniak",
] as const;

export function generateName(random: () => number, taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const l = LEFT[Math.floor(random() * LEFT.length)]!;
    const r = RIGHT[Math.floor(random() * RIGHT.length)]!;
    const name = attempt < 10 ? `${l}_${r}` : `${l}_${r}${Math.floor(random() * 1000)}`;
    if (!taken(name)) return name;
  }
}

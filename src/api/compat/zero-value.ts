// Docker's clients send every field of their structs, mostly as zero values (null, 0, "",
// false, [], {}); a field tstack does not translate is acceptable only when it is one.
export function isZeroValue(v: unknown): boolean {
  if (v === undefined || v === null || v === 0 || v === "" || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.values(v).every(isZeroValue);
  return false;
}

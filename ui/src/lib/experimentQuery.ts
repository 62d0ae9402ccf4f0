// The experiments list's search box: plain words search names, anything else is a filter.

const FILTER_SYNTAX = /(=|<|>|\bLIKE\b|\bILIKE\b|\bIN\b|\bIS\b)/i;

/** The server filter for what the user typed. */
export function experimentFilter(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  if (FILTER_SYNTAX.test(trimmed)) return trimmed;
  return `name ILIKE '%${trimmed.replace(/'/g, "\\'")}%'`;
}

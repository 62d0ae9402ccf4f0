// Prompt templates: `{{ name }}` placeholders, found for listing and split out for highlighting.

// A variable is an identifier or a dotted path of identifiers, spaces allowed inside the braces.
const VARIABLE = /\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}/g;

export interface TemplateSegment {
  text: string;
  /** Set when this segment is a placeholder: the variable's name. */
  variable?: string;
}

/** The template cut into plain text and placeholders, in order; joined, they give it back. */
export function templateSegments(text: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ text: text.slice(last, start) });
    segments.push({ text: match[0], variable: match[1] });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

/** Every variable the texts name, each once, in order of first appearance. */
export function templateVariables(...texts: string[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(VARIABLE)) if (match[1]) seen.add(match[1]);
  }
  return [...seen];
}

/**
 * A small Markdown subset for competition descriptions, parsed to a tree that React renders as
 * text nodes: raw HTML is never passed through (it shows as the characters typed), and links
 * keep only http(s), mailto and site-relative targets.
 *
 * Blocks: # headings, paragraphs, - / * / 1. lists, ``` fenced code, > quotes, --- rules.
 * Inline: `code`, **bold**, *italic* / _italic_, [text](url), bare http(s) URLs, hard line breaks.
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "br" };

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "list"; ordered: boolean; start: number; items: Inline[][] }
  | { type: "code"; language: string | null; text: string }
  | { type: "quote"; children: Block[] }
  | { type: "rule" };

/** The link target if it is safe to put in an href, else null (the link renders as plain text). */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  if (href === "") return null;
  if (/^(https?:|mailto:)/i.test(href)) {
    try {
      const url = new URL(href);
      return url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:" ? href : null;
    } catch {
      return null;
    }
  }
  // Site-relative paths and in-page anchors; "//host" would be another site, so not that.
  if ((href.startsWith("/") && !href.startsWith("//")) || href.startsWith("#")) return href;
  return null;
}

const INLINE_PATTERN = /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)\*|(?<![\w])_(?!\s)(.+?)_(?![\w])|\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pushText = (value: string) => {
    if (!value) return;
    // A line ending in two spaces or a backslash is a hard break; other newlines are spaces.
    const parts = value.split(/(?: {2,}|\\)\n/);
    parts.forEach((part, index) => {
      if (index > 0) out.push({ type: "br" });
      const normalized = part.replace(/\n/g, " ");
      if (!normalized) return;
      const last = out[out.length - 1];
      if (last && last.type === "text") last.text += normalized;
      else out.push({ type: "text", text: normalized });
    });
  };
  let rest = text;
  while (rest.length > 0) {
    const match = INLINE_PATTERN.exec(rest);
    if (!match) {
      pushText(rest);
      break;
    }
    pushText(rest.slice(0, match.index));
    const [whole, code, strong1, strong2, em1, em2, linkText, linkHref, bareUrl] = match;
    if (code !== undefined) out.push({ type: "code", text: code });
    else if (strong1 !== undefined || strong2 !== undefined) out.push({ type: "strong", children: parseInline(strong1 ?? strong2) });
    else if (em1 !== undefined || em2 !== undefined) out.push({ type: "em", children: parseInline(em1 ?? em2) });
    else if (linkText !== undefined) {
      const href = safeHref(linkHref);
      if (href) out.push({ type: "link", href, children: parseInline(linkText) });
      else pushText(linkText);
    } else if (bareUrl !== undefined) {
      const href = safeHref(bareUrl);
      if (href) out.push({ type: "link", href, children: [{ type: "text", text: bareUrl }] });
      else pushText(bareUrl);
    } else pushText(whole);
    rest = rest.slice(match.index + whole.length);
  }
  return out;
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

export function parseMarkdown(source: string, depth = 0): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  const isBlockStart = (line: string) =>
    HEADING.test(line) || FENCE.test(line) || BULLET.test(line) || ORDERED.test(line) || RULE.test(line) || (depth < 3 && QUOTE.test(line));

  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(marker)) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      blocks.push({ type: "code", language: fence[2] || null, text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: "heading", level: heading[1].length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(heading[2]) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (depth < 3 && QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(QUOTE.exec(lines[i++])![1]);
      blocks.push({ type: "quote", children: parseMarkdown(body.join("\n"), depth + 1) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !bullet;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: string[] = [];
      const start = ordered ? Number(ordered[1]) : 1;
      while (i < lines.length) {
        const current = lines[i];
        const item = pattern.exec(current);
        if (item) {
          items.push(isOrdered ? item[2] : item[1]);
          i++;
        } else if (current.trim() !== "" && /^\s+/.test(current) && items.length > 0) {
          items[items.length - 1] += `\n${current.trim()}`; // continuation line
          i++;
        } else break;
      }
      blocks.push({ type: "list", ordered: isOrdered, start, items: items.map((item) => parseInline(item)) });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i].trim() !== "" && !(paragraph.length > 0 && isBlockStart(lines[i]))) paragraph.push(lines[i++]);
    blocks.push({ type: "paragraph", children: parseInline(paragraph.join("\n").trim()) });
  }
  return blocks;
}

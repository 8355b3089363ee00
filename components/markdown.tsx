import { Fragment } from "react";
import { parseMarkdown, type Block, type Inline } from "@/web/view/markdown";

/** Renders a competition description. Everything becomes React text nodes: no raw HTML. */
export function Markdown({ source, className = "" }: { source: string; className?: string }) {
  const blocks = parseMarkdown(source);
  if (blocks.length === 0) return null;
  return <div className={`space-y-3 text-slate-800 ${className}`}>{blocks.map((block, index) => renderBlock(block, index))}</div>;
}

function renderInline(nodes: Inline[]): React.ReactNode {
  return nodes.map((node, index) => {
    switch (node.type) {
      case "text":
        return <Fragment key={index}>{node.text}</Fragment>;
      case "code":
        return (
          <code key={index} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em]">
            {node.text}
          </code>
        );
      case "strong":
        return <strong key={index}>{renderInline(node.children)}</strong>;
      case "em":
        return <em key={index}>{renderInline(node.children)}</em>;
      case "br":
        return <br key={index} />;
      case "link": {
        const external = /^https?:/i.test(node.href);
        return (
          <a key={index} href={node.href} className="text-indigo-700 underline hover:text-indigo-900" {...(external ? { rel: "noopener noreferrer nofollow", target: "_blank" } : {})}>
            {renderInline(node.children)}
          </a>
        );
      }
    }
  });
}

const HEADING_CLASS = ["", "text-xl font-semibold", "text-lg font-semibold", "text-base font-semibold", "text-base font-medium", "text-sm font-semibold", "text-sm font-medium"];

function renderBlock(block: Block, key: number): React.ReactNode {
  switch (block.type) {
    case "heading": {
      // Page structure has the h1 (title) and h2 (sections): description headings start at h3.
      const level = Math.min(6, block.level + 2);
      const Tag = `h${level}` as "h3";
      return (
        <Tag key={key} className={HEADING_CLASS[block.level]}>
          {renderInline(block.children)}
        </Tag>
      );
    }
    case "paragraph":
      return (
        <p key={key} className="leading-relaxed">
          {renderInline(block.children)}
        </p>
      );
    case "list": {
      const items = block.items.map((item, index) => <li key={index}>{renderInline(item)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start} className="list-decimal space-y-1 pl-6">
          {items}
        </ol>
      ) : (
        <ul key={key} className="list-disc space-y-1 pl-6">
          {items}
        </ul>
      );
    }
    case "code":
      return (
        <pre key={key} className="overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-100">
          <code>{block.text}</code>
        </pre>
      );
    case "quote":
      return (
        <blockquote key={key} className="space-y-2 border-l-4 border-slate-300 pl-4 text-slate-700">
          {block.children.map((child, index) => renderBlock(child, index))}
        </blockquote>
      );
    case "rule":
      return <hr key={key} className="border-slate-200" />;
  }
}

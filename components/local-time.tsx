"use client";

import { useIsClient } from "./use-client";

export type TimeStyle = "datetime" | "date" | "short";

// Explicit fields: dateStyle/timeStyle cannot be combined with timeZoneName.
const OPTIONS: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  datetime: { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
  date: { year: "numeric", month: "short", day: "numeric" },
  short: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
};

/** The viewer's time zone name, e.g. "Europe/Berlin" (only in the browser). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatInZone(date: Date, style: TimeStyle, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { ...OPTIONS[style], ...(timeZone ? { timeZone } : {}) }).format(date);
}

/**
 * A time in the viewer's own time zone. The server does not know that zone, so the first render
 * (server HTML) shows UTC, and the browser replaces it right after hydration. `withUtc` also
 * shows the UTC time next to the local one (open and close times everyone must agree on).
 */
export function LocalTime({ value, style = "datetime", className, withUtc = false }: { value: string | Date; style?: TimeStyle; className?: string; withUtc?: boolean }) {
  const isClient = useIsClient();
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span className={className}>–</span>;
  const utc = formatInZone(date, style, "UTC");
  const local = isClient ? formatInZone(date, style) : utc;
  // withUtc: the UTC time as well, whenever the viewer's own zone shows something else.
  const text = withUtc && local !== utc ? `${local} (${utc})` : local;
  return (
    <time dateTime={date.toISOString()} className={className} title={isClient ? `${date.toISOString()} (UTC)` : undefined} suppressHydrationWarning>
      {text}
    </time>
  );
}

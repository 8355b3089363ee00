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
 * (server HTML) shows UTC, and the browser replaces it right after hydration.
 */
export function LocalTime({ value, style = "datetime", className }: { value: string | Date; style?: TimeStyle; className?: string }) {
  const isClient = useIsClient();
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span className={className}>–</span>;
  const text = isClient ? formatInZone(date, style) : formatInZone(date, style, "UTC");
  return (
    <time dateTime={date.toISOString()} className={className} title={isClient ? `${date.toISOString()} (UTC)` : undefined} suppressHydrationWarning>
      {text}
    </time>
  );
}

"use client";

import { useEffect, useState } from "react";
import { formatInZone, viewerTimeZone } from "./local-time";
import { useIsClient } from "./use-client";

function parts(ms: number) {
  const total = Math.max(0, Math.floor(ms / 1000));
  return { days: Math.floor(total / 86400), hours: Math.floor((total % 86400) / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
}

function spoken(ms: number): string {
  const { days, hours, minutes } = parts(ms);
  const list: string[] = [];
  if (days) list.push(`${days} day${days === 1 ? "" : "s"}`);
  if (hours || days) list.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  list.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  return list.join(", ");
}

/**
 * Time left until a competition opens or closes, ticking every second, with the deadline in the
 * viewer's time zone. Screen readers get the remaining time in words (updated each minute, not
 * every second, so it does not chatter).
 */
export function Countdown({ opensAt, closesAt }: { opensAt: string; closesAt: string }) {
  const isClient = useIsClient();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const opens = new Date(opensAt).getTime();
  const closes = new Date(closesAt).getTime();
  const phase = now < opens ? "upcoming" : now >= closes ? "closed" : "open";
  const target = phase === "upcoming" ? opens : closes;
  const left = target - now;
  const { days, hours, minutes, seconds } = parts(left);
  const zone = isClient ? viewerTimeZone() : "UTC";
  const when = formatInZone(new Date(target), "datetime", isClient ? undefined : "UTC");

  return (
    <div data-testid="countdown" className="space-y-2">
      <p className="text-sm font-medium text-slate-600">{phase === "upcoming" ? "Opens in" : phase === "open" ? "Closes in" : "Closed"}</p>
      {phase === "closed" ? (
        <p className="text-lg font-semibold text-slate-800">
          The competition closed on <time dateTime={new Date(closes).toISOString()} suppressHydrationWarning>{when}</time>.
        </p>
      ) : (
        <>
          <div className="flex gap-2 font-mono tabular-nums" aria-hidden="true" suppressHydrationWarning>
            {[
              [days, "days"],
              [hours, "hours"],
              [minutes, "min"],
              [seconds, "sec"],
            ].map(([value, label]) => (
              <div key={label} className="min-w-14 rounded-md bg-indigo-50 px-2 py-1 text-center">
                <div className="text-2xl font-semibold text-indigo-900" suppressHydrationWarning>
                  {String(value).padStart(2, "0")}
                </div>
                <div className="text-xs text-indigo-800">{label}</div>
              </div>
            ))}
          </div>
          <p className="sr-only" suppressHydrationWarning>
            {spoken(left)} left
          </p>
          <p className="text-sm text-slate-600" suppressHydrationWarning>
            {phase === "upcoming" ? "Opens" : "Deadline"}: <time dateTime={new Date(target).toISOString()} suppressHydrationWarning>{when}</time>
            <span className="text-slate-500"> ({zone})</span>
          </p>
        </>
      )}
    </div>
  );
}

"use client";

import { useSyncExternalStore } from "react";

const noop = () => () => {};

/** False while rendering on the server and hydrating, true after: for values only a browser knows (its time zone). */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

/**
 * Memory of a local web server, read from /proc: the process listening on a port (found by its
 * socket, since `next start` renames itself "next-server") and every process below it.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

function readProc(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function allPids(): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The process listening on 127.0.0.1:port (from /proc/net/tcp and the processes' open sockets). */
export function listeningPid(port: number): number {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (readProc(table) ?? "").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1].split(":")[1], 16);
      // State 0A is LISTEN.
      if (localPort === port && fields[3] === "0A") inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) throw new Error(`nothing listens on port ${port}`);
  for (const pid of allPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return pid;
    }
  }
  throw new Error(`no process of ours holds the socket listening on port ${port}`);
}

/**
 * The web server listening on `port` (`next start` renames itself "next-server", so it is found
 * by its socket) and every process below it.
 */
export function serverProcessTree(port: number): number[] {
  const root = listeningPid(port);
  const parents = new Map<number, number>();
  for (const pid of allPids()) {
    const stat = readProc(`/proc/${pid}/stat`);
    if (!stat) continue;
    // pid (comm) state ppid ...: comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parents.set(pid, ppid);
  }
  const tree = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.includes(ppid) && !tree.includes(pid)) {
        tree.push(pid);
        grew = true;
      }
    }
  }
  return tree;
}

export interface MemorySample {
  /** Resident memory now, summed over the server's processes (MiB). */
  rssMiB: number;
  /** The largest resident size each process has had (VmHWM), summed (MiB). */
  peakMiB: number;
  pids: number[];
}

function memoryOf(pids: number[]): MemorySample {
  let rss = 0;
  let peak = 0;
  for (const pid of pids) {
    const status = readProc(`/proc/${pid}/status`) ?? "";
    rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { rssMiB: Math.round(rss / 1024), peakMiB: Math.round(peak / 1024), pids };
}

export function serverMemory(port: number): MemorySample {
  return memoryOf(serverProcessTree(port));
}

/**
 * Samples the server's memory every `intervalMs` until stopped; returns the largest RSS seen.
 * (The process tree is looked up once a second; in between only the status files are read.)
 */
export function watchServerMemory(port: number, intervalMs = 50): { stop(): number } {
  let pids = serverProcessTree(port);
  let max = memoryOf(pids).rssMiB;
  let ticks = 0;
  const timer = setInterval(() => {
    try {
      if (++ticks % Math.max(1, Math.round(1000 / intervalMs)) === 0) pids = serverProcessTree(port);
      max = Math.max(max, memoryOf(pids).rssMiB);
    } catch {
      /* the server is gone: the caller will notice */
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

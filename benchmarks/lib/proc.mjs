// What the load tests read from Linux /proc: CPU time of a process or of every process of a server, the machine's busy
// time, a process's peak resident set. Each returns undefined where /proc is missing (numbers are then left out).
import { readFileSync, readdirSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** The fields of a /proc/<pid>/stat line after the command name (field 3 onwards), and the command name. */
function statOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    fields: stat.slice(stat.lastIndexOf(')') + 2).split(' '),
  };
}

/**
 * CPU seconds a process has used (user + system, every thread). Per request it tells what a phase costs the service
 * whatever else runs on the machine.
 */
export function processCpuSeconds(pid) {
  try {
    const { fields } = statOf(pid);
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by every process with this command name (the NATS and PostgreSQL servers), including the
 * children they reaped (cutime + cstime: PostgreSQL backends that ended in between).
 */
export function serverCpuSeconds(comm) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  let total = 0;
  for (const pid of pids) {
    try {
      const { name, fields } = statOf(pid);
      if (name !== comm && !name.startsWith(`${comm}:`)) continue;
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICK;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/** The machine's busy and total CPU time so far (/proc/stat, every CPU; idle and iowait are not busy). */
export function machineCpu() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - ticks[3] - ticks[4], total };
  } catch {
    return undefined;
  }
}

/** Peak resident set of a process (VmHWM, KiB → MiB). */
export function peakRssMiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

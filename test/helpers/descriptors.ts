// Counts a process's open file descriptors by kind from /proc (Linux), telling its TCP connections from Node's own Unix sockets.
import {readdirSync, readFileSync, readlinkSync} from 'node:fs'

export type Descriptors = {total: number; tcp: number; otherSockets: number; files: number; pipes: number}

function tcpInodes(pid: number): Set<string> {
  const inodes = new Set<string>()
  for (const table of ['tcp', 'tcp6']) {
    try {
      for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1)) inodes.add(line.trim().split(/\s+/)[9]!)
    } catch {
      // No such table.
    }
  }
  return inodes
}

/** Undefined once the process is gone. */
export function descriptors(pid: number): Descriptors | undefined {
  let entries: string[]
  try {
    entries = readdirSync(`/proc/${pid}/fd`)
  } catch {
    return undefined
  }
  const tcp = tcpInodes(pid)
  const counts: Descriptors = {total: 0, tcp: 0, otherSockets: 0, files: 0, pipes: 0}
  for (const entry of entries) {
    let target: string
    try {
      target = readlinkSync(`/proc/${pid}/fd/${entry}`)
    } catch {
      continue
    }
    counts.total++
    if (target.startsWith('socket:[')) {
      if (tcp.has(target.slice(8, -1))) counts.tcp++
      else counts.otherSockets++
    } else if (target.startsWith('pipe:')) counts.pipes++
    else if (target.startsWith('/')) counts.files++
  }
  return counts
}

/** Peak resident memory so far (VmHWM), in bytes. */
export function peakRss(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

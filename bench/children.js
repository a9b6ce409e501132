// Tracks every process group the benchmark starts, so an exit, an error or Ctrl-C never leaves a process running.
import {spawn} from 'node:child_process'
import {addCleanup} from './cleanup.js'

/**
 * Process group ids, kept until the whole group is gone: a client runs under /usr/bin/time, which
 * dies at once on SIGTERM while the client it started may still be shutting down.
 */
const groups = new Set()
const POLL_MS = 50

/** Spawns a child as the leader of a new process group and remembers the group until it is empty. */
export function spawnTracked(command, args, options = {}) {
  if (groups.size === 0) addCleanupOnce()
  const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true})
  if (child.pid !== undefined) groups.add(child.pid)
  return child
}

/** Ends a child's whole process group: SIGTERM, then SIGKILL for whatever is left after `graceMs`. */
export async function stopChild(child, graceMs = 2000) {
  const group = child.pid
  if (group === undefined) return
  signalGroup(group, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  if (groupAlive(group)) signalGroup(group, 'SIGKILL')
  for (let attempt = 0; attempt < 20 && groupAlive(group); attempt++) await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  groups.delete(group)
}

/** Stops every group still running; used between scenarios and on the way out. */
export async function stopAll() {
  await Promise.all([...groups].map((group) => stopChild({pid: group})))
}

function groupAlive(group) {
  try {
    process.kill(-group, 0)
    return true
  } catch {
    return false
  }
}

function signalGroup(group, signal) {
  try {
    process.kill(-group, signal)
  } catch {
    // Already gone.
  }
}

let registered = false
function addCleanupOnce() {
  if (registered) return
  registered = true
  // Clean-up steps run synchronously on exit, so this is the last-resort SIGKILL of whatever is left.
  addCleanup(() => {
    for (const group of groups) signalGroup(group, 'SIGKILL')
    groups.clear()
  })
}

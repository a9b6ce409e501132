// Tracks every child process the benchmark starts, so an exit, an error or Ctrl-C never leaves one running.
import {spawn} from 'node:child_process'
import {addCleanup} from './cleanup.js'

const running = new Set()
let hooked = false

/** Spawns a child in its own process group (so its own children die with it) and remembers it until it exits. */
export function spawnTracked(command, args, options = {}) {
  hookExit()
  const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true})
  running.add(child)
  child.once('exit', () => running.delete(child))
  child.once('error', () => running.delete(child))
  return child
}

/** Ends one child's process group: SIGTERM first, SIGKILL if it is still there after `graceMs`. */
export async function stopChild(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  signalGroup(child, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs)
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs + 1000))])
  clearTimeout(timer)
}

/** Stops every child still running; used between scenarios and on the way out. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stopChild(child)))
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

function killAllNow() {
  for (const child of running) signalGroup(child, 'SIGKILL')
  running.clear()
}

function hookExit() {
  if (hooked) return
  hooked = true
  addCleanup(killAllNow)
}

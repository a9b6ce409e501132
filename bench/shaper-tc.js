// Kernel bandwidth shaping for `--shaper tc`: a private network namespace whose loopback has one HTB class per mirror port.
import {execFileSync} from 'node:child_process'
import {addCleanup} from './cleanup.js'

/**
 * Loopback sends up to 64 KiB segments (GSO), and HTB needs a burst of at least a few of them
 * or it undershoots the rate; 10 ms of traffic is added on top for timer slack on a busy machine.
 */
const MINIMUM_BURST_BYTES = 256 * 1024

function run(args) {
  return execFileSync('ip', args, {stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000}).toString()
}

function tc(namespace, args) {
  return run(['netns', 'exec', namespace, 'tc', ...args])
}

/** Creates the namespace with loopback up and an HTB root whose unclassified traffic (requests, ACKs) is unshaped. */
export function createShaper() {
  const namespace = `mirrorkit-bench-${process.pid}`
  run(['netns', 'add', namespace])
  addCleanup(() => {
    try {
      run(['netns', 'delete', namespace])
    } catch {
      // Already gone.
    }
  })
  run(['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up'])
  tc(namespace, ['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '0'])
  let nextClass = 10
  const classes = new Map()

  return {
    namespace,
    /** Caps everything sent from `port` (the server side of each connection) at `bytesPerSecond`. */
    shapePort(port, bytesPerSecond) {
      const classId = `1:${nextClass++}`
      classes.set(port, classId)
      tc(namespace, ['class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', classId, 'htb', ...rateArguments(bytesPerSecond)])
      tc(namespace, ['filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'sport', String(port), '0xffff', 'flowid', classId])
    },
    /** Changes a shaped port's rate while connections run, as a mirror whose link degrades would. */
    setRate(port, bytesPerSecond) {
      const classId = classes.get(port)
      if (!classId) throw new Error(`port ${port} is not shaped`)
      tc(namespace, ['class', 'change', 'dev', 'lo', 'parent', '1:', 'classid', classId, 'htb', ...rateArguments(bytesPerSecond)])
    },
    /** Bytes that passed a port's class (TCP/IP headers included): what reached the client, unlike the server's own count. */
    sentBytes(port) {
      const classId = classes.get(port)
      if (!classId) return undefined
      const text = tc(namespace, ['-s', 'class', 'show', 'dev', 'lo', 'classid', classId])
      const match = /Sent (\d+) bytes/.exec(text)
      return match ? Number(match[1]) : undefined
    },
    /** Removes every class and filter so the next run starts from a clean root. */
    reset() {
      tc(namespace, ['qdisc', 'del', 'dev', 'lo', 'root'])
      tc(namespace, ['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '0'])
      classes.clear()
    },
  }
}

function rateArguments(bytesPerSecond) {
  const bits = Math.max(8, Math.round(bytesPerSecond * 8))
  const burst = Math.max(MINIMUM_BURST_BYTES, Math.round(bytesPerSecond * 0.01))
  return ['rate', `${bits}bit`, 'ceil', `${bits}bit`, 'burst', String(burst), 'cburst', String(burst)]
}

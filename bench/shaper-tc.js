// Kernel bandwidth shaping (the default with root): a private network namespace whose loopback has one HTB class per server, a plain FIFO under each.
import {execFileSync} from 'node:child_process'
import {addCleanup} from './cleanup.js'

/**
 * Loopback sends up to 64 KiB segments (GSO), and HTB needs a burst of at least a few of them
 * or it undershoots the rate; 10 ms of traffic is added on top for timer slack on a busy machine.
 */
const MINIMUM_BURST_BYTES = 256 * 1024
/** A saturated uplink's queue: about 50 ms of the server's rate, never below a few GSO segments. */
const QUEUE_SECONDS = 0.05
const MINIMUM_QUEUE_BYTES = 256 * 1024

function run(args) {
  return execFileSync('ip', args, {stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000}).toString()
}

function tc(namespace, args) {
  return run(['netns', 'exec', namespace, 'tc', ...args])
}

/** Whether this process may create namespaces and run tc (root, with iproute2 installed). */
export function tcAvailable() {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('tc', ['-V'], {stdio: 'ignore', timeout: 5000})
    run(['-V'])
    return true
  } catch {
    return false
  }
}

/**
 * Creates the namespace with loopback up and an HTB root whose unclassified traffic (requests, ACKs,
 * and everything a relay sends on to the client) is unshaped.
 */
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
  const addRoot = () => tc(namespace, ['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '0'])
  addRoot()
  let nextClass = 10
  /** First port of a server -> its class number. */
  const classes = new Map()

  return {
    namespace,
    /**
     * Caps everything a server sends from any of `ports` (its listening port, and an FTP server's
     * passive data ports) at `bytesPerSecond`: one class, one FIFO, so the server's connections
     * share one queue with no fairness between them, as behind a saturated uplink.
     */
    shapePorts(ports, bytesPerSecond) {
      const number = nextClass++
      const classId = `1:${number}`
      classes.set(ports[0], number)
      tc(namespace, ['class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', classId, 'htb', ...rateArguments(bytesPerSecond)])
      tc(namespace, ['qdisc', 'add', 'dev', 'lo', 'parent', classId, 'handle', `${number}:`, 'bfifo', 'limit', String(queueBytes(bytesPerSecond))])
      for (const port of ports) {
        tc(namespace, ['filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'sport', String(port), '0xffff', 'flowid', classId])
      }
    },
    /** Changes a shaped server's rate while connections run, as a mirror whose uplink degrades would. */
    setRate(port, bytesPerSecond) {
      const number = classes.get(port)
      if (number === undefined) throw new Error(`port ${port} is not shaped`)
      tc(namespace, ['class', 'change', 'dev', 'lo', 'parent', '1:', 'classid', `1:${number}`, 'htb', ...rateArguments(bytesPerSecond)])
    },
    /** The class's counters: bytes that passed it (TCP/IP headers included: what reached the client), and packets its FIFO dropped. */
    counters(port) {
      const number = classes.get(port)
      if (number === undefined) return undefined
      const text = tc(namespace, ['-s', 'class', 'show', 'dev', 'lo', 'classid', `1:${number}`])
      const sent = /Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+)/.exec(text)
      const leaf = /Sent \d+ bytes \d+ pkt \(dropped (\d+)/.exec(tc(namespace, ['-s', 'qdisc', 'show', 'dev', 'lo', 'handle', `${number}:`]))
      if (!sent) return undefined
      return {bytes: Number(sent[1]), packets: Number(sent[2]), dropped: Number(leaf?.[1] ?? sent[3]), overlimits: Number(sent[4])}
    },
    sentBytes(port) {
      return this.counters(port)?.bytes
    },
    /** Removes every class, queue and filter so the next run starts from a clean root. */
    reset() {
      tc(namespace, ['qdisc', 'del', 'dev', 'lo', 'root'])
      addRoot()
      classes.clear()
    },
  }
}

function queueBytes(bytesPerSecond) {
  return Math.max(MINIMUM_QUEUE_BYTES, Math.round(bytesPerSecond * QUEUE_SECONDS))
}

function rateArguments(bytesPerSecond) {
  const bits = Math.max(8, Math.round(bytesPerSecond * 8))
  const burst = Math.max(MINIMUM_BURST_BYTES, Math.round(bytesPerSecond * 0.01))
  return ['rate', `${bits}bit`, 'ceil', `${bits}bit`, 'burst', String(burst), 'cburst', String(burst)]
}

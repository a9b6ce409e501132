// Starts local mirrors as separate processes (bench/mirror-process.js) and talks to them over their stdin/stdout.
import path from 'node:path'
import {createInterface} from 'node:readline'
import {spawnTracked, stopChild} from './children.js'
import {benchDirectory} from './paths.js'

const START_TIMEOUT_MS = 60_000
const REPLY_TIMEOUT_MS = 5_000

/**
 * Starts one mirror of `file`, capped at `bandwidth` bytes/s (none when undefined), optionally inside
 * a network namespace. Resolves once it prints its URL.
 */
export async function startMirror({file, bandwidth, namespace}) {
  const script = path.join(benchDirectory, 'mirror-process.js')
  const nodeArguments = [script, file, String(bandwidth ?? 0)]
  const [command, args] = namespace
    ? ['ip', ['netns', 'exec', namespace, process.execPath, ...nodeArguments]]
    : [process.execPath, nodeArguments]
  const child = spawnTracked(command, args, {stdio: ['pipe', 'pipe', 'inherit']})
  const replies = []
  const waiting = []
  createInterface({input: child.stdout}).on('line', (line) => {
    let message
    try {
      message = JSON.parse(line)
    } catch {
      return
    }
    const waiter = waiting.shift()
    if (waiter) waiter(message)
    else replies.push(message)
  })
  const nextReply = (timeoutMs) =>
    new Promise((resolve, reject) => {
      if (replies.length > 0) return resolve(replies.shift())
      const timer = setTimeout(() => {
        const index = waiting.indexOf(deliver)
        if (index >= 0) waiting.splice(index, 1)
        reject(new Error(`mirror ${child.pid} did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      const deliver = (message) => {
        clearTimeout(timer)
        resolve(message)
      }
      waiting.push(deliver)
    })
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  const first = await Promise.race([
    nextReply(START_TIMEOUT_MS),
    exited.then((code) => Promise.reject(new Error(`mirror process exited early (code ${code})`))),
  ])
  if (!first.url) throw new Error(`mirror process said ${JSON.stringify(first)}`)
  const ask = async (command) => {
    child.stdin.write(`${JSON.stringify(command)}\n`)
    return nextReply(REPLY_TIMEOUT_MS)
  }
  return {
    url: first.url,
    port: first.port,
    bandwidth,
    setFaults: (faults) => ask({faults}),
    stats: async () => (await ask({stats: true})).stats,
    async stop() {
      child.stdin.end()
      await stopChild(child)
    },
  }
}

/** Starts one mirror per cap in parallel; `caps` are bytes/s, undefined meaning uncapped. */
export async function startMirrors({file, caps, namespace}) {
  const mirrors = await Promise.all(caps.map((bandwidth) => startMirror({file, bandwidth, namespace})))
  return {
    mirrors,
    urls: mirrors.map((mirror) => mirror.url),
    stop: () => Promise.all(mirrors.map((mirror) => mirror.stop())),
  }
}

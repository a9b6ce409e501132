// Puts bench/relay.js in front of the mirrors that have a round-trip delay, and points their URLs at it.
import path from 'node:path'
import {createInterface} from 'node:readline'
import {spawnTracked, stopChild} from './children.js'
import {benchDirectory} from './paths.js'

const START_TIMEOUT_MS = 10_000

/**
 * `mirrors` are the started mirrors, `delays` each one's round trip in ms (undefined: none). Starts one
 * relay process for all of them (inside `namespace` when given) and rewrites each delayed mirror's
 * URL to the relay's port. Returns stop().
 */
export async function addDelays({mirrors, delays, namespace}) {
  const delayed = mirrors.map((mirror, index) => ({mirror, roundTrip: delays[index]})).filter((each) => each.roundTrip !== undefined)
  if (delayed.length === 0) return {stop: async () => {}}
  const command = [process.execPath, path.join(benchDirectory, 'relay.js'), ...delayed.map(({mirror, roundTrip}) => `${mirror.ports[0]}:${roundTrip}`)]
  const [program, args] = namespace ? ['ip', ['netns', 'exec', namespace, ...command]] : [command[0], command.slice(1)]
  const child = spawnTracked(program, args, {stdio: ['pipe', 'pipe', 'inherit']})
  const reply = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the delay relay did not start')), START_TIMEOUT_MS)
    createInterface({input: child.stdout}).once('line', (line) => {
      clearTimeout(timer)
      resolve(JSON.parse(line))
    })
    child.once('exit', (code) => reject(new Error(`the delay relay exited (${code})`)))
  })
  delayed.forEach(({mirror, roundTrip}, index) => {
    const url = new URL(mirror.url)
    url.port = String(reply.ports[index])
    mirror.url = url.href
    mirror.roundTrip = roundTrip
  })
  return {
    async stop() {
      child.stdin.end()
      await stopChild(child)
    },
  }
}

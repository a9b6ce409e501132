// A userspace round-trip delay in front of each mirror (this kernel has no netem): a TCP relay that holds every chunk for half the round trip each way.
//
// Usage: node bench/relay.js TARGET_PORT:ROUND_TRIP_MS [...]
// Listens on one new 127.0.0.1 port per target and prints {"ports": [...]} in the same order.
// A connection's first request waits one extra round trip, as a TCP handshake to a far server would.
// SIGTERM, SIGINT or stdin closing ends it.
import net from 'node:net'

/** Bytes held per direction before the relay stops reading: far above caps x round trip, far below memory. */
const HIGH_WATER_BYTES = 16 * 1024 * 1024
const LOW_WATER_BYTES = 4 * 1024 * 1024

const routes = process.argv.slice(2).map((argument) => {
  const [port, roundTrip] = argument.split(':').map(Number)
  if (!(port > 0) || !(roundTrip >= 0)) {
    process.stderr.write('usage: node bench/relay.js TARGET_PORT:ROUND_TRIP_MS [...]\n')
    process.exit(2)
  }
  return {port, roundTrip}
})

/** Forwards `from` to `to`, each chunk `delayMs` after it arrived and never before `notBefore` (ms, performance.now()). */
function delayedPipe(from, to, delayMs, notBefore = 0) {
  const queue = []
  let held = 0
  let timer
  let waitingForDrain = false
  const flush = () => {
    timer = undefined
    const now = performance.now()
    while (queue.length > 0 && queue[0].at <= now && !waitingForDrain) {
      const {chunk} = queue.shift()
      if (chunk === null) {
        to.end()
        return
      }
      held -= chunk.length
      if (!to.write(chunk)) {
        waitingForDrain = true
        to.once('drain', () => {
          waitingForDrain = false
          flush()
        })
      }
    }
    if (held < LOW_WATER_BYTES && from.isPaused()) from.resume()
    if (queue.length > 0 && !waitingForDrain && !timer) timer = setTimeout(flush, Math.max(0, queue[0].at - performance.now()))
  }
  const push = (chunk) => {
    queue.push({at: Math.max(performance.now() + delayMs, notBefore), chunk})
    if (chunk) held += chunk.length
    if (held > HIGH_WATER_BYTES) from.pause()
    if (!timer && !waitingForDrain) timer = setTimeout(flush, Math.max(0, queue[0].at - performance.now()))
  }
  from.on('data', push)
  from.on('end', () => push(null))
  return () => clearTimeout(timer)
}

const servers = routes.map(
  ({port, roundTrip}) =>
    new Promise((resolve) => {
      const server = net.createServer({noDelay: true}, (client) => {
        const acceptedAt = performance.now()
        const upstream = net.connect({host: '127.0.0.1', port, noDelay: true})
        const half = roundTrip / 2
        // The handshake's round trip comes before the first request reaches the server.
        const stops = [delayedPipe(client, upstream, half, acceptedAt + roundTrip + half), delayedPipe(upstream, client, half)]
        const close = () => {
          stops.forEach((stop) => stop())
          client.destroy()
          upstream.destroy()
        }
        client.on('error', close)
        upstream.on('error', close)
        // The client leaving ends everything; the server leaving ends the client only after the delayed bytes (the pipe's end marker).
        client.on('close', close)
      })
      server.listen(0, '127.0.0.1', () => resolve(server))
    }),
)
const listening = await Promise.all(servers)
process.stdout.write(`${JSON.stringify({ports: listening.map((server) => server.address().port)})}\n`)

const stop = () => process.exit(0)
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, stop)
process.stdin.on('end', stop).resume()

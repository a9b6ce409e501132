// Several local HTTP mirrors of one generated file in one child process (they share the buffer), for `npm run load`.
//
// Usage: node scripts/load-mirrors.js SIZE_BYTES SEED COUNT [DIST_DIRECTORY]
// Prints one JSON line {"urls": [...], "sha256": "...", "pid": N} once listening; SIGTERM, SIGINT or stdin closing stop it.
import {createHash} from 'node:crypto'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const [sizeArgument, seedArgument, countArgument, distArgument] = process.argv.slice(2)
const dist = distArgument ?? fileURLToPath(new URL('../dist', import.meta.url))
const {makeContent} = await import(path.join(dist, 'mirrors/content.js'))
const {startHttpMirror} = await import(path.join(dist, 'mirrors/http-mirror.js'))
const size = Number(sizeArgument)
const count = Number(countArgument)
if (!(size > 0) || !(count > 0)) {
  process.stderr.write('usage: node scripts/load-mirrors.js SIZE_BYTES SEED COUNT\n')
  process.exit(2)
}
const content = makeContent(size, Number(seedArgument))
const sha256 = createHash('sha256').update(content).digest('hex')
// The ETag is given so no mirror hashes the gigabyte again.
const mirrors = await Promise.all(Array.from({length: count}, () => startHttpMirror({files: {'/load.bin': content}, faults: {etag: `"${sha256.slice(0, 24)}"`}})))

let closing = false
async function shutdown() {
  if (closing) return
  closing = true
  setTimeout(() => process.exit(0), 3000).unref()
  await Promise.allSettled(mirrors.map((mirror) => mirror.close()))
  process.stdout.write(`${JSON.stringify({bytesSent: mirrors.map((mirror) => mirror.stats.bytesSent)})}\n`)
  process.exit(0)
}
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, shutdown)
process.stdin.on('end', shutdown).resume()
process.stdout.write(`${JSON.stringify({urls: mirrors.map((mirror) => `${mirror.url}load.bin`), sha256, pid: process.pid})}\n`)

// One local HTTP mirror in its own process: serves one file with a bandwidth cap and takes fault changes as JSON lines on stdin.
//
// Usage: node bench/mirror-process.js FILE [BYTES_PER_SECOND]
// Prints {"url": "...", "pid": N} once listening. Each stdin line is a command:
//   {"faults": {...}}  -> setFaults(...) (bandwidth, stallAfter, ...), answered by {"ok": "faults"}
//   {"stats": true}    -> answered by {"stats": {...}}
// Stdin closing, SIGTERM or SIGINT closes the server and exits.
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {startHttpMirror} from '../dist/mirrors/http-mirror.js'
import {digestPath} from './content-file.js'

const [file, rateArgument] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: node bench/mirror-process.js FILE [BYTES_PER_SECOND]\n')
  process.exit(2)
}
const bandwidth = Number(rateArgument) > 0 ? Number(rateArgument) : undefined
const name = path.basename(file)
const body = await readFile(file)
const etag = await knownEtag(file)
// The mirror hashes the whole body for its ETag whenever its faults change, which blocks it for a second
// or more on big files mid-run; giving the ETag (same value it would compute) avoids that.
const withEtag = (faults) => (etag ? {...faults, etag} : faults)
const mirror = await startHttpMirror({files: {[`/${name}`]: body}, faults: withEtag(bandwidth ? {bandwidth} : {})})

async function knownEtag(file) {
  try {
    return `"${(await readFile(digestPath(file), 'utf8')).trim().slice(0, 24)}"`
  } catch {
    return undefined
  }
}

let closing = false
async function shutdown(code) {
  if (closing) return
  closing = true
  // A stalled response would keep close() waiting, so a hard deadline guarantees the process ends.
  setTimeout(() => process.exit(code), 2000).unref()
  try {
    await mirror.close()
  } finally {
    process.exit(code)
  }
}

function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

createInterface({input: process.stdin})
  .on('line', (line) => {
    let command
    try {
      command = JSON.parse(line)
    } catch {
      reply({error: `not JSON: ${line.slice(0, 80)}`})
      return
    }
    if (command.faults) {
      mirror.setFaults(withEtag(command.faults))
      reply({ok: 'faults'})
    } else if (command.stats) {
      reply({stats: mirror.stats})
    } else {
      reply({error: 'unknown command'})
    }
  })
  .on('close', () => shutdown(0))
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => shutdown(0))

reply({url: new URL(name, mirror.url.endsWith('/') ? mirror.url : `${mirror.url}/`).href, port: mirror.port, pid: process.pid})

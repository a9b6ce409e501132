// A short load run of the real CLI (32 MiB from 4 mirrors, links capped at 16): descriptors stay bounded while it works, and none is left open at the end.
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {descriptors, peakRss, type Descriptors} from '../helpers/descriptors.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {runCli} from '../helpers/run-cli.js'

const SIZE = 32 * 1024 * 1024
const CONNECTIONS = 16
const content = makeContent(SIZE, 19)
const expected = sha256Hex(content)

let mirrors: HttpMirror[] = []
let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-load-'))
  mirrors = await Promise.all([0, 1, 2, 3].map(() => startHttpMirror({files: {'/f.bin': content}, faults: {etag: `"${expected.slice(0, 24)}"`}})))
})

afterAll(async () => {
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

describe('load', () => {
  // The cap is not the count: the link ramp adds a mirror's next link only while it raises that mirror's rate, so a run
  // on loopback keeps a handful open at once (7 TCP sockets at the peak when measured).
  it(`${SIZE / 1024 / 1024} MiB from 4 mirrors with links capped at ${CONNECTIONS}: bounded descriptors, none left open`, async () => {
    const output = join(directory, 'f.bin')
    let pid: number | undefined
    const peak: Descriptors = {total: 0, tcp: 0, otherSockets: 0, files: 0, pipes: 0}
    let atSummary: Descriptors | undefined
    let rss: number | undefined
    const sampler = setInterval(() => {
      const now = pid === undefined ? undefined : descriptors(pid)
      if (now) for (const key of Object.keys(peak) as Array<keyof Descriptors>) peak[key] = Math.max(peak[key], now[key])
      rss = (pid === undefined ? undefined : peakRss(pid)) ?? rss
    }, 25)
    const result = await runCli(
      ['fetch', ...mirrors.map((mirror) => `${mirror.url}f.bin`), '-o', output, '--connections', String(CONNECTIONS), '--per-mirror', '4', '--checksum', `sha256:${expected}`, '--progress', 'json', '--json'],
      {
        timeoutMs: 240_000,
        onSpawn: (spawned) => (pid = spawned),
        // The summary is printed after the engine closed its transports and files: whatever is open now stays open.
        onOutput: (stream) => {
          if (stream === 'stdout' && !atSummary && pid !== undefined) atSummary = descriptors(pid)
        },
      },
    )
    clearInterval(sampler)
    expect(result.code, result.stderr.slice(-1500)).toBe(0)
    expect(sha256Hex(await readFile(output))).toBe(expected)
    process.stdout.write(`load: peak descriptors ${JSON.stringify(peak)}, at the summary ${JSON.stringify(atSummary)}, peak RSS ${rss === undefined ? '?' : Math.round(rss / 1024 / 1024)} MB\n`)
    // One connection per link, plus the stat of each mirror that may still be pooled.
    expect(peak.tcp).toBeLessThanOrEqual(CONNECTIONS + mirrors.length)
    expect(peak.tcp).toBeGreaterThan(0)
    expect(peak.total).toBeLessThan(120)
    expect(atSummary?.tcp).toBe(0)
    expect(result.leaks.open).toEqual([])
    // A busy machine can keep a healthy process 1.5 s past its last output, so only a socket still open then is a leak.
    expect((result.leaks.lingering ?? []).filter((name) => name.startsWith('TCP') || name.includes('/dist/'))).toEqual([])
    // Far below the file size: pieces are written as they arrive, never held whole.
    if (rss !== undefined) expect(rss).toBeLessThan(250 * 1024 * 1024)
  }, 300_000)
})

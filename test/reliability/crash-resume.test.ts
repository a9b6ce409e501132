// A short soak: SIGKILL the real CLI at seeded moments mid-download, resume each time, and prove the file is exact and little was fetched twice.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {binary} from '../helpers/run-cli.js'

const SIZE = 4 * 1024 * 1024
const PIECE = 64 * 1024
const CONNECTIONS = 4
const RATE = 256 * 1024
const KILLS = 5
const content = makeContent(SIZE, 77)
const expected = sha256Hex(content)

let mirrors: HttpMirror[] = []
let directory: string

/** Seeded delays (ms after the first link starts), so a failure can be replayed. */
function delays(seed: number, count: number): number[] {
  let state = seed
  return Array.from({length: count}, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return 300 + Math.round((state / 2 ** 31) * 1500)
  })
}

type Run = {code: number | null; signal: NodeJS.Signals | null; resumedBytes?: number; stderr: string}

/** One CLI run; killed `killAfterMs` after its first link starts, or left to finish when undefined. */
function run(output: string, killAfterMs?: number): Promise<Run> {
  const child = spawn(process.execPath, [
    binary, 'fetch', ...mirrors.map((mirror) => `${mirror.url}f.bin`), '-o', output,
    '--checksum', `sha256:${expected}`, '--piece-size', '64K', '--connections', String(CONNECTIONS), '--per-mirror', '2', '--progress', 'json',
  ], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  let killTimer: NodeJS.Timeout | undefined
  child.stdout.resume()
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
    if (killAfterMs !== undefined && !killTimer && stderr.includes('"type":"link-start"')) {
      killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    }
  })
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000)
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(guard)
      clearTimeout(killTimer)
      const start = /"type":"start"[^\n]*?"resumedBytes":(\d+)/.exec(stderr)
      resolve({code, signal, stderr, ...(start ? {resumedBytes: Number(start[1])} : {})})
    })
  })
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-crash-'))
  mirrors = await Promise.all([0, 1].map(() => startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: RATE}})))
})

afterAll(async () => {
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

describe('kill -9 and resume', () => {
  it(`survives ${KILLS} SIGKILLs at seeded moments with an exact file and a bounded refetch`, async () => {
    const output = join(directory, 'f.bin')
    const resumed: number[] = []
    let killed = 0
    for (const delay of delays(7, KILLS)) {
      const result = await run(output, delay)
      if (result.signal !== 'SIGKILL') break
      killed++
      resumed.push(result.resumedBytes ?? 0)
    }
    const final = await run(output)
    expect(final.code, final.stderr.slice(-1500)).toBe(0)
    expect(sha256Hex(await readFile(output))).toBe(expected)
    expect(existsSync(`${output}.part`)).toBe(false)
    expect(existsSync(`${output}.mirrorkit`)).toBe(false)
    expect(killed).toBe(KILLS)
    // Each resume starts at least where the last one did: nothing recorded as done is ever thrown away.
    const starts = [...resumed.slice(1), final.resumedBytes ?? 0]
    for (let index = 1; index < starts.length; index++) expect(starts[index]).toBeGreaterThanOrEqual(starts[index - 1]!)
    expect(starts.at(-1)).toBeGreaterThan(0)
    const served = mirrors.reduce((sum, mirror) => sum + mirror.stats.bytesSent, 0)
    const refetched = served - SIZE
    // Per kill: the pieces in flight, plus what arrived since the last checkpoint (1 s at the full rate).
    const bound = KILLS * (CONNECTIONS * PIECE + mirrors.length * RATE)
    process.stdout.write(`crash-resume: ${killed}/${KILLS} kills survived, resumed from ${starts.join(', ')} bytes, ${refetched} bytes refetched (bound ${bound})\n`)
    expect(refetched).toBeLessThanOrEqual(bound)
  }, 600_000)
})

// `fetch -i LIST -d DIR` as users run it: an aria2c list, failures among many files, a malformed list, and kill -9 mid-batch then a re-run.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {runCli} from '../helpers/run-cli.js'

const SMALL = 24
const files: Record<string, Uint8Array> = {}
for (let index = 0; index < SMALL; index++) files[`/s${index}.bin`] = makeContent(20_000 + index * 9_000, 100 + index)
files['/big.bin'] = makeContent(5 * 1024 * 1024 + 3, 7)

describe('fetch -i (a batch)', () => {
  const mirrors: HttpMirror[] = []
  let work: string

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mirrorkit-batch-cli-'))
    for (let i = 0; i < 2; i++) mirrors.push(await startHttpMirror({files, faults: {bandwidth: 3 * 1024 * 1024}}))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await rm(work, {recursive: true, force: true})
  })

  const line = (path: string, checksum = sha256Hex(files[path]!)) => `${mirrors.map((mirror) => `${mirror.url}${path.slice(1)}`).join('\t')}\n  checksum=sha-256=${checksum}\n`

  it('finishes the others when one file is missing everywhere and one has a wrong checksum, names both, and exits 4', async () => {
    const list = join(work, 'failures.txt')
    await writeFile(list, line('/s0.bin') + `${mirrors.map((mirror) => `${mirror.url}nowhere.bin`).join('\t')}\n  split=4\n` + line('/s1.bin', 'f'.repeat(64)) + line('/s2.bin'))
    const directory = join(work, 'failures')
    const result = await runCli(['fetch', '-i', list, '-d', directory, '--json', '--progress', 'none'], {timeoutMs: 60_000})
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('option "split" is not used by mirrorkit')
    const summary = JSON.parse(result.stdout)
    expect(summary.files.map((file: {name: string; status: string; error?: {code: string}}) => [file.name, file.status, file.error?.code])).toEqual([
      ['s0.bin', 'done', undefined],
      ['nowhere.bin', 'failed', 'ENOTFOUND'],
      ['s1.bin', 'failed', 'EINTEGRITY'],
      ['s2.bin', 'done', undefined],
    ])
    expect((await readdir(directory)).sort()).toEqual(['s0.bin', 's2.bin'])
  })

  it('refuses a malformed list with its line number and downloads nothing', async () => {
    const list = join(work, 'malformed.txt')
    await writeFile(list, line('/s0.bin') + '  out\n')
    const requests = mirrors.reduce((sum, mirror) => sum + mirror.stats.requests, 0)
    const result = await runCli(['fetch', '-i', list, '-d', join(work, 'malformed')], {timeoutMs: 30_000})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^mirrorkit: input file line 3: .*\(EINPUT\)\n$/)
    expect(mirrors.reduce((sum, mirror) => sum + mirror.stats.requests, 0)).toBe(requests)
    expect(existsSync(join(work, 'malformed'))).toBe(false)
  })

  it('after kill -9 mid-batch, no final name holds a partial file, and the re-run fetches only what was missing', async () => {
    const list = join(work, 'all.txt')
    await writeFile(list, Object.keys(files).map((path) => line(path)).join(''))
    const directory = join(work, 'all')
    let pid = 0
    let ended = 0
    await runCli(['fetch', '-i', list, '-d', directory, '--jobs', '4', '--progress', 'json'], {
      timeoutMs: 60_000,
      onSpawn: (child) => (pid = child),
      onOutput: (stream, text) => {
        ended += stream === 'stderr' ? (text.match(/"file-end"/g) ?? []).length : 0
        if (ended >= SMALL / 2 && pid) {
          process.kill(pid, 'SIGKILL')
          pid = 0
        }
      },
    })
    const present = (await readdir(directory)).filter((name) => !name.endsWith('.part') && !name.endsWith('.mirrorkit'))
    expect(present.length).toBeGreaterThan(0)
    expect(present.length).toBeLessThan(SMALL + 1)
    for (const name of present) expect(sha256Hex(await readFile(join(directory, name)))).toBe(sha256Hex(files[`/${name}`]!))
    const missingBytes = Object.entries(files).filter(([path]) => !present.includes(path.slice(1))).reduce((sum, [, data]) => sum + data.length, 0)
    // A request for a file that is already complete would now fail it, and the run with it.
    for (const mirror of mirrors) for (const name of present) mirror.setFaults({status: 500}, `/${name}`)
    const sentBefore = mirrors.reduce((sum, mirror) => sum + mirror.stats.bytesSent, 0)

    const rerun = await runCli(['fetch', '-i', list, '-d', directory, '--json', '--progress', 'none'], {timeoutMs: 60_000})
    expect(rerun.code).toBe(0)
    const summary = JSON.parse(rerun.stdout)
    expect(summary.skipped).toBe(present.length)
    expect(summary.done).toBe(SMALL + 1 - present.length)
    for (const file of summary.files) if (present.includes(file.name)) expect(file).toMatchObject({status: 'skipped', bytes: 0})
    // Roughly only the missing bytes: the big one's tail may be hedged on a second mirror, and requests that
    // were ended at their headers (the one that found it large, the stat of a resumed file) were sent some bytes.
    expect(mirrors.reduce((sum, mirror) => sum + mirror.stats.bytesSent, 0) - sentBefore).toBeLessThanOrEqual(missingBytes * 1.1 + 1024 * 1024)
    for (const path of Object.keys(files)) expect(sha256Hex(await readFile(join(directory, path.slice(1))))).toBe(sha256Hex(files[path]!))
    expect((await readdir(directory)).length).toBe(SMALL + 1)
  })
})

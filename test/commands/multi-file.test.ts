// A metalink describing three files: discover prints a MirrorSet per file, get fetches all (or --select'ed) ones, and the stages pipe a stream of sets.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execFile} from 'node:child_process'
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {binary, projectRoot, runCli} from '../helpers/run-cli.js'

const files: Record<string, Uint8Array> = {'/a.iso': makeContent(3 * 1024 * 1024 + 5, 1), '/a.iso.sig': makeContent(566, 2), '/SHA256SUMS': makeContent(4_000, 3)}

function metalink(mirrors: readonly HttpMirror[]): string {
  const entries = Object.entries(files).map(
    ([path, data]) =>
      `  <file name="${path.slice(1)}">\n    <size>${data.length}</size>\n    <hash type="sha-256">${sha256Hex(data)}</hash>\n` +
      mirrors.map((mirror, index) => `    <url priority="${index + 1}">${mirror.url}${path.slice(1)}</url>\n`).join('') +
      '  </file>\n',
  )
  return `<?xml version="1.0" encoding="UTF-8"?>\n<metalink xmlns="urn:ietf:params:xml:ns:metalink">\n${entries.join('')}</metalink>\n`
}

describe('several files in one run', () => {
  const mirrors: HttpMirror[] = []
  let work: string
  let meta4: string

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mirrorkit-multi-'))
    for (let i = 0; i < 2; i++) mirrors.push(await startHttpMirror({files}))
    meta4 = join(work, 'release.meta4')
    await writeFile(meta4, metalink(mirrors))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await rm(work, {recursive: true, force: true})
  })

  it('discover prints one MirrorSet per file, as JSON lines', async () => {
    const result = await runCli(['discover', meta4], {timeoutMs: 30_000})
    expect(result.code).toBe(0)
    const sets = result.stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(sets.map((set) => [set.target.name, set.target.size, set.candidates.length])).toEqual(Object.entries(files).map(([path, data]) => [path.slice(1), data.length, 2]))
    expect(sets[0].target.checksums).toEqual([{algorithm: 'sha256', hex: sha256Hex(files['/a.iso']!)}])
    expect(JSON.stringify(sets)).not.toContain('EMULTIFILE')
  })

  it('get writes all three files, each correct', async () => {
    const directory = join(work, 'get')
    const result = await runCli(['get', meta4, '-d', directory, '--json', '--progress', 'none', '--no-history'], {timeoutMs: 60_000})
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.batch.done).toBe(3)
    for (const [path, data] of Object.entries(files)) expect(sha256Hex(await readFile(join(directory, path.slice(1))))).toBe(sha256Hex(data))
  })

  it('get --select fetches only the named files; an unknown name is a usage error', async () => {
    const directory = join(work, 'select')
    const result = await runCli(['get', meta4, '--select', 'a.iso.sig', '--select', 'SHA256SUMS', '-d', directory, '--json', '--progress', 'none', '--no-history'], {timeoutMs: 60_000})
    expect(result.code).toBe(0)
    expect((await readdir(directory)).sort()).toEqual(['SHA256SUMS', 'a.iso.sig'])
    const wrong = await runCli(['get', meta4, '--select', 'b.iso', '-d', directory], {timeoutMs: 30_000})
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('no file named "b.iso"')
  })

  it('get T1 T2 fetches each target', async () => {
    const directory = join(work, 'targets')
    const result = await runCli(['get', `${mirrors[0]!.url}a.iso.sig`, `${mirrors[1]!.url}SHA256SUMS`, '-d', directory, '--json', '--progress', 'none', '--no-history', '--source', 'headers'], {timeoutMs: 60_000})
    expect(result.code).toBe(0)
    expect((await readdir(directory)).sort()).toEqual(['SHA256SUMS', 'a.iso.sig'])
  })

  it('discover | verify | rank | fetch works on the stream of sets', async () => {
    const directory = join(work, 'pipe')
    const run = (stage: string) => `"${process.execPath}" "${binary}" ${stage}`
    const command = `${run(`discover "${meta4}"`)} | ${run('verify')} | ${run('rank --max-time 200 --no-history')} | ${run(`fetch -d "${directory}" --json --progress none`)}`
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('sh', ['-c', command], {cwd: projectRoot, timeout: 90_000}, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
    )
    expect(JSON.parse(stdout).done).toBe(3)
    for (const [path, data] of Object.entries(files)) expect(sha256Hex(await readFile(join(directory, path.slice(1))))).toBe(sha256Hex(data))
  })
})

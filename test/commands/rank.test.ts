// The whole pipe as users run it: mirrorkit discover | mirrorkit verify | mirrorkit rank --top 3, with the real binary.
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {MirrorSet} from '../../src/core/model.js'
import {makeContent} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'

const content = makeContent(1024 * 1024, 4)
const mirrors: HttpMirror[] = []
let directory: string
let listPath: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-rank-cli-'))
  // primary (slowest), three good mirrors of well-separated speeds, and one that serves a shorter file.
  const faults = [{bandwidth: 250_000}, {bandwidth: 600_000}, {bandwidth: 3_000_000}, {bandwidth: 1_200_000}, {size: 1000}]
  for (const fault of faults) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: fault}))
  listPath = join(directory, 'mirrors.txt')
  await writeFile(listPath, mirrors.slice(1).map((mirror) => `${mirror.url}f.bin`).join('\n') + '\n')
})
afterAll(async () => {
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

/** Spawns `stages` connected stdout to stdin, the first with stdin ignored; resolves with the last one's output and every exit code. */
function pipeline(stages: string[][], env: NodeJS.ProcessEnv): Promise<{stdout: string; stderr: string; codes: number[]}> {
  const children = stages.map((args) => spawn(process.execPath, ['bin/run.cjs', ...args], {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, ...env}}))
  children[0]!.stdin.end()
  children.slice(1).forEach((child, index) => children[index]!.stdout.pipe(child.stdin))
  let stdout = ''
  let stderr = ''
  children.at(-1)!.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  for (const child of children) child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => children.forEach((child) => child.kill()), 80_000)
  return Promise.all(children.map((child) => new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1))))).then((codes) => {
    clearTimeout(timer)
    return {stdout, stderr, codes}
  })
}

describe('mirrorkit rank (CLI)', () => {
  it('ranks the verified mirrors of a discover | verify pipe by real speed and keeps the top 3', async () => {
    const primary = `${mirrors[0]!.url}f.bin`
    const probe = ['--rtt-samples', '2', '--max-time', '400', '--max-bytes', '262144']
    const run = await pipeline(
      [['discover', primary, '--source', 'list', '--list', listPath], ['verify', '--seed', '7'], ['rank', '--top', '3', ...probe]],
      {XDG_DATA_HOME: directory},
    )
    expect(run.codes, run.stderr).toEqual([0, 0, 0])
    const set = JSON.parse(run.stdout) as MirrorSet
    const rates = set.candidates.map((candidate) => `${candidate.url} ${candidate.rank?.bytesPerSecond} ${candidate.rank?.error?.code ?? ''}`).join('\n')
    expect(set.candidates.map((candidate) => candidate.url), rates).toEqual([2, 3, 1].map((index) => `${mirrors[index]!.url}f.bin`))
    expect(set.candidates.every((candidate) => candidate.verify?.status === 'ok' && candidate.rank?.bytesPerSecond)).toBe(true)
    // The history file lands in the user's data directory, keyed by host and port.
    const historyDirectory = join(directory, 'mirrorkit')
    const history = JSON.parse(await readFile(join(historyDirectory, 'host-history.json'), 'utf8'))
    expect(Object.keys(history.hosts)).toHaveLength(4)
    expect((await readdir(historyDirectory)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  }, 90_000)

  it('writes a metalink whose priorities follow the rank order, and refuses to run without input', async () => {
    const set: MirrorSet = {
      version: 1,
      target: {name: 'f.bin', size: content.length, checksums: []},
      candidates: [1, 2].map((index) => ({url: `${mirrors[index]!.url}f.bin`, foundBy: ['test'], priority: 1})),
    }
    const input = join(directory, 'set.json')
    await writeFile(input, JSON.stringify(set))
    const run = await pipeline([['rank', '--input', input, '--no-history', '--format', 'metalink', '--rtt-samples', '1', '--max-time', '300']], {})
    expect(run.codes).toEqual([0])
    const urls = [...run.stdout.matchAll(/<url priority="(\d+)">([^<]+)<\/url>/g)].map((match) => [match[1], match[2]])
    expect(urls).toEqual([['1', `${mirrors[2]!.url}f.bin`], ['2', `${mirrors[1]!.url}f.bin`]])
    const empty = await pipeline([['rank']], {})
    expect(empty.codes).toEqual([2])
  }, 90_000)
})

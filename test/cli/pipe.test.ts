// The stages as users chain them, with the real binary: a shell pipe, files between stages, foreign MirrorSets, and outputs other tools read (aria2c, a shell loop).
import {execFile, spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {binary, projectRoot} from '../helpers/run-cli.js'

const content = makeContent(1024 * 1024, 29)
const SHA256 = sha256Hex(content)
const mirrors: HttpMirror[] = []
let directory: string
let listPath: string
let environment: NodeJS.ProcessEnv
let primaryUrl: string

const quickRank = '--rtt-samples 2 --max-time 300 --max-bytes 262144 --no-history'

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-pipe-'))
  // Primary, three mirrors of well-separated speeds, and one serving other bytes.
  const faults = [{bandwidth: 3_000_000}, {bandwidth: 2_000_000}, {bandwidth: 1_000_000}, {bandwidth: 300_000}, {corrupt: [{offset: 0, length: content.length}]}]
  for (const fault of faults) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: fault}))
  primaryUrl = `${mirrors[0]!.url}f.bin`
  listPath = join(directory, 'mirrors.txt')
  await writeFile(listPath, mirrors.slice(1).map((mirror) => `${mirror.url}f.bin`).join('\n') + '\n')
  const {MIRRORKIT_CONFIG: _unused, ...rest} = process.env
  environment = {...rest, XDG_CONFIG_HOME: join(directory, 'config'), XDG_DATA_HOME: join(directory, 'data'), NO_COLOR: '1'}
})
afterAll(async () => {
  await Promise.all(mirrors.map((mirror) => mirror.close()))
  await rm(directory, {recursive: true, force: true})
})

/** Runs a bash script (with pipefail) whose `mk` function is the built CLI; stdin closed, bounded time. */
function shell(script: string, timeoutMs = 100_000): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = execFile(
      'bash',
      ['-c', `set -o pipefail; mk() { node ${JSON.stringify(binary)} "$@"; }; ${script}`],
      {cwd: projectRoot, env: environment, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024},
      (error, stdout, stderr) => resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr}),
    )
    child.stdin?.end()
  })
}

describe('pipes between the stages (CLI)', () => {
  it('discover | verify | rank --top 3 | fetch -o through a real shell pipe gives a byte-identical file', async () => {
    const output = join(directory, 'piped.bin')
    const run = await shell(`mk discover ${primaryUrl} --list ${listPath} | mk verify --seed 5 | mk rank --top 3 ${quickRank} | mk fetch -o ${output} --progress none`)
    expect(run.code, run.stderr).toBe(0)
    expect(sha256Hex(await readFile(output))).toBe(SHA256)
    const summary = JSON.parse(run.stdout) as {mirrors: Array<{url: string}>}
    // Three mirrors at most, and never the corrupt one.
    expect(summary.mirrors.length).toBeLessThanOrEqual(3)
    expect(summary.mirrors.some((mirror) => mirror.url.startsWith(mirrors[4]!.url))).toBe(false)
  }, 150_000)

  it('works the same with files saved between the stages', async () => {
    const output = join(directory, 'staged.bin')
    const run = await shell(
      [
        `mk discover ${primaryUrl} --list ${listPath} -o ${directory}/found.json`,
        `mk verify --input ${directory}/found.json > ${directory}/verified.json`,
        `mk rank --input ${directory}/verified.json ${quickRank} > ${directory}/ranked.json`,
        `mk fetch --input ${directory}/ranked.json -o ${output} --progress none > ${directory}/summary.json`,
      ].join(' && '),
    )
    expect(run.code, run.stderr).toBe(0)
    expect(sha256Hex(await readFile(output))).toBe(SHA256)
    const verified = JSON.parse(await readFile(join(directory, 'verified.json'), 'utf8')) as {candidates: Array<{url: string; verify?: {status: string}}>}
    expect(verified.candidates.find((candidate) => candidate.url.startsWith(mirrors[4]!.url))?.verify?.status).toBe('mismatch')
    const ranked = JSON.parse(await readFile(join(directory, 'ranked.json'), 'utf8')) as {candidates: Array<{url: string}>}
    expect(ranked.candidates[0]!.url).toBe(primaryUrl)
  }, 150_000)

  it('refuses a MirrorSet of another version with a clear message and exit code 2, in every stage', async () => {
    const foreign = join(directory, 'v2.json')
    await writeFile(foreign, JSON.stringify({version: 2, target: {name: 'f.bin', checksums: []}, candidates: []}))
    const run = await shell(`for stage in verify rank fetch; do mk $stage < ${foreign}; echo "exit=$?"; done`)
    expect(run.stdout.trim().split('\n').filter((line) => line.startsWith('exit='))).toEqual(['exit=2', 'exit=2', 'exit=2'])
    expect(run.stderr.match(/invalid MirrorSet: version 2 is not supported \(this mirrorkit reads version 1\) \(EMIRRORSET\)/g)).toHaveLength(3)
  }, 100_000)

  it('rank --format metalink is downloaded by aria2c, and --format mirrorlist feeds a line-by-line shell loop', async () => {
    const set = join(directory, 'set.json')
    const prepared = await shell(`mk discover ${primaryUrl} --list ${listPath} | mk verify > ${set}`)
    expect(prepared.code, prepared.stderr).toBe(0)
    const listed = await shell(`mk rank --input ${set} ${quickRank} --format mirrorlist | grep -v '^#' | while read -r url; do printf '%s %s\\n' "$(curl -s -r 0-99 "$url" | wc -c)" "$url"; done`)
    expect(listed.code, listed.stderr).toBe(0)
    const lines = listed.stdout.trim().split('\n')
    // The four good copies (the corrupt mirror left out after verify), each answering a 100-byte range; the header is a # comment.
    expect(lines).toHaveLength(4)
    expect(lines.every((line) => line.startsWith('100 http://127.0.0.1:'))).toBe(true)
    const metalink = join(directory, 'f.meta4')
    const written = await shell(`mk rank --input ${set} ${quickRank} --format metalink > ${metalink}`)
    expect(written.code, written.stderr).toBe(0)
    if (spawnSync('aria2c', ['--version'], {stdio: 'ignore'}).error) {
      if (process.env.CI === 'true') throw new Error('aria2c is required when CI=true (apt-get install -y aria2)')
      console.warn('skipping the aria2c half of this test: aria2c is not installed (apt-get install -y aria2)')
      return
    }
    const output = join(directory, 'aria2')
    const aria2 = await shell(`aria2c -M ${metalink} -d ${output} --allow-overwrite=true --file-allocation=none --summary-interval=0 --console-log-level=warn`, 60_000)
    expect(aria2.code, aria2.stdout + aria2.stderr).toBe(0)
    expect(sha256Hex(await readFile(join(output, 'f.bin')))).toBe(SHA256)
  }, 150_000)
})

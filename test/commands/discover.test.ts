import {execFile, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseMetalink} from '../../src/core/formats/metalink-parse.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {startSearchEngineServer, type SearchEngineServer} from '../helpers/search-engine-server.js'

const data = makeContent(300 * 1024, 21)
const SHA256 = sha256Hex(data)
let primary: HttpMirror
let second: HttpMirror
let engines: SearchEngineServer
let directory: string

type Run = {code: number; stdout: string; stderr: string}

/** The user's own config must not leak into the test: point the config directory at the temp dir. */
function cliEnvironment(): NodeJS.ProcessEnv {
  const {MIRRORKIT_CONFIG: _ignored, ...rest} = process.env
  return {...rest, XDG_CONFIG_HOME: directory}
}

/** Runs the built CLI asynchronously (the mirrors live in this process) with stdin closed. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/run.cjs', ...args], {timeout: 60_000, env: cliEnvironment()}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
    child.stdin?.end()
  })
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-discover-cli-'))
  second = await startHttpMirror({files: {'/mirror/f.bin': data}})
  primary = await startHttpMirror({
    files: {'/pub/f.bin': data},
    perPath: {
      '/pub/f.bin': {
        headers: {
          link: `<${second.url}mirror/f.bin>; rel=duplicate; pri=1; geo=nl`,
          digest: `sha-256=${Buffer.from(SHA256, 'hex').toString('base64')}`,
        },
      },
    },
  })
  engines = await startSearchEngineServer({results: [{url: `${second.url}mirror/f.bin`, title: 'f.bin'}]})
})

afterAll(async () => {
  await engines.close()
  await primary.close()
  await second.close()
  await rm(directory, {recursive: true, force: true})
})

describe('mirrorkit discover (CLI)', {timeout: 90_000}, () => {
  it('prints the MirrorSet as JSON when piped: primary, headers mirror, digest', async () => {
    const run = await cli('discover', `${primary.url}pub/f.bin`)
    expect(run.stderr).toBe('')
    expect(run.code, run.stderr).toBe(0)
    const set = JSON.parse(run.stdout)
    expect(set.target).toMatchObject({name: 'f.bin', size: data.length, checksums: [{algorithm: 'sha256', hex: SHA256}]})
    expect(set.candidates.map((candidate: {foundBy: string[]}) => candidate.foundBy)).toEqual([['primary'], ['headers']])
  })

  it('writes a metalink with -o that aria2c downloads from both mirrors, checksum checked', async () => {
    const file = join(directory, 'f.meta4')
    const run = await cli('discover', `${primary.url}pub/f.bin`, '--format', 'metalink', '-o', file)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('')
    const document = parseMetalink(await readFile(file, 'utf8'))
    expect(document.files[0]?.urls).toHaveLength(2)
    const aria2 = spawnSync('aria2c', ['--version'], {stdio: 'ignore'})
    if (aria2.error) {
      if (process.env.CI === 'true') throw new Error('aria2c is required when CI=true (apt-get install -y aria2)')
      console.warn('skipping the aria2c half of this test: aria2c is not installed (apt-get install -y aria2)')
      return
    }
    const output = join(directory, 'aria2-out')
    const downloaded = await new Promise<{code: number | null; text: string}>((resolve) => {
      execFile(
        'aria2c',
        ['-M', file, '-d', output, '--allow-overwrite=true', '--file-allocation=none', '--summary-interval=0', '--console-log-level=warn', '--split=2', '--min-split-size=1M'],
        {timeout: 30_000},
        (error, stdout, stderr) => resolve({code: error ? ((error.code as number) ?? 1) : 0, text: stdout + stderr}),
      )
    })
    expect(downloaded.code, downloaded.text).toBe(0)
    const bytes = await readFile(join(output, 'f.bin'))
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(SHA256)
  })

  it('infers CSV from the -o extension and aria2 input from --format', async () => {
    const csv = join(directory, 'out.csv')
    const written = await cli('discover', `${primary.url}pub/f.bin`, '-o', csv)
    expect(written.code, written.stderr).toBe(0)
    expect((await readFile(csv, 'utf8')).split('\r\n')[0]).toBe('url,found_by,priority,location,verdict,score,bytes_per_second')
    const run = await cli('discover', `${primary.url}pub/f.bin`, '--format', 'aria2')
    expect(run.stdout).toBe(`${primary.url}pub/f.bin\t${second.url}mirror/f.bin\n  out=f.bin\n  checksum=sha-256=${SHA256}\n`)
  })

  it('searches for a bare name with engines from the config file, pointed at the local server', async () => {
    const config = join(directory, 'config.json')
    await writeFile(config, JSON.stringify({engineBases: engines.bases}))
    const run = await cli('discover', 'f.bin', '--config', config, '--engine', 'duckduckgo', '--engine', 'searxng', '--json')
    expect(run.code, run.stderr).toBe(0)
    const set = JSON.parse(run.stdout)
    expect(set.candidates).toHaveLength(1)
    expect(set.candidates[0].url).toBe(`${second.url}mirror/f.bin`)
    expect(set.candidates[0].foundBy.sort()).toEqual(['search:duckduckgo', 'search:searxng'])
    expect(engines.requests.length).toBe(4)
  })

  it('exits 3 when nothing is found (still printing the set) and 2 on bad flags', async () => {
    const empty = await cli('discover', 'nothing.iso', '--source', 'list')
    expect(empty.code, empty.stderr).toBe(3)
    expect(JSON.parse(empty.stdout).candidates).toEqual([])
    const bad = await cli('discover', 'f.bin', '--var', 'novalue')
    expect(bad.code, bad.stderr).toBe(2)
    expect(bad.stderr).toMatch(/^mirrorkit: --var expects name=value, got "novalue" \(EUSAGE\)\n$/)
    const engineFile = join(directory, 'engines.json')
    await writeFile(engineFile, JSON.stringify([{name: 'broken', kind: 'xml'}]))
    const broken = await cli('discover', 'f.bin', '--engine-file', engineFile)
    expect(broken.code, broken.stderr).toBe(2)
    expect(broken.stderr).toContain('(ECONFIG)')
  })
})

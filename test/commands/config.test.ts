// `mirrorkit config` with the real binary: the path follows XDG_CONFIG_HOME, the values set are shown, bad files are usage errors.
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ConfigResult} from '../../src/commands/config.js'
import {errorCode, runCli} from '../helpers/run-cli.js'

let directory: string
let environment: Record<string, string>

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-config-cli-'))
  environment = {XDG_CONFIG_HOME: directory, MIRRORKIT_CONFIG: ''}
})
afterAll(async () => {
  await rm(directory, {recursive: true, force: true})
})

describe('mirrorkit config (CLI)', () => {
  it('prints the path in XDG_CONFIG_HOME, and built-in defaults while the file is absent', async () => {
    const path = await runCli(['config', '--path'], {env: environment})
    expect(path.code, path.stderr).toBe(0)
    expect(path.stdout.trim()).toBe(join(directory, 'mirrorkit', 'config.json'))
    const shown = await runCli(['config', '--json'], {env: environment})
    const result = JSON.parse(shown.stdout) as ConfigResult
    expect(result).toMatchObject({exists: false, config: {engines: [], engineBases: {}}})
    expect(result.keys.map((key) => key.key)).toEqual(expect.arrayContaining(['lists', 'connections', 'perMirror', 'lowestSpeed', 'stallTimeout', 'verifySamples', 'rankBudget']))
    expect(result.keys.every((key) => key.value === undefined && key.description.length > 0)).toBe(true)
  }, 60_000)

  it('shows the values the file sets, and refuses a wrong type with ECONFIG (exit 2)', async () => {
    await mkdir(join(directory, 'mirrorkit'), {recursive: true})
    await writeFile(join(directory, 'mirrorkit', 'config.json'), JSON.stringify({connections: 6, lists: ['/srv/mirrors.txt'], engineBases: {searxng: 'https://searx.example'}}))
    const shown = await runCli(['config', '--json'], {env: environment})
    expect(shown.code, shown.stderr).toBe(0)
    const result = JSON.parse(shown.stdout) as ConfigResult
    expect(result.exists).toBe(true)
    expect(result.keys.find((key) => key.key === 'connections')?.value).toBe(6)
    expect(result.config).toMatchObject({lists: ['/srv/mirrors.txt'], engineBases: {searxng: 'https://searx.example'}})
    const broken = join(directory, 'broken.json')
    await writeFile(broken, JSON.stringify({stallTimeout: 'soon'}))
    const refused = await runCli(['config', '--config', broken], {env: environment})
    expect(refused.code).toBe(2)
    expect(errorCode(refused)).toBe('ECONFIG')
    expect(refused.stderr).toContain('"stallTimeout" must be an integer')
  }, 60_000)
})

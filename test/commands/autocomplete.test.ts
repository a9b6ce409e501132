// Shell completion from @oclif/plugin-autocomplete: the cache it builds knows every mirrorkit command and its flags.
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/run-cli.js'

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-autocomplete-'))
})
afterAll(async () => {
  await rm(directory, {recursive: true, force: true})
})

describe('mirrorkit autocomplete (CLI)', () => {
  it('builds bash completions that list every command with its flags', async () => {
    const run = await runCli(['autocomplete', 'bash', '--refresh-cache'], {env: {XDG_CACHE_HOME: directory}, timeoutMs: 60_000})
    expect(run.code, run.stderr).toBe(0)
    const functions = await readFile(join(directory, 'mirrorkit', 'autocomplete', 'functions', 'bash', 'mirrorkit.bash'), 'utf8')
    for (const command of ['config', 'demo', 'discover', 'fetch', 'get', 'rank', 'verify']) expect(functions).toMatch(new RegExp(`^${command} `, 'm'))
    expect(functions).toMatch(/^get .*--connections .*--known-hosts/m)
  }, 90_000)
})

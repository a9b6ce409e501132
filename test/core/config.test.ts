import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadConfig, loadEngineFile} from '../../src/core/config.js'

let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-config-'))
})

afterAll(async () => {
  await rm(directory, {recursive: true, force: true})
})

const engine = {name: 'mine', kind: 'html', base: 'https://search.example', path: '/?q={query}', results: {selector: 'a.hit'}}

describe('config', () => {
  it('reads engines and engine bases; a missing default file is an empty config', async () => {
    const path = join(directory, 'config.json')
    await writeFile(path, JSON.stringify({engines: [engine], engineBases: {searxng: 'https://searx.example'}, futureKey: 1}))
    expect(await loadConfig(path, true, AbortSignal.timeout(5000))).toEqual({engines: [engine], engineBases: {searxng: 'https://searx.example'}})
    expect(await loadConfig(join(directory, 'absent.json'), true, AbortSignal.timeout(5000))).toEqual({engines: [], engineBases: {}})
  })

  it('accepts the one-string url form, split into base and path', async () => {
    const path = join(directory, 'short.json')
    await writeFile(path, JSON.stringify([{name: 'short', kind: 'json', url: 'https://s.example/api/search?q={query}&format=json', results: {jsonPath: 'hits[].link'}}]))
    expect(await loadEngineFile(path, AbortSignal.timeout(5000))).toEqual([
      {name: 'short', kind: 'json', base: 'https://s.example', path: '/api/search?q={query}&format=json', results: {jsonPath: 'hits[].link'}},
    ])
  })

  it('refuses a named file that is missing, broken JSON, and bad engine definitions, with ECONFIG or a clear reason', async () => {
    await expect(loadConfig(join(directory, 'absent.json'), false, AbortSignal.timeout(5000))).rejects.toMatchObject({code: 'ECONFIG', exitCode: 2})
    const broken = join(directory, 'broken.json')
    await writeFile(broken, '{engines: ')
    await expect(loadConfig(broken, true, AbortSignal.timeout(5000))).rejects.toMatchObject({code: 'ECONFIG'})
    const cases: Array<[unknown, RegExp]> = [
      [[{...engine, kind: 'xml'}], /"kind" must be "html" or "json"/],
      [[{...engine, base: 'file:///etc'}], /"base" must be an http\(s\) URL/],
      [[{...engine, results: {}}], /"results" needs a "selector"/],
      [[{...engine, name: '../x'}], /"name" must be a simple word/],
      [{notEngines: []}, /expected an array of engines/],
    ]
    for (const [value, message] of cases) {
      const path = join(directory, 'engines.json')
      await writeFile(path, JSON.stringify(value))
      await expect(loadEngineFile(path, AbortSignal.timeout(5000))).rejects.toThrow(message)
    }
  })
})

import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

let mirror: HttpMirror
let directory: string
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-lists-'))
  mirror = await startHttpMirror({
    files: {
      '/archlinux/core/os/x86_64/core.db': makeContent(2048, 5),
      '/status.json': JSON.stringify({
        version: 3,
        urls: [
          {url: 'https://de.example/arch/', protocol: 'https', active: true, completion_pct: 1, country_code: 'DE', score: 0.5},
          {url: 'http://dead.example/arch/', protocol: 'http', active: false, completion_pct: 1, country_code: 'US'},
        ],
      }),
    },
  })
})

afterAll(async () => {
  await transports.close()
  await mirror.close()
  await rm(directory, {recursive: true, force: true})
})

describe('list source', () => {
  it('reads a pacman mirrorlist with variables, merges the primary it repeats, and reads Arch status JSON over HTTP', async () => {
    const list = join(directory, 'mirrorlist')
    await writeFile(
      list,
      [
        '## Local',
        `Server = ${mirror.url}archlinux/$repo/os/$arch`,
        'Server = https://FR.example:443/arch/$repo/os/$arch',
        '#Server = https://commented.example/$repo/os/$arch',
        'Server = ftp://user:secret@ftp.example/arch/$repo/os/$arch',
      ].join('\n'),
    )
    const set = await discover(
      {
        argument: `${mirror.url}archlinux/core/os/x86_64/core.db`,
        sources: ['list'],
        lists: [list, `${mirror.url}status.json`],
        variables: {repo: 'core', arch: 'x86_64'},
        path: 'core.db',
        transports,
      },
      {signal: signal()},
    )
    expect(set.candidates).toEqual([
      {url: `${mirror.url}archlinux/core/os/x86_64/core.db`, foundBy: ['primary', 'list']},
      {url: 'https://fr.example/arch/core/os/x86_64/core.db', foundBy: ['list']},
      {url: 'ftp://user:***@ftp.example/arch/core/os/x86_64/core.db', foundBy: ['list']},
      {url: 'https://de.example/arch/core.db', foundBy: ['list'], location: 'de'},
    ])
    expect(JSON.stringify(set)).not.toContain('secret')
  })

  it('completes base URLs with the primary path by default, and warns about unknown variables', async () => {
    const list = join(directory, 'bases.txt')
    await writeFile(list, 'https://a.example/mirror/\nhttps://b.example/$unknown/\n')
    const set = await discover({argument: `${mirror.url}archlinux/core/os/x86_64/core.db`, sources: ['list'], lists: [list], transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([
      `${mirror.url}archlinux/core/os/x86_64/core.db`,
      'https://a.example/mirror/archlinux/core/os/x86_64/core.db',
    ])
    expect(set.warnings?.map((warning) => warning.code)).toEqual(['EVARIABLE'])
  })

  it('fails the run with one error on a list it cannot read or whose format it does not know, rather than a set without it', async () => {
    const missing = discover({argument: 'f.iso', sources: ['list'], lists: [join(directory, 'missing.txt')], transports}, {signal: signal()})
    await expect(missing).rejects.toMatchObject({code: 'ENOTFOUND', message: expect.stringContaining('missing.txt')})
    const odd = join(directory, 'odd.txt')
    await writeFile(odd, 'these are\nnot mirrors\n')
    const unknown = discover({argument: 'f.iso', sources: ['list'], lists: [odd], transports}, {signal: signal()})
    await expect(unknown).rejects.toMatchObject({code: 'ELISTFORMAT', exitCode: 2, message: expect.stringMatching(/odd\.txt: not a mirror list mirrorkit reads \(tried: /)})
  })
})

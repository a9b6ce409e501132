import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'

// Real published metalinks given to discover as a user would (see test/fixtures/real/README.md).
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/real/${name}`, import.meta.url))
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

afterAll(async () => {
  await transports.close()
})

describe('discover on real metalinks', () => {
  it('librepo metalink_good_01 as the argument: 83 http/ftp candidates by preference, the 23 rsync URLs named in one warning', async () => {
    const set = await discover({argument: fixture('librepo-metalink_good_01.xml'), transports}, {signal: signal()})
    expect(set.target).toMatchObject({name: 'repomd.xml', size: 4309})
    expect(set.target.checksums).toHaveLength(4)
    expect(set.candidates).toHaveLength(83)
    expect(set.candidates[0]).toEqual({
      url: 'http://mirror.pnl.gov/fedora/linux/releases/17/Everything/x86_64/os/repodata/repomd.xml',
      foundBy: ['metalink'],
      priority: 2,
      location: 'us',
      maxConnections: 1,
    })
    expect(set.candidates.at(-1)?.url).toBe('http://mirrors.ucr.ac.cr/fedora/releases/17/Everything/x86_64/os/repodata/repomd.xml')
    expect(set.warnings).toEqual([{source: 'metalink', code: 'ESCHEME', message: 'dropped 23 URL(s) with unsupported schemes (rsync: 23)'}])
  })

  it('librepo metalink_really_bad_01 asked for repomd.xml: no such file, one ENOTFOUND warning and no candidates', async () => {
    const set = await discover({argument: 'repomd.xml', metalinks: [fixture('librepo-metalink_really_bad_01.xml')], sources: ['metalink'], transports}, {signal: signal()})
    expect(set.candidates).toEqual([])
    expect(set.warnings?.map((warning) => warning.code)).toEqual(['ENOTFOUND'])
  })

  it('mirrormanager alternates reach the target as accepted older versions', async () => {
    const set = await discover({argument: fixture('librepo-metalink_with_alternates.xml'), transports}, {signal: signal()})
    expect(set.target.alternates).toEqual([{size: 2621, checksums: expect.arrayContaining([{algorithm: 'sha256', hex: 'bef5d33dc68f47adc7b31df448851b1e9e6bae27840f28700fff144881482a6a'}])}])
  })
})

import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'

// Real published mirror lists given to discover with -l (see test/fixtures/real/README.md).
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/real/${name}`, import.meta.url))
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

afterAll(async () => {
  await transports.close()
})

describe('discover on real mirror lists', () => {
  it("Gentoo's distfiles.xml: 31 candidates carrying country, mirror name and ipv4/ipv6, the 10 rsync URIs counted in one warning", async () => {
    const set = await discover({argument: 'layout.conf', sources: ['list'], lists: [fixture('gentoo-distfiles.xml')], path: 'distfiles/layout.conf', transports}, {signal: signal()})
    expect(set.candidates).toHaveLength(31)
    expect(set.candidates[0]).toEqual({
      url: 'ftp://mirrors.tera-byte.com/pub/gentoo/distfiles/layout.conf',
      foundBy: ['list'],
      location: 'ca',
      site: 'Tera-byte Dot Com Inc',
      ipv4: true,
      ipv6: false,
    })
    expect(set.warnings).toEqual([{source: 'list', code: 'ESCHEME', message: 'dropped 10 URL(s) with unsupported schemes (rsync: 10)'}])
  })

  it("Parrot's Mirrors.masterlist: the ${CC} GeoDNS sites wait for --var CC=..., every other site's roots are candidates", async () => {
    const request = {argument: 'Release', sources: ['list'], lists: [fixture('parrot-Mirrors.masterlist')], path: 'dists/lory/Release', transports}
    const unfilled = await discover(request, {signal: signal()})
    // 99 roots: 4 wait for variables, and mirror.yandex.ru is listed twice (RU and UZ), its 2 URLs merged.
    expect(unfilled.candidates).toHaveLength(93)
    expect(unfilled.candidates.find((candidate) => candidate.site === 'mirror.yandex.ru')?.location).toBe('ru')
    expect(unfilled.warnings?.map((warning) => warning.code)).toEqual(['EVARIABLE'])
    expect(unfilled.warnings?.[0]?.message).toMatch(/no value for \$CC, \$CNAME \(use --var name=value\)$/)
    const filled = await discover({...request, variables: {CC: 'de', CNAME: 'de'}}, {signal: signal()})
    expect(filled.candidates).toHaveLength(97)
    expect(filled.candidates.map((candidate) => candidate.url)).toContain('https://de.deb.parrot.sh/parrot/dists/lory/Release')
  })
})

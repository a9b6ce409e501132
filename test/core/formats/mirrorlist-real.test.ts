import {readFile} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'
import {parseMirrorList} from '../../../src/core/formats/mirrorlist.js'

// Mirror lists as Arch, Debian (and Parrot's fork of choose-mirror), Gentoo and CPAN publish them (test/fixtures/real/README.md).
const fixture = (name: string) => readFile(new URL(`../../fixtures/real/${name}`, import.meta.url), 'utf8')

describe('mirror lists distributions publish', () => {
  it('pacman mirrorlist (reflector output): the README recipe gives URLs ending in /core/os/x86_64/core.db exactly once', async () => {
    const list = parseMirrorList(await fixture('pacman-mirrorlist'), {variables: {repo: 'core', arch: 'x86_64'}, path: 'core/os/x86_64/core.db'})
    expect(list.format).toBe('pacman')
    expect(list.entries.map((entry) => entry.url)).toEqual([
      'https://mirror.osbeck.com/archlinux/core/os/x86_64/core.db',
      'https://appuals.com/archlinux/core/os/x86_64/core.db',
      'http://mirror.bizflycloud.vn/archlinux/core/os/x86_64/core.db',
      'http://mirror.faizuladib.com/archlinux/core/os/x86_64/core.db',
      'http://vpsmurah.jagoanhosting.com/archlinux/core/os/x86_64/core.db',
    ])
    // The same with only the file name, as pacman itself appends it.
    const byName = parseMirrorList(await fixture('pacman-mirrorlist'), {variables: {repo: 'core', arch: 'x86_64'}, path: 'core.db'})
    expect(byName.entries.map((entry) => entry.url)).toEqual(list.entries.map((entry) => entry.url))
    expect(list.entries.every((entry) => entry.url.split('/core/os/x86_64/core.db').length === 2)).toBe(true)
  })

  it('Debian Mirrors.masterlist (first 11 sites): 9 archive roots with country, the 2 sites without an archive named', async () => {
    const list = parseMirrorList(await fixture('debian-Mirrors.masterlist'), {path: 'dists/bookworm/Release'})
    expect(list.format).toBe('debian-masterlist')
    expect(list.entries).toHaveLength(9)
    expect(list.entries[0]).toEqual({url: 'http://deb.debian.org/debian/dists/bookworm/Release', site: 'deb.debian.org'})
    expect(list.entries[1]).toEqual({url: 'http://debian-archive.trafficmanager.net/debian/dists/bookworm/Release', site: 'debian-archive.trafficmanager.net', location: 'us'})
    expect(list.entries.map((entry) => entry.location)).toEqual([undefined, 'us', 'gb', 'cz', 'de', 'pl', 'pt', 'fr', 'se'])
    expect(list.notes).toEqual([{code: 'ELIST', message: '2 site(s) without an Archive-http/https/ftp field were skipped'}])
  })

  it("Parrot's Mirrors.masterlist (whole): https, http and ftp roots per site, paths without a slash completed, ${CC} sites need --var", async () => {
    const text = await fixture('parrot-Mirrors.masterlist')
    const list = parseMirrorList(text, {path: 'dists/lory/Release'})
    expect(list.format).toBe('debian-masterlist')
    expect(list.entries).toHaveLength(99)
    expect(list.unresolved).toEqual(['CC', 'CNAME'])
    expect(list.entries.slice(0, 2).map((entry) => entry.url)).toEqual(['https://deb.parrot.sh/parrot/dists/lory/Release', 'http://deb.parrot.sh/parrot/dists/lory/Release'])
    expect(list.entries.filter((entry) => entry.site === 'ftp.osuosl.org').map((entry) => entry.url)).toEqual([
      'https://ftp.osuosl.org/pub/parrotos/dists/lory/Release',
      'http://ftp.osuosl.org/pub/parrotos/dists/lory/Release',
    ])
    expect(list.entries.filter((entry) => entry.site === 'parrot.mirror.garr.it').map((entry) => entry.url.split(':')[0])).toEqual(['https', 'http', 'ftp'])
    const filled = parseMirrorList(text, {path: 'dists/lory/Release', variables: {CC: 'us', CNAME: 'us'}})
    expect(filled.unresolved).toEqual([])
    expect(filled.entries.map((entry) => entry.url)).toContain('https://us.deb.parrot.sh/parrot/dists/lory/Release')
  })

  it('Gentoo distfiles.xml (first 6 mirror groups): 41 URIs with country, name and ipv4/ipv6, bare hosts completed as directories', async () => {
    const list = parseMirrorList(await fixture('gentoo-distfiles.xml'), {path: 'distfiles/layout.conf'})
    expect(list.format).toBe('gentoo-distfiles')
    expect(list.entries).toHaveLength(41)
    expect(list.entries[0]).toEqual({url: 'ftp://mirrors.tera-byte.com/pub/gentoo/distfiles/layout.conf', location: 'ca', site: 'Tera-byte Dot Com Inc', ipv4: true, ipv6: false})
    expect(list.entries.find((entry) => entry.site === 'Gossamer Threads')?.url).toBe('http://gentoo.gossamerhost.com/distfiles/layout.conf')
    expect(list.entries.at(-1)).toEqual({url: 'rsync://mirror.dkm.cz/gentoo/distfiles/layout.conf', location: 'cz', site: 'UPC Česká republika, a.s.', ipv4: true, ipv6: true})
    expect(list.entries.filter((entry) => entry.url.startsWith('rsync:'))).toHaveLength(10)
    expect(new Set(list.entries.map((entry) => entry.location))).toEqual(new Set(['ca', 'us', 'br', 'be', 'ch', 'cz']))
  })

  it("CPAN MIRRORED.BY (CPAN.pm's copy, first 10 hosts): old dst_directory host:/path entries read as ftp, a host line without its colon too", async () => {
    const list = parseMirrorList(await fixture('cpan-MIRRORED.BY'), {path: 'modules/02packages.details.txt.gz'})
    expect(list.format).toBe('cpan-mirrored-by')
    expect(list.entries.map((entry) => entry.site)).toEqual([
      'ftp.is.co.za',
      'ftp.hkstar.com',
      'ftp.jaist.ac.jp',
      'ftp.lab.kdd.co.jp',
      'ftp.nuri.net',
      'dongpo.math.ncu.edu.tw',
      'ftp.wownet.net',
      'coombs.anu.edu.au',
      'ftp.mame.mu.oz.au',
      'ftp.tekotago.ac.nz',
    ])
    expect(list.entries[0]?.url).toBe('ftp://ftp.is.co.za/programming/perl/CPAN/modules/02packages.details.txt.gz')
    expect(list.entries.at(-1)?.url).toBe('ftp://ftp.tekotago.ac.nz/pub/perl/CPAN/modules/02packages.details.txt.gz')
  })
})

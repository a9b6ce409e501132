import {describe, expect, it} from 'vitest'
import {parseMirrorList, writeMirrorList} from '../../../src/core/formats/mirrorlist.js'
import {emptyMirrorSet} from '../../../src/core/model.js'

describe('parseMirrorList', () => {
  it('reads plain URLs and base URLs completed with the path', () => {
    const text = '# mirrors\nhttp://a.example/pub/file.iso\n\nhttps://b.example/mirror/   # fast\nftp://c.example/x/file.iso extra words\n'
    expect(parseMirrorList(text, {path: 'debian/file.iso'}).entries.map((entry) => entry.url)).toEqual([
      'http://a.example/pub/file.iso',
      'https://b.example/mirror/debian/file.iso',
      'ftp://c.example/x/file.iso',
    ])
  })

  it('reads pacman Server lines with $repo and $arch, and names variables it cannot fill', () => {
    const text = '## Germany\nServer = https://mirror.example/archlinux/$repo/os/$arch\n#Server = http://off.example/$repo/os/$arch\nServer = http://x.example/$mystery/\n'
    const {entries, unresolved} = parseMirrorList(text, {variables: {repo: 'core', arch: 'x86_64'}, path: 'core.db'})
    expect(entries.map((entry) => entry.url)).toEqual(['https://mirror.example/archlinux/core/os/x86_64/core.db', 'http://x.example/$mystery/core.db'])
    expect(unresolved).toEqual(['mystery'])
  })

  it('reads a JSON array and Arch mirror status JSON (active, completed mirrors only, with country)', () => {
    expect(parseMirrorList('["http://a.example/f", 3, "http://b.example/f"]').entries.map((entry) => entry.url)).toEqual([
      'http://a.example/f',
      'http://b.example/f',
    ])
    const status = JSON.stringify({
      version: 3,
      urls: [
        {url: 'https://ok.example/arch/', protocol: 'https', active: true, completion_pct: 1, score: 1.2, country_code: 'DE'},
        {url: 'https://off.example/arch/', protocol: 'https', active: false, completion_pct: 1},
        {url: 'rsync://r.example/arch/', protocol: 'rsync', active: true, completion_pct: 0},
      ],
    })
    expect(parseMirrorList(status, {path: 'core/os/x86_64/core.db'}).entries).toEqual([
      {url: 'https://ok.example/arch/core/os/x86_64/core.db', location: 'de'},
    ])
  })

  it('writes one redacted URL per line under a comment', () => {
    const set = emptyMirrorSet({name: 'f.iso', size: 3, checksums: []})
    set.candidates.push({url: 'ftp://user:secret@a.example/f.iso', foundBy: ['list']})
    const text = writeMirrorList(set)
    expect(text).toBe('# mirrors of f.iso (3 bytes), written by mirrorkit\nftp://user:***@a.example/f.iso\n')
  })
})

describe('parseMirrorList formats', () => {
  it('reads the current MIRRORED.BY fields: dst_http and dst_ftp, empty values and dst_rsync skipped', () => {
    const text = [
      'ftp.rucus.ru.ac.za:',
      '  frequency        = "daily"',
      '  dst_ftp          = "ftp://ftp.rucus.ru.ac.za/pub/perl/CPAN/"',
      '  dst_http         = "http://ftp.rucus.ru.ac.za/pub/perl/CPAN/"',
      '',
      'cpan.linuxforum.net:',
      '  dst_ftp          = ""',
      '  dst_http         = "http://cpan.linuxforum.net/"',
      '  dst_rsync        = "cpan.linuxforum.net::CPAN"',
      '',
      '# dst_dst          = "http://cpan.linuxforum.net/"',
    ].join('\n')
    const list = parseMirrorList(text, {path: 'authors/id/X/XY/f.tar.gz'})
    expect(list.format).toBe('cpan-mirrored-by')
    expect(list.entries).toEqual([
      {url: 'ftp://ftp.rucus.ru.ac.za/pub/perl/CPAN/authors/id/X/XY/f.tar.gz', site: 'ftp.rucus.ru.ac.za'},
      {url: 'http://ftp.rucus.ru.ac.za/pub/perl/CPAN/authors/id/X/XY/f.tar.gz', site: 'ftp.rucus.ru.ac.za'},
      {url: 'http://cpan.linuxforum.net/authors/id/X/XY/f.tar.gz', site: 'cpan.linuxforum.net'},
    ])
  })

  it('refuses text in no format it reads (ELISTFORMAT), naming the formats it tried', () => {
    expect(() => parseMirrorList('site: a.example\nsomething else\n')).toThrow(
      expect.objectContaining({code: 'ELISTFORMAT', exitCode: 2, message: expect.stringContaining('Debian Mirrors.masterlist, Gentoo distfiles.xml, CPAN MIRRORED.BY')}),
    )
    expect(() => parseMirrorList('<html><body>mirrors</body></html>')).toThrow(expect.objectContaining({code: 'ELISTFORMAT'}))
  })

  it('says so when every pacman Server line is commented out, as in the list Arch ships', () => {
    const list = parseMirrorList('## Worldwide\n#Server = https://geo.mirror.pkgbuild.com/$repo/os/$arch\n#Server = http://mirror.rackspace.com/archlinux/$repo/os/$arch\n')
    expect(list.format).toBe('pacman')
    expect(list.entries).toEqual([])
    expect(list.notes.map((note) => note.message)).toEqual(['all 2 Server lines are commented out (uncomment the mirrors to use, as for pacman)'])
  })
})

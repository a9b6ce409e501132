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

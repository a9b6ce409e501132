import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/run-cli.js'

// The CLI on real published files, as a new user would type it (test/fixtures/real/README.md).
const fixtures = fileURLToPath(new URL('../fixtures/real/', import.meta.url))
let home: string

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mirrorkit-discover-real-'))
})

afterAll(async () => {
  await rm(home, {recursive: true, force: true})
})

const run = (args: string[]) => runCli(args, {cwd: fixtures, env: {XDG_CONFIG_HOME: home, XDG_DATA_HOME: home}, timeoutMs: 60_000})

describe('discover on real files', () => {
  it("the README's pacman recipe gives URLs ending in /core/os/x86_64/core.db exactly once", async () => {
    const result = await run(['discover', 'core.db', '-l', 'pacman-mirrorlist', '--var', 'repo=core', '--var', 'arch=x86_64', '--path', 'core/os/x86_64/core.db', '--format', 'mirrorlist'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const urls = result.stdout.split('\n').filter((line) => line && !line.startsWith('#'))
    expect(urls).toHaveLength(5)
    for (const url of urls) expect(url.match(/\/core\/os\/x86_64\/core\.db/g)).toEqual(['/core/os/x86_64/core.db'])
    expect(urls.every((url) => url.endsWith('/archlinux/core/os/x86_64/core.db'))).toBe(true)
  })

  it('reads ./file.meta4 as the target: MirrorBrain 12 mirrors, 28 piece hashes, priority order', async () => {
    const result = await run(['discover', './mirrorbrain-ccc-31c3.meta4', '--json'])
    expect(result.code).toBe(0)
    const set = JSON.parse(result.stdout)
    expect(set.target.size).toBe(577815354)
    expect(set.target.pieces.hashes).toHaveLength(28)
    expect(set.candidates).toHaveLength(12)
    expect(set.candidates[0].url).toBe('http://mirror.netcologne.de/CCC/congress/2014/h264-hd/31c3-6264-de-en-Wir_beteiligen_uns_aktiv_an_den_Diskussionen_hd.mp4')
  })

  it('a truncated metalink is one line on stderr and exit 2, whatever --json asks of stdout', async () => {
    for (const flags of [['--json'], ['--format', 'csv'], []]) {
      const result = await run(['discover', './librepo-metalink_really_bad_02.xml', ...flags])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^mirrorkit: \S*librepo-metalink_really_bad_02\.xml: not well-formed XML: line \d+, column \d+: unclosed tag: \w+ \(EXML\)\n$/)
    }
  })

  it('a list in no known format is one line on stderr naming the formats tried, exit 2; an empty result says why on stderr, exit 3', async () => {
    const odd = join(home, 'odd.txt')
    await writeFile(odd, 'not\na mirror list\n')
    const refused = await run(['discover', 'f.iso', '--source', 'list', '-l', odd, '--json'])
    expect(refused.code).toBe(2)
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(refused.stderr).toContain('(tried: one URL a line, pacman Server lines, JSON, Arch mirror status, Debian Mirrors.masterlist, Gentoo distfiles.xml, CPAN MIRRORED.BY) (ELISTFORMAT)')
    expect(JSON.parse(refused.stdout).error.code).toBe('ELISTFORMAT')
    const empty = await run(['discover', 'repomd.xml', '--source', 'metalink', '--metalink', 'librepo-metalink_really_bad_01.xml', '--json'])
    expect(empty.code).toBe(3)
    expect(empty.stderr).toMatch(/^mirrorkit: no candidate mirror found; first of 1 warning\(s\), metalink: \S+: no file named "repomd\.xml" \(ENOMIRROR\)\n$/)
  })
})

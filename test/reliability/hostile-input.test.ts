// Hostile documents, headers, lists and pages from remote sources: each is refused or reduced to something safe, never a path outside the output directory or a local file read.
import {existsSync, readdirSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pLimit from 'p-limit'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover, type DiscoverRequest} from '../../src/core/discovery/discover.js'
import type {MirrorSet} from '../../src/core/model.js'
import {TransportSet} from '../../src/core/transports.js'
import {builtinTransports} from '../../src/plugins/index.js'
import {makeContent, sha256Hex} from '../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../helpers/http-mirror.js'
import {errorCode, runCli, type CliResult} from '../helpers/run-cli.js'
import {startSearchEngineServer, type SearchEngineServer} from '../helpers/search-engine-server.js'

const NAME = 'f.bin'
const content = makeContent(64 * 1024, 7)
let mirror: HttpMirror
let engines: SearchEngineServer
let directory: string
let transports: TransportSet
let tried = 0

/** A metalink v4 document with one file. */
function metalink(name: string, urls: string[] = ['http://127.0.0.1:9/f.bin']): string {
  // Control characters as character references: XML turns a literal tab in an attribute into a space.
  const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/[\u0001-\u001f]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="${escaped}"><size>${content.length}</size>${urls.map((url) => `<url>${url.replace(/&/g, '&amp;')}</url>`).join('')}</file></metalink>`
}

const signal = () => AbortSignal.timeout(20_000)
const run = (request: Partial<DiscoverRequest> & {argument: string}): Promise<MirrorSet> => {
  tried++
  return discover({transports, timeoutMs: 10_000, ...request}, {signal: signal()})
}
const codes = (set: MirrorSet) => (set.warnings ?? []).map((warning) => warning.code)
const urls = (set: MirrorSet) => set.candidates.map((candidate) => candidate.url)

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-hostile-'))
  // A local metalink a hostile header points at: if its URL ever shows up, mirrorkit read a local file for a remote.
  await writeFile(join(directory, 'local.meta4'), metalink(NAME, ['http://local-file-was-read.invalid/f.bin']))
  mirror = await startHttpMirror({files: {[`/${NAME}`]: content, '/listing.html': 'placeholder'}})
  engines = await startSearchEngineServer()
  transports = new TransportSet({}, builtinTransports)
})

afterAll(async () => {
  await transports?.close()
  await engines?.close()
  await mirror?.close()
  await rm(directory, {recursive: true, force: true})
  process.stdout.write(`hostile inputs tried: ${tried} (documents, headers, pages, lists, arguments and output paths)\n`)
})

describe('metalink file names that would escape the output directory are refused', () => {
  const unsafe: Array<[string, string]> = [
    ['../../etc/passwd', 'contains a ".." segment'],
    ['a/../../b', 'contains a ".." segment'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:\\Windows\\win.ini', 'contains a backslash'],
    ['C:/Windows/win.ini', 'starts with a drive letter'],
    ['..\\..\\evil.exe', 'contains a backslash'],
    ['\\\\server\\share\\x', 'contains a backslash'],
    ['dir//x', 'contains an empty or "." segment'],
    ['./x', 'contains an empty or "." segment'],
    ['tab\tname', 'contains control characters'],
    ['x'.repeat(1025), 'is longer than 1024 characters'],
  ]
  it.each(unsafe)('%# %s', async (name, reason) => {
    mirror.setFaults({}, `/m-${tried}.meta4`)
    const path = join(directory, `unsafe-${tried}.meta4`)
    await writeFile(path, metalink(name, [`${mirror.url}${NAME}`]))
    const set = await run({argument: NAME, sources: ['metalink'], metalinks: [path]})
    expect(set.candidates).toEqual([])
    expect(set.target.name).toBe(NAME)
    const warning = set.warnings?.find((entry) => entry.code === 'EUNSAFENAME')
    expect(warning?.message).toContain(`rejected: ${reason}`)
  })

  it('keeps a safe nested name but uses only its last segment as the target name', async () => {
    const path = join(directory, 'nested.meta4')
    await writeFile(path, metalink(`pub/sub/${NAME}`, [`${mirror.url}${NAME}`]))
    const set = await run({argument: NAME, sources: ['metalink'], metalinks: [path]})
    expect(set.target.name).toBe(NAME)
    expect(urls(set)).toEqual([`${mirror.url}${NAME}`])
  })
})

describe('metalink documents built to exhaust or trick the parser are refused with a code', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="&lol3;"><url>http://x.invalid/f.bin</url></file></metalink>`
  const external = `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="${NAME}"><url>http://x.invalid/&xxe;</url></file></metalink>`
  const parameter = `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><metalink xmlns="urn:ietf:params:xml:ns:metalink"/>`
  const lowercase = `<?xml version="1.0"?><!doctype m><metalink xmlns="urn:ietf:params:xml:ns:metalink"/>`
  const deep = `<metalink xmlns="urn:ietf:params:xml:ns:metalink">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</metalink>`
  const wide = `<metalink xmlns="urn:ietf:params:xml:ns:metalink">${'<b/>'.repeat(250_000)}</metalink>`
  const huge = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><!-- ${'x'.repeat(5 * 1024 * 1024)} --></metalink>`
  const notXml = '\u0000\u0001binary garbage <<<>>> &&& ]]>'
  const cases: Array<[string, string, string]> = [
    ['billion laughs', 'EXMLENTITY', laughs],
    ['external entity to /etc/passwd', 'EXMLENTITY', external],
    ['parameter entity to a remote DTD', 'EXMLENTITY', parameter],
    // Not a DTD at all to an XML parser (the keyword is case-sensitive): refused as not well-formed.
    ['lower-case doctype', 'EXML', lowercase],
    ['5000 levels deep', 'EXMLDEPTH', deep],
    ['250000 elements', 'EXMLCOUNT', wide],
    ['5 MiB', 'ETOOLARGE', huge],
    ['not XML at all', 'EXML', notXml],
  ]
  it.each(cases)('%s -> %s', async (_label, code, text) => {
    const path = join(directory, `doc-${tried}.meta4`)
    await writeFile(path, text)
    const started = Date.now()
    // A metalink the user named fails the run with its code: no set at all, never a partial one.
    await expect(run({argument: NAME, sources: ['metalink'], metalinks: [path]})).rejects.toMatchObject({code, exitCode: 2})
    // Refused while parsing: no expansion, no network, no local read, and quickly.
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('URLs inside remote documents that are not downloadable mirrors are dropped', () => {
  it('a metalink listing javascript:, data:, file: and credentialed URLs keeps only the real mirrors, redacted', async () => {
    const path = join(directory, 'schemes.meta4')
    const listed = ['javascript:alert(1)//f.bin', 'data:text/plain,f.bin', 'file:///etc/passwd', 'file:///C:/Windows/win.ini', 'vbscript:msgbox', `http://user:secretpw@127.0.0.1:9/${NAME}`, `${mirror.url}${NAME}`]
    await writeFile(path, metalink(NAME, listed))
    const set = await run({argument: NAME, sources: ['metalink'], metalinks: [path]})
    expect(urls(set)).toEqual([`http://user:***@127.0.0.1:9/${NAME}`, `${mirror.url}${NAME}`])
    expect(set.warnings).toEqual([{source: 'metalink', code: 'ESCHEME', message: 'dropped 5 URL(s) with unsupported schemes (javascript: 1, data: 1, file: 2, vbscript: 1)'}])
  })

  it('a mirror list with file:, javascript:, data:, pacman Server = file:// and junk lines keeps only the real mirrors', async () => {
    const path = join(directory, 'list.txt')
    const junk = Array.from({length: 20_000}, (_, index) => `not a url ${index} \u0000\u0007`).join('\n')
    await writeFile(path, [`${mirror.url}${NAME}`, 'file:///etc/passwd', 'javascript:alert(1)', 'data:,x', 'Server = file:///var/cache/$repo', 'ftp://anonymous:secretpw@127.0.0.1:9/f.bin', junk].join('\n'))
    const set = await run({argument: `${mirror.url}${NAME}`, sources: ['list'], lists: [path]})
    expect(urls(set)).toEqual([`${mirror.url}${NAME}`, 'ftp://anonymous:***@127.0.0.1:9/f.bin'])
    // The junk lines are not URLs: counted in one ELIST note rather than offered to the collector.
    expect(codes(set).sort()).toEqual(['ELIST', 'ESCHEME', 'EVARIABLE'])
    // The pacman line keeps its unresolved $repo, so it is skipped (EVARIABLE) before its scheme is even looked at.
    expect(set.warnings?.find((warning) => warning.code === 'ESCHEME')?.message).toBe('dropped 3 URL(s) with unsupported schemes (file: 1, javascript: 1, data: 1)')
  })

  it('Link headers naming file:, javascript: and data: duplicates are dropped, and a describedby file: metalink is never read', async () => {
    const links = [
      '<file:///etc/passwd>; rel=duplicate',
      '<javascript:alert(1)>; rel=duplicate',
      '<data:,x>; rel=duplicate',
      `<file://${join(directory, 'local.meta4')}>; rel=describedby; type="application/metalink4+xml"`,
      `<${mirror.url}${NAME}?copy>; rel=duplicate; pri=1`,
    ]
    mirror.setFaults({headers: {link: links.join(', ')}}, `/${NAME}`)
    try {
      const set = await run({argument: `${mirror.url}${NAME}`, sources: ['headers']})
      expect(urls(set)).toEqual([`${mirror.url}${NAME}`, `${mirror.url}${NAME}?copy`])
      expect(JSON.stringify(set)).not.toContain('local-file-was-read')
    } finally {
      mirror.setFaults({}, `/${NAME}`)
    }
  })
})

describe('oversized and malformed headers from the primary', () => {
  const withHeaders = async (headers: Record<string, string>) => {
    mirror.setFaults({headers}, `/${NAME}`)
    try {
      return await run({argument: `${mirror.url}${NAME}`, sources: ['headers']})
    } finally {
      mirror.setFaults({}, `/${NAME}`)
    }
  }

  it('a 100 KiB Link header is refused by the HTTP client: a warning, the primary alone, no crash', async () => {
    const links = Array.from({length: 2000}, (_, index) => `<http://mirror-${index}.invalid/${NAME}>; rel=duplicate`).join(', ')
    const set = await withHeaders({link: links})
    expect(urls(set)).toEqual([`${mirror.url}${NAME}`])
    expect(set.warnings?.map((warning) => warning.source)).toContain('primary')
  })

  it('Link headers that fit are all read, and malformed parts are counted, not trusted', async () => {
    const good = Array.from({length: 50}, (_, index) => `<http://mirror-${index}.invalid/${NAME}>; rel=duplicate; pri=${index + 1}`)
    const set = await withHeaders({link: [...good, '<unterminated; rel=duplicate', 'no-brackets; rel=duplicate', '<http://x.invalid/f.bin>; rel="duplicate; pri=0'].join(', ')})
    expect(urls(set).length).toBeLessThanOrEqual(1 + 50 + 1)
    expect(urls(set).slice(0, 3)).toEqual([`${mirror.url}${NAME}`, `http://mirror-0.invalid/${NAME}`, `http://mirror-1.invalid/${NAME}`])
  })

  it('Digest and Repr-Digest values that are not valid digests give no checksum', async () => {
    const set = await withHeaders({
      digest: `SHA-256=!!!not-base64!!!, SHA-256=${'A'.repeat(8000)}, MD5=, unknown=abc`,
      'repr-digest': `sha-256=:${'B'.repeat(100)}:, sha-512=:short:, sha-256=notcolon`,
    })
    expect(set.target.checksums).toEqual([])
  })
})

describe('Content-Disposition names from the server are reduced to one safe segment', () => {
  const cases: Array<[string, string]> = [
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ["attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys", 'authorized_keys'],
    ['attachment; filename="..\\\\..\\\\boot.ini"', 'boot.ini'],
    ['attachment; filename="/etc/shadow"', 'shadow'],
    ["attachment; filename*=UTF-8''evil%00.sh%0Aname", 'evil.shname'],
    ['attachment; filename=".bashrc"', 'bashrc'],
    ['attachment; filename=".."', NAME],
    ['attachment; filename="' + 'a'.repeat(10_000) + '.iso"', 'a'.repeat(255)],
  ]
  it.each(cases)('%# %s', async (header, expected) => {
    mirror.setFaults({headers: {'content-disposition': header}}, `/${NAME}`)
    try {
      const set = await run({argument: `${mirror.url}${NAME}`, sources: ['headers']})
      expect(set.target.name).toBe(expected)
    } finally {
      mirror.setFaults({}, `/${NAME}`)
    }
  })
})

describe('search result pages and directory listings', () => {
  const hostile = [
    {url: 'javascript:alert(1)//f.bin', title: 'x'},
    {url: 'file:///srv/f.bin', title: 'x'},
    {url: 'data:text/html,<script>//f.bin', title: 'x'},
  ]
  it('drops javascript:, file: and data: results on every engine and keeps the real one', async () => {
    engines.set({results: [...hostile, {url: `${mirror.url}${NAME}`, title: NAME}]})
    const set = await run({argument: NAME, sources: ['search'], engineBases: engines.bases})
    expect(urls(set)).toEqual([`${mirror.url}${NAME}`])
    expect(set.warnings?.find((warning) => warning.code === 'ESCHEME')?.message).toMatch(/^dropped \d+ URL\(s\) with unsupported schemes \(javascript: \d+, file: \d+, data: \d+\)$/)
  })

  it('a page over the size limit is a warning, not a failure and not a memory blow-up', async () => {
    engines.set({body: `<html>${'<a href="http://x.invalid/f.bin">f.bin</a>'.repeat(120_000)}</html>`}, 'duckduckgo')
    try {
      const set = await run({argument: NAME, sources: ['search'], engineBases: {duckduckgo: engines.bases.duckduckgo!}, selectedEngines: ['duckduckgo']})
      expect(set.candidates).toEqual([])
      expect(set.warnings?.find((warning) => warning.code === 'EENGINE')?.message).toMatch(/larger than \d+ bytes/)
    } finally {
      engines.set({results: []}, 'duckduckgo')
    }
  })

  it('malformed markup yields nothing and a warning', async () => {
    engines.set({body: '<html><a href="<<<"><div class="result__a" href=javascript:1>>></a></p></html'}, 'duckduckgo')
    try {
      const set = await run({argument: NAME, sources: ['search'], engineBases: {duckduckgo: engines.bases.duckduckgo!}, selectedEngines: ['duckduckgo']})
      expect(set.candidates).toEqual([])
      expect(set.warnings?.length).toBeGreaterThan(0)
    } finally {
      engines.set({results: []}, 'duckduckgo')
    }
  })

  it('a hostile directory listing gives only its http link to the file, never file:, javascript: or a credentialed link, and reads no further', async () => {
    const links = ['file:///srv/f.bin', 'javascript:void(0)//f.bin', 'data:,/f.bin', `http://user:secretpw@127.0.0.1:9/${NAME}`, `${mirror.url}deeper/`, `${mirror.url}${NAME}`]
    const html = `<html><title>Index of /</title>${links.map((link) => `<a href="${link}">${NAME}</a>`).join('\n')}${'<a href="junk">j</a>'.repeat(6000)}</html>`
    mirror.setFaults({headers: {'content-type': 'text/html'}}, '/listing.html')
    const listing = await startHttpMirror({files: {'/index.html': html}})
    try {
      engines.set({results: [{url: `${listing.url}index.html`, title: 'Index of /pub'}]}, 'duckduckgo')
      const set = await run({argument: NAME, sources: ['search'], engineBases: {duckduckgo: engines.bases.duckduckgo!}, selectedEngines: ['duckduckgo']})
      expect(urls(set)).toEqual([`http://user:***@127.0.0.1:9/${NAME}`, `${mirror.url}${NAME}`])
      // Depth 1: the "deeper/" folder is never fetched.
      expect(listing.stats.requests).toBeLessThanOrEqual(2)
    } finally {
      await listing.close()
      engines.set({results: []}, 'duckduckgo')
    }
  })
})

describe('command-line arguments', () => {
  const cases: Array<[string, string]> = [
    ['../../etc/passwd', 'EUSAGE'],
    ['/etc/passwd', 'EUSAGE'],
    ['', 'EUSAGE'],
    ['javascript://alert(1)', 'ESCHEME'],
  ]
  it.each(cases)('discover %j -> %s', async (argument, code) => {
    const error = await run({argument}).then(() => undefined, (thrown: unknown) => thrown as {code?: string})
    expect(error?.code).toBe(code)
  })
})

describe('output paths and names from the server, through the real CLI', () => {
  const cliResults = new Map<string, CliResult>()
  let work: string
  let server: HttpMirror
  const names = {
    contentDisposition: 'attachment; filename="../../../etc/passwd"',
    extended: "attachment; filename*=UTF-8''..%2F..%2Fescape.bin",
  }

  beforeAll(async () => {
    work = join(directory, 'cli')
    await mkdir(join(work, 'downloads'), {recursive: true})
    await mkdir(join(work, 'existing-dir'), {recursive: true})
    server = await startHttpMirror({
      files: {[`/${NAME}`]: content, '/cd/a.bin': content, '/cd/b.bin': content, '/../../encoded.bin': content},
      perPath: {'/cd/a.bin': {headers: {'content-disposition': names.contentDisposition}}, '/cd/b.bin': {headers: {'content-disposition': names.extended}}},
    })
    const setFile = join(work, 'set.json')
    await writeFile(setFile, JSON.stringify({version: 1, target: {name: '../../set-escape.bin', checksums: []}, candidates: [{url: `${server.url}${NAME}`, foundBy: ['metalink']}]}))
    const runs: Record<string, string[]> = {
      'missing directory': ['fetch', `${server.url}${NAME}`, '-o', join(work, 'missing', 'sub', 'out.bin')],
      'existing directory': ['fetch', `${server.url}${NAME}`, '-o', join(work, 'existing-dir')],
      'content-disposition traversal': ['fetch', `${server.url}cd/a.bin`, '--dir', join(work, 'downloads')],
      'content-disposition encoded traversal': ['fetch', `${server.url}cd/b.bin`, '--dir', join(work, 'downloads')],
      'encoded traversal in the URL path': ['fetch', `${server.url}..%2F..%2Fencoded.bin`, '--dir', join(work, 'downloads')],
      'MirrorSet target name with traversal': ['fetch', '--input', setFile, '--dir', join(work, 'downloads')],
      'javascript: URL': ['fetch', 'javascript:alert(1)', '--dir', join(work, 'downloads')],
    }
    const limit = pLimit(3)
    await Promise.all(Object.entries(runs).map(([name, args]) => limit(async () => {
      tried++
      cliResults.set(name, await runCli(args, {cwd: work, timeoutMs: 120_000}))
    })))
  }, 600_000)

  afterAll(async () => {
    await server?.close()
  })

  const run = (name: string) => cliResults.get(name)!
  const everything = () => readdirSync(work, {recursive: true}).map(String).sort()

  it('-o into a missing directory fails with EDISK (exit 6) and creates nothing', () => {
    const result = run('missing directory')
    expect(result.code, result.stderr).toBe(6)
    expect(errorCode(result)).toBe('EDISK')
    expect(existsSync(join(work, 'missing'))).toBe(false)
  })

  it('-o onto an existing directory saves into it under the target name and leaves no .part beside it', async () => {
    const result = run('existing directory')
    expect(result.code, result.stderr).toBe(0)
    expect(sha256Hex(await readFile(join(work, 'existing-dir', NAME)))).toBe(sha256Hex(content))
    expect(existsSync(join(work, 'existing-dir.part'))).toBe(false)
  })

  it('names from Content-Disposition, the URL path and a MirrorSet land inside --dir as one safe segment', async () => {
    for (const name of ['content-disposition traversal', 'content-disposition encoded traversal', 'encoded traversal in the URL path', 'MirrorSet target name with traversal']) {
      expect(run(name).code, `${name}: ${run(name).stderr}`).toBe(0)
    }
    expect(readdirSync(join(work, 'downloads')).sort()).toEqual(['encoded.bin', 'escape.bin', 'passwd', 'set-escape.bin'])
    for (const file of readdirSync(join(work, 'downloads'))) expect(sha256Hex(await readFile(join(work, 'downloads', file)))).toBe(sha256Hex(content))
    // Nothing was written outside the chosen directories.
    expect(existsSync(join(directory, 'passwd'))).toBe(false)
    expect(existsSync(join(directory, 'escape.bin'))).toBe(false)
    expect(existsSync(join(directory, 'set-escape.bin'))).toBe(false)
    expect(everything().filter((path) => !path.startsWith('downloads') && !path.startsWith('existing-dir') && path !== 'set.json')).toEqual([])
  })

  it('a javascript: URL is refused as an unsupported scheme (exit 2)', () => {
    const result = run('javascript: URL')
    expect(result.code, result.stderr).toBe(2)
    expect(['ESCHEME', 'EURL']).toContain(errorCode(result))
  })
})

// runDemo in-process with --keep: the downloaded file, the demo's own key and known_hosts stay for inspection; ~/.ssh is never used.
import {stat, readFile, rm} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {DEMO_FILE_NAME, runDemo} from '../../../src/core/demo/run-demo.js'
import {sha256Hex} from '../../helpers/content.js'

describe('runDemo', () => {
  it('keeps its directory when asked, with the file, a private key only the user can read, and a known_hosts of its own', async () => {
    const result = await runDemo({size: 2 * 1024 * 1024, keep: true}, {signal: AbortSignal.timeout(60_000)})
    try {
      expect(result.matched).toBe(true)
      expect(result.kept).toBe(true)
      expect(sha256Hex(await readFile(join(result.directory, DEMO_FILE_NAME)))).toBe(result.expectedSha256)
      expect((await stat(join(result.directory, 'id_ed25519'))).mode & 0o777).toBe(0o600)
      expect(await readFile(join(result.directory, 'known_hosts'), 'utf8')).toMatch(/^\[127\.0\.0\.1\]:\d+ ssh-ed25519 /)
      expect(result.directory.startsWith(join(homedir(), '.ssh'))).toBe(false)
      const sftp = result.report.fetch.mirrors.find((mirror) => mirror.url.startsWith('sftp://'))
      expect(sftp, 'the sftp mirror took part, authenticated with the demo key').toBeDefined()
      expect(sftp?.lastError).toBeUndefined()
    } finally {
      await rm(result.directory, {recursive: true, force: true})
    }
  }, 90_000)
})

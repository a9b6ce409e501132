// `mirrorkit demo` as a library call: make a file, start local mirrors, run the whole pipeline against them, check the result, clean up.
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hashFile} from '../hashing.js'
import {makeContent, sha256Hex} from '../../mirrors/content.js'
import {pipelineDefaults, runPipeline, type PipelineHooks, type PipelineReport} from '../pipeline.js'
import {startDemoMirrors, type DemoMirror} from './demo-mirrors.js'

export type DemoOptions = {
  /** File size in bytes. Default 32 MiB. */
  size?: number
  /** Keep the temporary directory (file, keys, known_hosts) instead of removing it. */
  keep?: boolean
  /** Directory in which the temporary directory is made. Default: the OS temp dir. */
  parent?: string
}

export type DemoResult = {
  directory: string
  kept: boolean
  output: string
  mirrors: DemoMirror[]
  expectedSha256: string
  actualSha256: string
  matched: boolean
  report: PipelineReport
  durationMs: number
}

export const DEMO_FILE_NAME = 'mirrorkit-demo.bin'

export async function runDemo(options: DemoOptions, hooks: PipelineHooks & {onReady?: (mirrors: DemoMirror[], directory: string) => void}): Promise<DemoResult> {
  const started = performance.now()
  const directory = await mkdtemp(join(options.parent ?? tmpdir(), 'mirrorkit-demo-'))
  const keep = options.keep ?? false
  try {
    const content = makeContent(options.size ?? 32 * 1024 * 1024, 7)
    const expectedSha256 = sha256Hex(content)
    const verifySamples = {samples: pipelineDefaults.verify.samples, seed: 1}
    const mirrors = await startDemoMirrors({name: DEMO_FILE_NAME, content, sha256: expectedSha256, directory, verifySamples})
    try {
      hooks.onReady?.(mirrors.mirrors, directory)
      const output = join(directory, DEMO_FILE_NAME)
      const report = await runPipeline(
        {
          argument: mirrors.primaryUrl,
          output,
          // The demo's own key and known_hosts: ~/.ssh is never read or written.
          transportOptions: {knownHosts: mirrors.knownHostsPath, identity: mirrors.identityPath},
          discover: {sources: ['headers', 'neighbours', 'search'], engines: [mirrors.engine], selectedEngines: [mirrors.engine.name], timeoutMs: 10_000},
          verify: {seed: verifySamples.seed},
          // No historyPath: the demo's loopback speeds must not end up in the user's host history.
          rank: {throughput: {maxMs: 700}},
          fetch: {commandFile: false},
        },
        hooks,
      )
      const actualSha256 = await hashFile(output, 'sha256', hooks.signal)
      return {
        directory, kept: keep, output, mirrors: mirrors.mirrors, expectedSha256, actualSha256, matched: actualSha256 === expectedSha256, report,
        durationMs: Math.round(performance.now() - started),
      }
    } finally {
      await mirrors.close()
    }
  } finally {
    if (!keep) await rm(directory, {recursive: true, force: true})
  }
}

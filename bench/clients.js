// The command lines of the downloaders the benchmark compares: mirrorkit, aria2c (tuned and default), axel and curl.
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {projectDirectory} from './paths.js'

/**
 * Each client turns (urls, output file) into [command, args]. Only flags that make the runs comparable
 * (quiet output, overwrite, no renaming) are added to the "defaults" rows.
 */
export const clients = {
  // Run as an installed command runs (its shebang sets Node's heap flags), not as `node bin/run.cjs`.
  mirrorkit: {
    label: 'mirrorkit',
    command: path.join(projectDirectory, 'bin', 'run.cjs'),
    args: ({urls, output, extra = []}) => ['fetch', ...urls, '-o', output, ...extra],
  },
  /** Without the end-of-download cross-check (re-reading sample pieces from a second mirror): the transfer alone. */
  mirrorkitNoCheck: {
    label: 'mirrorkit --cross-check 0',
    command: path.join(projectDirectory, 'bin', 'run.cjs'),
    args: ({urls, output, extra = []}) => ['fetch', ...urls, '-o', output, '--cross-check', '0', ...extra],
  },
  aria2Tuned: {
    label: 'aria2c -s16 -x4 -k1M',
    command: 'aria2c',
    args: ({urls, output}) => [...aria2Common(output), '-s16', '-x4', '-k1M', '--file-allocation=none', ...urls],
  },
  aria2Defaults: {
    label: 'aria2c (defaults)',
    command: 'aria2c',
    args: ({urls, output}) => [...aria2Common(output), ...urls],
  },
  axel: {
    label: 'axel -n 16',
    command: 'axel',
    args: ({urls, output}) => ['-q', '-n', '16', '-o', output, ...urls],
  },
  curl: {
    label: 'curl -o',
    command: 'curl',
    args: ({urls, output}) => ['-sS', '--fail', '-o', output, urls[0]],
  },
}

function aria2Common(output) {
  return [
    '-d', path.dirname(output), '-o', path.basename(output),
    '--allow-overwrite=true', '--auto-file-renaming=false',
    '--console-log-level=warn', '--summary-interval=0', '--download-result=hide',
  ]
}

/** The installed version of a client, or undefined when it is missing (its rows are then skipped). */
export function clientVersion(name) {
  const client = clients[name]
  if (name.startsWith('mirrorkit')) return `node ${process.version}`
  try {
    const text = execFileSync(client.command, ['--version'], {stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000}).toString()
    return text.split('\n')[0].trim()
  } catch {
    return undefined
  }
}

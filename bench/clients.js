// The command lines of the downloaders the benchmark compares: mirrorkit, aria2c (tuned and default), axel and curl.
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {projectDirectory} from './paths.js'

/**
 * Each client turns (urls, output file, the test CA for HTTPS mirrors) into [command, args]. Only flags
 * that make the runs comparable (quiet output, overwrite, no renaming) are added to the "defaults"
 * rows. `protocols` are what the client can be given here: aria2c speaks SFTP only with a password,
 * and the benchmark's sshd takes keys only.
 */
export const clients = {
  // Run as an installed command runs (its shebang sets Node's heap flags), not as `node bin/run.cjs`.
  mirrorkit: {
    label: 'mirrorkit',
    command: path.join(projectDirectory, 'bin', 'run.cjs'),
    protocols: ['http', 'https', 'ftp', 'sftp'],
    args: ({urls, output, extra = [], caFile}) => ['fetch', ...urls, '-o', output, ...mirrorkitCa(caFile), ...extra],
  },
  /** Without the end-of-download cross-check (re-reading sample pieces from a second mirror): the transfer alone. */
  mirrorkitNoCheck: {
    label: 'mirrorkit --cross-check 0',
    command: path.join(projectDirectory, 'bin', 'run.cjs'),
    protocols: ['http', 'https', 'ftp', 'sftp'],
    args: ({urls, output, extra = [], caFile}) => ['fetch', ...urls, '-o', output, '--cross-check', '0', ...mirrorkitCa(caFile), ...extra],
  },
  /**
   * Another build of mirrorkit (a checkout whose `npm run build` is done, named by MIRRORKIT_BASE),
   * for an A/B against this one in the same run, the two taking turns: `MIRRORKIT_BASE=/tmp/main-build
   * npm run bench -- --clients mirrorkit,mirrorkitBase,aria2Tuned`. MIRRORKIT_BASE_ARGS adds arguments to
   * this client alone, so one build can be tried with and without a setting: MIRRORKIT_BASE=$PWD
   * MIRRORKIT_BASE_ARGS="--piece-size 256K".
   */
  mirrorkitBase: {
    label: `mirrorkit (base ${path.basename(process.env.MIRRORKIT_BASE ?? '')})`,
    command: path.join(process.env.MIRRORKIT_BASE ?? '/nonexistent', 'bin', 'run.cjs'),
    protocols: ['http', 'https', 'ftp', 'sftp'],
    args: ({urls, output, extra = [], caFile}) => ['fetch', ...urls, '-o', output, ...mirrorkitCa(caFile), ...extra, ...(process.env.MIRRORKIT_BASE_ARGS ?? '').split(/\s+/).filter(Boolean)],
  },
  aria2Tuned: {
    label: 'aria2c -s16 -x4 -k1M',
    command: 'aria2c',
    protocols: ['http', 'https', 'ftp'],
    args: ({urls, output, caFile, extra = []}) => [...aria2Common(output, caFile), '-s16', '-x4', '-k1M', '--file-allocation=none', ...extra, ...urls],
  },
  aria2Defaults: {
    label: 'aria2c (defaults)',
    command: 'aria2c',
    protocols: ['http', 'https', 'ftp'],
    args: ({urls, output, caFile, extra = []}) => [...aria2Common(output, caFile), ...extra, ...urls],
  },
  axel: {
    label: 'axel -n 16',
    command: 'axel',
    protocols: ['http', 'https', 'ftp'],
    // axel has no CA option, and with SSL_CERT_FILE it still fails the certificate's IP address
    // ("Hostname verification failed"), so on the HTTPS mirrors it skips the check (-k).
    args: ({urls, output, caFile}) => ['-q', '-n', '16', ...(caFile ? ['-k'] : []), '-o', output, ...urls],
  },
  curl: {
    label: 'curl -o',
    command: 'curl',
    protocols: ['http', 'https', 'ftp', 'sftp'],
    args: ({urls, output, caFile}) => ['-sS', '--fail', ...(caFile ? ['--cacert', caFile] : []), '-o', output, urls[0]],
  },
}

/** mirrorkit trusts the HTTPS mirrors' test CA the way aria2c does, with --ca-certificate. */
function mirrorkitCa(caFile) {
  return caFile ? ['--ca-certificate', caFile] : []
}

function aria2Common(output, caFile) {
  return [
    ...(caFile ? [`--ca-certificate=${caFile}`] : []),
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

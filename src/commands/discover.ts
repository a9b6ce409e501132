// `mirrorkit discover`: finds candidate mirrors of a file from metalinks, Link headers, neighbour files, mirror lists and search engines.
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {renderDiscoverTable} from '../cli/discover-table.js'
import {buildDiscoverRequest} from '../cli/discover-request.js'
import {loadUserConfig} from '../cli/user-config.js'
import {loadEngineFile} from '../core/config.js'
import {discoverEach} from '../core/batch/discover-each.js'
import {DISCOVERY_USER_AGENT} from '../core/discovery/user-agent.js'
import {ExitCode} from '../core/error-codes.js'
import {UsageError} from '../core/errors.js'
import {FILE_FORMATS, renderMirrorSet, type FileFormat} from '../core/formats/render-set.js'
import type {MirrorSet} from '../core/model.js'
import {writeFileAtomic} from '../core/write-atomic.js'
import {DEFAULTS} from '../core/defaults.js'
import {transportFlags} from '../cli/transport-flags.js'

const EXTENSION_FORMATS: Record<string, FileFormat> = {meta4: 'metalink', metalink: 'metalink', csv: 'csv', json: 'json', txt: 'mirrorlist', aria2: 'aria2'}

export default class Discover extends BaseCommand {
  static override description =
    'Find candidate mirrors of a file: metalinks, RFC 6249 Link headers and Digest of the primary, neighbour files (.meta4, SHA256SUMS), mirror lists, and (opt-in) search engines.'

  static override examples = [
    '<%= config.bin %> discover https://example.org/pub/f.iso',
    '<%= config.bin %> discover https://example.org/pub/f.iso --list mirrors.txt --format metalink -o f.meta4',
    '<%= config.bin %> discover ./f.meta4 --metalink-base https://example.org/pub/',
    "<%= config.bin %> discover 'https://mirrors.fedoraproject.org/metalink?repo=fedora-40&arch=x86_64'",
    '<%= config.bin %> discover core.db --list /etc/pacman.d/mirrorlist --var repo=core --var arch=x86_64 --path core/os/x86_64/core.db',
    '<%= config.bin %> discover debian-12.iso --source search --engine duckduckgo --size 658505728',
  ]

  static override args = {
    target: Args.string({
      description: 'The primary URL, a metalink (a .meta4/.metalink URL or file, or any URL answering with a metalink), or a bare file name (searched for).',
      required: true,
      ignoreStdin: true,
    }),
  }

  static override flags = {
    source: Flags.string({description: 'Sources to run (default: metalink, headers, neighbours, list for a URL; metalink, list, search for a name).', multiple: true, options: ['metalink', 'headers', 'neighbours', 'list', 'search']}),
    metalink: Flags.string({description: 'Metalink file or URL to read (repeatable).', multiple: true}),
    'metalink-base': Flags.string({description: 'Base URL for relative <url> values in a metalink read from a local file (one fetched from a URL uses its own).'}),
    list: Flags.string({
      char: 'l',
      description:
        'Mirror list file or URL, format recognised by content: URLs or base URLs, pacman Server lines, JSON, Arch mirror status, Debian Mirrors.masterlist, Gentoo distfiles.xml, CPAN MIRRORED.BY (repeatable; added to config: lists).',
      multiple: true,
    }),
    var: Flags.string({description: 'Value for a $variable in pacman lists (or ${CC} in a masterlist), as name=value (repeatable).', multiple: true}),
    path: Flags.string({description: 'Path appended to base URLs in lists (default: the primary URL\'s path, or the file name).'}),
    engine: Flags.string({description: 'Search engine to use (repeatable; default: all with a base URL). Turns search on for a URL too.', multiple: true}),
    'engine-file': Flags.string({description: 'JSON file of engine definitions, added to (or replacing) built-ins by name (repeatable).', multiple: true}),
    'engine-base': Flags.string({description: 'Base URL for an engine, as name=URL (repeatable).', multiple: true}),
    config: Flags.string({description: 'Config file (JSON with "engines" and "engineBases"); default: config.json in the mirrorkit config directory.', env: 'MIRRORKIT_CONFIG'}),
    size: Flags.integer({description: 'The file size in bytes, when known (used by size-exact search engines).', min: 0}),
    limit: Flags.integer({description: 'Most candidates to keep (the primary counts).', min: 1}),
    timeout: Flags.integer({description: `Seconds each source may run [config: sourceTimeout; default: ${DEFAULTS.sourceTimeoutSeconds}].`, min: 1}),
    format: Flags.string({description: 'Output format (default: table on a terminal, JSON otherwise, or from the -o extension).', options: ['table', ...FILE_FORMATS]}),
    output: Flags.string({char: 'o', description: 'Write the output to this file atomically instead of stdout.'}),
    ...transportFlags,
    select: Flags.string({description: 'For a metalink of several files: only these files, by name (repeatable; as aria2\'s --select-file).', multiple: true}),
  }

  async run(): Promise<MirrorSet | MirrorSet[]> {
    const {args, flags} = await this.parse(Discover)
    const config = await loadUserConfig(this.config.configDir, flags.config)
    const engineFiles = await Promise.all((flags['engine-file'] ?? []).map((file) => loadEngineFile(file, this.signal)))
    const sets = await discoverEach({...buildDiscoverRequest(args.target, flags, config, engineFiles.flat()), ...(flags.select ? {select: flags.select} : {})}, {signal: this.signal})
    if (sets.length > 1) return this.presentMany(sets, flags)
    const set = sets[0]!
    if (this.verbose) for (const warning of set.warnings ?? []) this.note(`warning (${warning.source}): ${warning.message}`)
    // Still printed: an empty set is a valid answer, but scripts need to tell it apart.
    if (set.candidates.length === 0) {
      const first = set.warnings?.[0]
      const why = first ? `; first of ${set.warnings!.length} warning(s), ${first.source}: ${first.message.replace(/\s+/g, ' ')}` : ''
      this.note(`mirrorkit: no candidate mirror found${why} (ENOMIRROR)`)
      process.exitCode = ExitCode.noMirror
    }
    const extension = flags.output?.split('.').pop()?.toLowerCase() ?? ''
    const format = (flags.format ?? (flags.output ? (EXTENSION_FORMATS[extension] ?? 'json') : undefined)) as FileFormat | 'table' | undefined
    if (flags.output) {
      const text = format === 'table' ? renderDiscoverTable(set) + '\n' : renderMirrorSet(set, format ?? 'json', DISCOVERY_USER_AGENT)
      await writeFileAtomic(flags.output, text, {signal: this.signal})
      this.note(`wrote ${set.candidates.length} candidate(s) to ${flags.output}`)
      return set
    }
    if (format === undefined || this.jsonEnabled()) return this.present(set, () => renderDiscoverTable(set))
    process.stdout.write(format === 'table' ? renderDiscoverTable(set) + '\n' : renderMirrorSet(set, format, DISCOVERY_USER_AGENT))
    return set
  }

  /** A metalink of several files: a MirrorSet per file, as JSON lines (or an aria2 input file, or tables). */
  private async presentMany(sets: MirrorSet[], flags: {format?: string; output?: string}): Promise<MirrorSet[]> {
    if (sets.some((set) => set.candidates.length === 0)) process.exitCode = ExitCode.noMirror
    const extension = flags.output?.split('.').pop()?.toLowerCase() ?? ''
    const format = flags.format ?? (flags.output ? (EXTENSION_FORMATS[extension] ?? 'json') : undefined)
    if (format !== undefined && !['json', 'aria2', 'table'].includes(format)) {
      throw new UsageError(`the metalink describes ${sets.length} files; --format ${format} holds one (use json for JSON lines, aria2, or table)`)
    }
    const text = () =>
      format === 'aria2' ? sets.map((set) => renderMirrorSet(set, 'aria2', DISCOVERY_USER_AGENT)).join('') : format === 'table' ? sets.map(renderDiscoverTable).join('\n\n') + '\n' : sets.map((set) => JSON.stringify(set) + '\n').join('')
    if (flags.output) {
      await writeFileAtomic(flags.output, text(), {signal: this.signal})
      this.note(`wrote ${sets.length} MirrorSets to ${flags.output}`)
      return sets
    }
    if (format === undefined || this.jsonEnabled()) return this.presentSets(sets, renderDiscoverTable)
    process.stdout.write(text())
    return sets
  }
}

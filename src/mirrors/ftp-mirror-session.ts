// One control connection of the local FTP mirror: parses commands, answers them, and runs passive-mode transfers.
import type {Socket} from 'node:net'
import {servedPath} from './ftp-mirror-faults.js'
import {digestReply, featureLines, HASH_ALGORITHMS} from './ftp-mirror-digests.js'
import {factTime, listingOf, listLines, mlsdLines, mlstReply} from './ftp-mirror-listing.js'
import {openPassive} from './ftp-mirror-passive.js'
import type {FtpServerState} from './ftp-mirror-state.js'
import {sendFile} from './ftp-mirror-transfer.js'

const OPEN_BEFORE_LOGIN = new Set(['USER', 'PASS', 'QUIT', 'FEAT', 'SYST', 'OPTS', 'NOOP', 'AUTH'])

export class FtpSession {
  private buffer = ''
  private loggedIn = false
  private userName = ''
  private restOffset = 0
  private hashName = 'SHA-256'
  private passive?: Promise<Socket>
  private transfer?: {controller: AbortController; socket?: Socket}
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly control: Socket,
    private readonly state: FtpServerState,
  ) {
    control.setEncoding('utf8')
    control.on('data', (text: string) => this.receive(text))
    control.on('error', () => {})
    control.on('close', () => this.transfer?.controller.abort())
    this.reply('220 mirrorkit test FTP server ready')
  }

  private receive(text: string): void {
    this.buffer += text
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '')
      this.buffer = this.buffer.slice(newline + 1)
      const verb = /^\S*/.exec(line)?.[0].toUpperCase() ?? ''
      this.state.stats.commands[verb] = (this.state.stats.commands[verb] ?? 0) + 1
      // ABOR must interrupt a running transfer, so it skips the queue.
      if (verb === 'ABOR') this.abort()
      else this.queue = this.queue.then(() => this.handle(line)).catch(() => this.reply('451 Local error'))
    }
  }

  private reply(text: string): void {
    if (!this.control.destroyed) this.control.write(`${text}\r\n`)
  }

  private file(path: string): Buffer | undefined {
    const name = servedPath(path)
    if (this.state.faults.reply550?.some((missing) => servedPath(missing) === name)) return undefined
    return this.state.files.get(name)
  }

  private async handle(line: string): Promise<void> {
    const space = line.indexOf(' ')
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase()
    const argument = space < 0 ? '' : line.slice(space + 1)
    if (!this.loggedIn && !OPEN_BEFORE_LOGIN.has(verb)) return this.reply('530 Please login with USER and PASS')
    const {faults} = this.state
    switch (verb) {
      case 'USER':
        if (faults.reply421) {
          this.reply('421 Too many connections, try again later')
          this.control.end()
          return
        }
        this.userName = argument
        return this.reply('331 Please specify the password')
      case 'PASS':
        if (this.state.user !== undefined && (this.userName !== this.state.user || argument !== this.state.password)) {
          return this.reply('530 Login incorrect')
        }
        this.loggedIn = true
        return this.reply('230 Login successful')
      case 'AUTH':
        return this.reply('502 TLS not available')
      case 'SYST':
        return this.reply('215 UNIX Type: L8')
      case 'FEAT':
        return this.reply(`211-Features:\r\n${featureLines(faults, this.hashName).map((line) => ` ${line}\r\n`).join('')}211 End`)
      case 'OPTS': {
        const [option, value = ''] = argument.split(' ')
        if (option?.toUpperCase() !== 'HASH') return this.reply('200 OK')
        if (!HASH_ALGORITHMS[value.toUpperCase()]) return this.reply('501 Unknown algorithm')
        this.hashName = value.toUpperCase()
        return this.reply(`200 ${this.hashName}`)
      }
      case 'TYPE':
      case 'STRU':
      case 'MODE':
      case 'NOOP':
        return this.reply('200 OK')
      case 'PWD':
        return this.reply('257 "/" is the current directory')
      case 'CWD':
        return this.reply(servedPath(argument) === '/' ? '250 OK' : '550 No such directory')
      case 'SIZE': {
        if (faults.noSize) return this.reply('502 Command not implemented')
        const content = this.file(argument)
        return this.reply(content ? `213 ${faults.size ?? content.length}` : '550 No such file')
      }
      case 'MDTM':
        if (faults.noMdtm) return this.reply('502 Command not implemented')
        return this.reply(this.file(argument) ? `213 ${factTime(this.state.modifiedAt)}` : '550 No such file')
      case 'MLST':
        return this.reply(faults.mlst ? mlstReply(listingOf(this.state), argument) : '502 Command not implemented')
      case 'XSHA256':
      case 'XSHA1':
      case 'XMD5':
      case 'HASH':
        return this.reply(digestReply(verb, argument, this.file(argument), faults.digests ?? 'hash', this.hashName))
      case 'REST':
        if (faults.noRest) return this.reply('502 REST not implemented')
        this.restOffset = Number.parseInt(argument, 10) || 0
        return this.reply(`350 Restarting at ${this.restOffset}`)
      case 'PASV':
      case 'EPSV': {
        const port = await this.listenPassive()
        return this.reply(
          verb === 'EPSV'
            ? `229 Entering Extended Passive Mode (|||${port}|)`
            : `227 Entering Passive Mode (127,0,0,1,${port >> 8},${port & 0xff})`,
        )
      }
      case 'RETR':
        return this.retrieve(argument)
      case 'LIST':
      case 'NLST':
      case 'MLSD':
        if (verb === 'MLSD' && !faults.mlst) return this.reply('502 Command not implemented')
        return this.list(verb, argument)
      case 'QUIT':
        this.reply('221 Goodbye')
        this.control.end()
        return
      default:
        return this.reply('502 Command not implemented')
    }
  }

  private async listenPassive(): Promise<number> {
    const {port, socket} = await openPassive(this.state)
    this.passive = socket
    return port
  }

  private async dataSocket(): Promise<Socket | undefined> {
    const passive = this.passive
    this.passive = undefined
    if (!passive) {
      this.reply('425 Use PASV or EPSV first')
      return undefined
    }
    return passive
  }

  private async retrieve(path: string): Promise<void> {
    const offset = this.restOffset
    this.restOffset = 0
    const content = this.file(path)
    if (!content) return this.reply('550 No such file')
    const socketPromise = this.dataSocket()
    this.reply('150 Opening BINARY mode data connection')
    const socket = await socketPromise
    if (!socket) return
    const controller = new AbortController()
    this.transfer = {controller, socket}
    this.state.stats.transfers++
    const {stats, throttle, faults} = this.state
    const outcome = await sendFile({socket, content, offset, faults, throttle, signal: controller.signal, onBytes: (count) => (stats.bytesSent += count)})
    this.transfer = undefined
    if (controller.signal.aborted) return
    if (outcome === 'complete') this.reply('226 Transfer complete')
    else if (!faults.silentAfterClose) this.reply('426 Connection closed; transfer aborted')
  }

  private async list(verb: 'LIST' | 'NLST' | 'MLSD', argument: string): Promise<void> {
    const listing = listingOf(this.state)
    const answer = verb === 'MLSD' ? mlsdLines(listing, argument) : {lines: listLines(listing, verb, argument)}
    if ('reply' in answer) {
      // Refused before any transfer: the data connection the client opened is closed unused.
      void this.passive?.then((socket) => socket.destroy())
      this.passive = undefined
      return this.reply(answer.reply)
    }
    const socket = await this.dataSocket()
    if (!socket) return
    this.reply('150 Here comes the directory listing')
    socket.end(answer.lines.map((line) => `${line}\r\n`).join(''), () => this.reply('226 Directory send OK'))
  }

  private abort(): void {
    const transfer = this.transfer
    if (!transfer) return this.reply('225 No transfer to abort')
    this.state.stats.aborts++
    transfer.controller.abort()
    transfer.socket?.destroy()
    this.reply('426 Transfer aborted')
    this.reply('226 ABOR successful')
  }
}

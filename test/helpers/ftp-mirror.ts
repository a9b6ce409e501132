// Test access to the local FTP mirror server.
export {startFtpMirror, type FtpFaults, type FtpMirror, type FtpMirrorOptions, type FtpMirrorStats} from '../../src/mirrors/ftp-mirror.js'

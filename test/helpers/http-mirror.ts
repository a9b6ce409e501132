// Test access to the local HTTP mirror and the shared throttle.
export {startHttpMirror, type HttpFaults, type HttpMirror} from '../../src/mirrors/http-mirror.js'
export {Throttle} from '../../src/mirrors/throttle.js'

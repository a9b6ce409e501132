// Types for importing undici's Agent by its file: the same class `undici` exports, without loading fetch, WebSocket, caches and mocks.
declare module 'undici/lib/dispatcher/agent.js' {
  import {Agent} from 'undici'
  export default Agent
}

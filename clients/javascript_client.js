/**
 * JavaScript client for the interview integrity service (ES module, browsers and Node 20).
 *
 *   const client = new InterviewClient('http://localhost:8000');
 *   const sessionId = await client.startSession('candidate_123');
 *   const result = await client.analyzeFrameFromCanvas(sessionId, canvas);
 *   await client.sendAudio(sessionId, wavBytes, { timestamp: 0 });   // a 16-bit PCM WAV, 0.1-10 s
 *
 * Errors from the service reject with typed errors built from its {"error": {"code", "message"}} body;
 * 429 and 503 are retried with exponential backoff, honouring Retry-After.
 * @module javascript_client
 */

/** An error answer from the service. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {number|null} retryAfter */
  constructor(status, code, message, retryAfter = null) {
    super(`${status} ${code}: ${message}`);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}
export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class NotFoundError extends ApiError {}
export class ConflictError extends ApiError {}
export class PayloadTooLargeError extends ApiError {}
export class UnsupportedMediaTypeError extends ApiError {}
export class ValidationError extends ApiError {}
export class RateLimitError extends ApiError {}
export class ServiceUnavailableError extends ApiError {}
/** The service could not be reached at all. */
export class ConnectionError extends Error {}

const BY_STATUS = {
  400: BadRequestError, 401: AuthenticationError, 404: NotFoundError, 409: ConflictError,
  413: PayloadTooLargeError, 415: UnsupportedMediaTypeError, 422: ValidationError,
  429: RateLimitError, 503: ServiceUnavailableError,
};
const RETRY = new Set([429, 503]);
export const CLIENT_EVENTS = ['tab_hidden', 'window_blur', 'fullscreen_exit', 'copy_paste', 'camera'];
/** WebSocket close code for a missing or wrong API key: the stream stops, it does not retry. */
export const POLICY_VIOLATION = 1008;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function errorFrom(response) {
  const header = response.headers.get('retry-after');
  const retryAfter = header === null || Number.isNaN(Number(header)) ? null : Number(header);
  let code = 'http_error';
  let message = response.statusText;
  try {
    const body = await response.json();
    code = body.error.code;
    message = body.error.message;
  } catch { /* not our JSON: keep the status text */ }
  const Kind = BY_STATUS[response.status] || ApiError;
  return new Kind(response.status, code, message, retryAfter);
}

export class InterviewClient {
  /**
   * @param {string} [baseUrl]
   * @param {{apiKey?: string, retries?: number, backoffMs?: number, fetch?: typeof fetch, WebSocket?: any}} [options]
   */
  constructor(baseUrl = 'http://localhost:8000', options = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey ?? null;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
  }

  async request(method, path, { json, form } = {}) {
    const headers = {};
    if (this.apiKey) headers['X-API-Key'] = this.apiKey;
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt += 1) {
      let response;
      try {
        response = await this.fetch(this.baseUrl + path, {
          method, headers, body: json !== undefined ? JSON.stringify(json) : form,
        });
      } catch (cause) {
        throw new ConnectionError(`the service at ${this.baseUrl} cannot be reached: ${cause.message}`);
      }
      if (response.ok) return response.status === 204 ? null : response.json();
      const error = await errorFrom(response);
      if (!RETRY.has(response.status) || attempt >= this.retries) throw error;
      await sleep(error.retryAfter !== null ? error.retryAfter * 1000 : this.backoffMs * 2 ** attempt);
    }
  }

  /** @returns {Promise<string>} the session id */
  async startSession(candidateId, { policy, metadata, evidence } = {}) {
    const body = { candidate_id: candidateId, metadata: metadata ?? {} };
    if (policy !== undefined) body.policy = policy;
    if (evidence !== undefined) body.evidence = evidence;
    return (await this.request('POST', '/start-session', { json: body })).session_id;
  }

  /** One encoded frame (Blob, File, ArrayBuffer or Uint8Array). Sent again with its timestamp or frameId, it is
   * answered as before (`resent: true`), never counted twice. */
  async analyzeFrame(sessionId, frame, { timestamp, frameId } = {}) {
    const form = new FormData();
    form.append('session_id', sessionId);
    if (timestamp !== undefined) form.append('timestamp', String(timestamp));
    if (frameId !== undefined) form.append('frame_id', String(frameId));
    const blob = frame instanceof Blob ? frame : new Blob([frame], { type: 'image/jpeg' });
    form.append('frame', blob, 'frame.jpg');
    return this.request('POST', '/analyze-frame', { form });
  }

  analyzeFrameFromBlob(sessionId, blob, options) {
    return this.analyzeFrame(sessionId, blob, options);
  }

  /** An HTMLCanvasElement or OffscreenCanvas, encoded as JPEG. */
  async analyzeFrameFromCanvas(sessionId, canvas, { timestamp, quality = 0.85 } = {}) {
    return this.analyzeFrame(sessionId, await canvasToJpeg(canvas, quality), { timestamp });
  }

  /** The current picture of a playing <video> (a webcam preview, say). */
  async analyzeFrameFromVideo(sessionId, video, options = {}) {
    return this.analyzeFrameFromCanvas(sessionId, videoToCanvas(video), options);
  }

  /** One chunk of the session's sound: a 16-bit PCM WAV (Blob, ArrayBuffer or Uint8Array), mono or stereo,
   * 8-48 kHz, 0.1-10 s; `timestamp`: its first sample on the session's clock. None of the sound is kept. */
  async sendAudio(sessionId, wav, { timestamp } = {}) {
    const json = { audio: await toBase64(wav) };
    if (timestamp !== undefined) json.timestamp = timestamp;
    return this.request('POST', `/sessions/${encodeURIComponent(sessionId)}/audio`, { json });
  }

  endSession(sessionId) { return this.request('POST', '/end-session', { json: { session_id: sessionId } }); }
  getReport(sessionId) { return this.request('GET', `/sessions/${encodeURIComponent(sessionId)}/report`); }
  getStatus(sessionId) { return this.request('GET', `/sessions/${encodeURIComponent(sessionId)}`); }
  calibrate(sessionId) { return this.request('POST', `/sessions/${encodeURIComponent(sessionId)}/calibrate`); }

  /** tab_hidden, window_blur, fullscreen_exit, copy_paste, or camera (with the camera's label as `detail`). */
  sendClientEvent(sessionId, type, { timestamp, detail } = {}) {
    const json = { type };
    if (timestamp !== undefined) json.timestamp = timestamp;
    if (detail !== undefined) json.detail = detail;
    return this.request('POST', `/sessions/${encodeURIComponent(sessionId)}/client-events`, { json });
  }

  /** The caller's sessions, newest first; filters: candidateId, status, verdict, reviewed (a decision on the whole
   * session: true or false), createdFrom, createdTo, limit, cursor. */
  listSessions({ candidateId, status, verdict, reviewed, createdFrom, createdTo, limit, cursor } = {}) {
    const query = new URLSearchParams();
    const add = (name, value) => { if (value !== undefined && value !== null) query.set(name, String(value)); };
    add('candidate_id', candidateId); add('status', status); add('verdict', verdict); add('reviewed', reviewed);
    add('created_from', createdFrom); add('created_to', createdTo); add('limit', limit); add('cursor', cursor);
    const text = query.toString();
    return this.request('GET', `/sessions${text ? `?${text}` : ''}`);
  }

  /** A signed link to the reviewer's page that works in a browser without the API key, until it expires. */
  async reportLink(sessionId, { ttlS } = {}) {
    const query = ttlS ? `?ttl_s=${ttlS}` : '';
    return (await this.request('GET', `/sessions/${encodeURIComponent(sessionId)}/report-link${query}`)).url;
  }

  /** Record a reviewer's decision on an event (eventId null: the whole session). */
  review(sessionId, { eventId = null, decision, note = '', reviewer = '' }) {
    return this.request('POST', `/sessions/${encodeURIComponent(sessionId)}/review`, {
      json: { event_id: eventId, decision, note, reviewer },
    });
  }

  /** POST an SDP offer ({sdp, type: 'offer', fps?}); resolves with the answer. streamWebRTC does it for you. */
  startWebRTC(sessionId, offer) {
    return this.request('POST', `/sessions/${encodeURIComponent(sessionId)}/webrtc`, { json: offer });
  }

  /** The address of the WebSocket stream. */
  get streamUrl() {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/ws/stream`;
    return this.apiKey ? `${url}?api_key=${encodeURIComponent(this.apiKey)}` : url;
  }

  /**
   * Open a session over the WebSocket. It reconnects after a dropped connection and resumes the session.
   * @param {StreamOptions} options
   * @returns {StreamConnection}
   */
  stream(options = {}) {
    return new StreamConnection(this, options);
  }

  /**
   * Send a started session's camera as a WebRTC track (the server samples it at `fps`); results come back on
   * a data channel with the same messages, states and callbacks as `stream()`.
   * @param {string} sessionId from startSession
   * @param {MediaStream} mediaStream from getUserMedia
   * @param {StreamOptions & {fps?: number, iceServers?: RTCIceServer[], maxBitrate?: number}} options
   * @returns {WebRTCConnection}
   */
  streamWebRTC(sessionId, mediaStream, options = {}) {
    return new WebRTCConnection(this, sessionId, mediaStream, options);
  }
}

/**
 * @typedef {object} StreamOptions
 * @property {string} [candidateId] start a new session for this candidate
 * @property {string} [sessionId] or resume this one
 * @property {string|object} [policy]
 * @property {(result: object) => void} [onResult] one per analysed frame
 * @property {(event: object) => void} [onEvent] events opened, escalated or closed
 * @property {(state: string) => void} [onState] connecting | live | reconnecting | unreachable | unauthorised | ended
 * @property {(error: ApiError) => void} [onError]
 * @property {(skipped: object) => void} [onSkipped]
 * @property {(heard: object) => void} [onAudio] one per chunk of sound heard (`audio_result`)
 * @property {number} [maxReconnects] default Infinity
 */

/** What both transports share: the server's messages, the states, and the messages a client sends. */
class Stream {
  constructor(client, options) {
    this.client = client;
    this.options = options;
    this.sessionId = options.sessionId ?? null;
    this.state = 'connecting';
    this.inFlight = 0;
    this.closed = false;
    this.pendingEnd = null;
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    this.ready.catch(() => {}); // a caller that never awaits `ready` still hears of the failure in onState
  }

  setState(state) {
    this.state = state;
    this.options.onState?.(state);
  }

  /** A refused key does not get better by retrying: stop, and say why. */
  unauthorised(error) {
    this.closed = true;
    this.setState('unauthorised');
    this.options.onError?.(error);
    this.rejectReady(error);
    this.pendingEnd?.reject(error);
  }

  receive(message) {
    switch (message.type) {
      case 'session':
        this.sessionId = message.session_id;
        this.reconnects = 0;
        this.setState('live');
        this.resolveReady(message);
        break;
      case 'result':
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.options.onResult?.(message);
        for (const event of message.events) this.options.onEvent?.(event);
        break;
      case 'skipped':
        this.inFlight = Math.max(0, this.inFlight - 1);
        this.options.onSkipped?.(message);
        break;
      case 'audio_result':
        this.options.onAudio?.(message);
        for (const event of message.events) this.options.onEvent?.(event);
        break;
      case 'client_event':
        for (const event of message.events ?? []) this.options.onEvent?.(event);
        break;
      case 'error': {
        const error = new ApiError(0, message.code, message.message);
        if (message.code === 'no_session' || message.code === 'session_ended') this.inFlight = 0;
        this.options.onError?.(error);
        break;
      }
      case 'report':
        this.setState('ended');
        this.pendingEnd?.resolve(message.report);
        break;
      default:
        this.options.onMessage?.(message);
        break;
    }
  }

  sendClientEvent(type, timestamp, detail) {
    if (this.state !== 'live') return false;
    this.send({ type: 'client_event', event: type, timestamp, detail });
    return true;
  }

  /** The camera in use (its device label): sent when the stream starts and whenever the camera changes. */
  sendCamera(label) { return this.sendClientEvent('camera', undefined, String(label || 'unnamed camera').slice(0, 200)); }

  calibrate() { if (this.state === 'live') this.send({ type: 'calibrate' }); }

  /** End the session; resolves with the report. */
  end() {
    return new Promise((resolve, reject) => {
      this.pendingEnd = { resolve, reject };
      this.send({ type: 'end' });
    });
  }
}

export class StreamConnection extends Stream {
  constructor(client, options) {
    super(client, options);
    this.reconnects = 0;
    this.open();
  }

  open() {
    const Socket = this.client.WebSocket;
    if (!Socket) throw new Error('no WebSocket implementation: pass { WebSocket } (Node 20: the ws package)');
    const socket = new Socket(this.client.streamUrl);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      const hello = this.sessionId
        ? { type: 'resume', session_id: this.sessionId }
        : { type: 'start', candidate_id: this.options.candidateId ?? 'candidate', policy: this.options.policy };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (message) => this.receive(JSON.parse(typeof message.data === 'string' ? message.data : new TextDecoder().decode(message.data)));
    socket.onclose = (event) => {
      this.inFlight = 0;
      if (this.closed || this.state === 'ended') return;
      if (event?.code === POLICY_VIOLATION) {
        const [code, ...rest] = String(event.reason || 'unauthorized: not authorised').split(': ');
        this.unauthorised(new AuthenticationError(401, code, rest.join(': ') || 'not authorised'));
        return;
      }
      if (this.reconnects >= (this.options.maxReconnects ?? Infinity)) {
        this.setState('unreachable');
        this.rejectReady(new ConnectionError(`the stream at ${this.client.streamUrl} is unreachable`));
        return;
      }
      this.setState(this.sessionId ? 'reconnecting' : 'unreachable');
      const delay = Math.min(10000, 500 * 2 ** this.reconnects);
      this.reconnects += 1;
      setTimeout(() => { if (!this.closed) this.open(); }, delay);
    };
    socket.onerror = () => {};
  }

  send(message) { this.socket.send(JSON.stringify(message)); }

  /** Send one chunk of sound (a WAV, as `captureAudio` makes them), placed by the server at its arrival less
   * its length, as binary frames are; false when the stream is not live. Sound is never dropped by the server. */
  sendAudio(wav) {
    if (this.state !== 'live' || this.socket.readyState !== 1) return false;
    this.socket.send(wav);
    return true;
  }

  /** Send one encoded frame; false when one is already being analysed (the caller may drop this one). */
  sendFrame(frame) {
    if (this.state !== 'live' || this.socket.readyState !== 1) return false;
    if (this.inFlight >= 1) return false;
    this.inFlight += 1;
    this.socket.send(frame);
    return true;
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }
}

/** Waits for ICE gathering (the server takes no trickled candidates), at most `ms`. */
function iceGathered(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === 'complete') { pc.removeEventListener('icegatheringstatechange', done); resolve(); } };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, ms);
  });
}

export class WebRTCConnection extends Stream {
  constructor(client, sessionId, mediaStream, options) {
    super(client, { ...options, sessionId });
    this.mediaStream = mediaStream;
    this.open().catch((error) => this.failed(error));
  }

  async open() {
    const Peer = this.options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    if (!Peer) throw new ConnectionError('this browser has no WebRTC (RTCPeerConnection)');
    const track = this.mediaStream.getVideoTracks()[0];
    if (!track) throw new ConnectionError('the media stream has no video track');
    const pc = new Peer({ iceServers: this.options.iceServers ?? [] });
    this.pc = pc;
    this.channel = pc.createDataChannel('results');
    this.channel.onmessage = (message) => this.receive(JSON.parse(message.data));
    this.channel.onclose = () => { if (!this.closed && this.state !== 'ended') this.setState('unreachable'); };
    const sender = pc.addTrack(track, this.mediaStream);
    // the microphone, when the stream has one, goes as a second track of the same connection
    const microphone = this.mediaStream.getAudioTracks?.()[0];
    if (microphone && this.options.audio !== false) pc.addTrack(microphone, this.mediaStream);
    try {
      // a few frames a second are analysed: no need to send thirty in high quality
      const parameters = sender.getParameters();
      parameters.encodings = parameters.encodings?.length ? parameters.encodings : [{}];
      parameters.encodings[0].maxBitrate = this.options.maxBitrate ?? 300_000;
      parameters.encodings[0].maxFramerate = Math.min(30, Math.max(10, 2 * (this.options.fps ?? 5)));
      await sender.setParameters(parameters);
    } catch { /* not every browser lets parameters be set before negotiation: the defaults work too */ }
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, 3000);
    const offer = { sdp: pc.localDescription.sdp, type: 'offer' };
    if (this.options.fps) offer.fps = this.options.fps;
    const answer = await this.client.startWebRTC(this.sessionId, offer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    pc.onconnectionstatechange = () => {
      if (this.closed || this.state === 'ended') return;
      if (pc.connectionState === 'disconnected') this.setState('reconnecting'); // ICE may find its way back
      if (pc.connectionState === 'connected' && this.state === 'reconnecting') this.setState('live');
      if (pc.connectionState === 'failed') this.failed(new ConnectionError('the WebRTC connection failed'));
    };
  }

  failed(error) {
    if (error instanceof AuthenticationError) { this.unauthorised(error); return; }
    this.closed = true;
    this.setState('unreachable');
    this.options.onError?.(error);
    this.rejectReady(error);
    this.pendingEnd?.reject(error);
    this.pc?.close();
  }

  send(message) { if (this.channel?.readyState === 'open') this.channel.send(JSON.stringify(message)); }

  /** The server's counters for this track: frames received and sampled, frames skipped, bytes received. */
  stats() {
    return new Promise((resolve) => {
      const previous = this.options.onMessage;
      this.options.onMessage = (message) => {
        if (message.type === 'stats') { this.options.onMessage = previous; resolve(message); } else previous?.(message);
      };
      this.send({ type: 'stats' });
    });
  }

  close() {
    this.closed = true;
    this.channel?.close();
    this.pc?.close();
  }
}

async function toBase64(data) {
  const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer())
    : data instanceof Uint8Array ? data : new Uint8Array(data);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Mono float samples (-1..1) as a 16-bit PCM WAV. */
export function encodeWav(samples, sampleRate) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (offset, value) => { for (let i = 0; i < value.length; i += 1) view.setUint8(offset + i, value.charCodeAt(i)); };
  text(0, 'RIFF'); view.setUint32(4, 36 + samples.length * 2, true); text(8, 'WAVE'); text(12, 'fmt ');
  view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true); view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true); view.setUint16(34, 16, true); text(36, 'data'); view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i += 1) view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, samples[i])) * 0x7fff, true);
  return new Uint8Array(buffer);
}

/**
 * Cut a media stream's microphone into WAV chunks of `seconds` (16 kHz mono where the browser resamples, else
 * its own rate) and hand each to `onChunk(wav, seconds)`. Returns a function that stops the capture.
 * @param {MediaStream} mediaStream with an audio track
 * @param {(wav: Uint8Array, seconds: number) => void} onChunk
 */
export function captureAudio(mediaStream, onChunk, { seconds = 1, AudioContext: Context = globalThis.AudioContext } = {}) {
  if (!Context || !mediaStream.getAudioTracks().length) return () => {};
  let context;
  try { context = new Context({ sampleRate: 16000 }); } catch { context = new Context(); }
  context.resume?.().catch(() => {});
  const source = context.createMediaStreamSource(mediaStream);
  const processor = context.createScriptProcessor(4096, 1, 1);
  const rate = context.sampleRate;
  let pending = [];
  let count = 0;
  processor.onaudioprocess = (event) => {
    pending.push(new Float32Array(event.inputBuffer.getChannelData(0)));
    count += event.inputBuffer.length;
    if (count < rate * seconds) return;
    const samples = new Float32Array(count);
    let offset = 0;
    for (const piece of pending) { samples.set(piece, offset); offset += piece.length; }
    pending = [];
    count = 0;
    onChunk(encodeWav(samples, rate), samples.length / rate);
  };
  source.connect(processor);
  processor.connect(context.destination); // a script processor runs only while connected; it outputs silence
  return () => { processor.disconnect(); source.disconnect(); context.close().catch(() => {}); };
}

async function canvasToJpeg(canvas, quality) {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not be encoded'))), 'image/jpeg', quality);
  });
}

function videoToCanvas(video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth || 640;
  canvas.height = video.videoHeight || 480;
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas;
}

export { canvasToJpeg, videoToCanvas };

// Types for javascript_client.js
export type Direction = 'center' | 'left' | 'right' | 'up' | 'down' | 'unknown';
export type ClientEventType = 'tab_hidden' | 'window_blur' | 'fullscreen_exit' | 'copy_paste' | 'camera';
/** Every event type the service raises (src/interview_integrity/analysis/registry.py; a test keeps them equal). */
export type EventType =
  | 'no_face' | 'multiple_faces' | 'extra_person' | 'gaze_away' | 'repeated_glances' | 'head_turned'
  | 'phone_detected' | 'book_detected' | 'device_detected' | 'camera_blocked'
  | 'tab_hidden' | 'window_blur' | 'fullscreen_exit' | 'copy_paste'
  | 'identity_changed' | 'stream_frozen' | 'stream_replayed' | 'no_liveness' | 'virtual_camera' | 'camera_changed'
  | 'other_voice' | 'speaking' | 'not_watched';
/** A session's verdict (src/interview_integrity/analysis/scoring.py; a test keeps them equal): `incomplete` when
 * too little of the session could be watched to call it clear. */
export type Verdict = 'clear' | 'incomplete' | 'review' | 'high_risk';
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unreachable' | 'unauthorised' | 'ended';

export interface Box { x: number; y: number; width: number; height: number }
export interface Event {
  /** `title` is what a reviewer reads ("Phone in view"); `type` is its code */
  id: string; type: EventType; title: string; category: string; severity: 'low' | 'medium' | 'high'; confidence: number;
  started_at: number; ended_at: number | null; duration_s: number; frames: number[]; detail: string; message: string;
  /** what the event was measured against: baselines, observed values, thresholds */
  basis: Record<string, unknown>; measured: string;
}
/** The start-of-session check: shown to the candidate before the session counts. */
export interface SessionCheck {
  status: 'checking' | 'ready' | 'needs_attention'; calibrated: boolean;
  face_found: boolean | null; well_lit: boolean | null;
  camera: { yaw_deg: number | null; view: 'unknown' | 'frontal' | 'angled' | 'from the side' };
  gaze_assessable: boolean; gaze_reason: string | null; setup: string[]; advice: string[];
}
export interface Risk { score: number; level: 'low' | 'medium' | 'high'; verdict: Verdict }
export interface FrameResult {
  session_id: string; frame_index: number; timestamp: number; frame_id: string | null; resent: boolean;
  processing_ms: number;
  faces: { count: number; boxes: { box: Box; confidence: number; presence: number | null }[]; primary_index: number | null; followed: boolean };
  gaze: { direction: Direction; confidence: number; horizontal_deg: number | null; vertical_deg: number | null; reason: string | null };
  head_pose: { yaw: number; pitch: number; roll: number } | null;
  objects: { label: string; confidence: number; box: Box; partial: boolean; source: string }[];
  objects_analyzed: boolean;
  quality: { brightness: number; contrast: number; sharpness: number; usable: boolean; issues: string[] };
  events: Event[];
  risk: Risk;
  check: SessionCheck;
}
/** How much of a session was watched, and the frames the service refused (report.summary.coverage). */
export interface Coverage {
  open_s: number; watched_s: number; share: number | null; longest_unwatched_s: number;
  unwatched_by_reason: Partial<Record<'no_frames' | 'refused' | 'unusable' | 'frozen' | 'replayed', number>>;
  min_share: number; max_unwatched_s: number; enough: boolean;
  refused: {
    count: number;
    by_reason: Partial<Record<'out_of_order' | 'clock_jump' | 'bad_timestamp' | 'bad_image' | 'busy', number>>;
    runs: { reason: string; count: number; at: number; until: number; claimed: [number, number] | null }[];
  };
}
export interface SoundRun { start: number; end: number; kind: 'speaking' | 'other_voice' | 'voice' | 'silence' }
export interface Report {
  session_id: string; candidate_id: string; status: 'active' | 'ended'; verdict: Verdict;
  summary: { coverage: Coverage } & Record<string, unknown>; events: Event[]; risk_timeline: [number, number][];
  /** who was heard when; empty: no audio */
  sound_track: SoundRun[];
  evidence: { event_id: string; event_type: string; frame_index: number; timestamp: number; jpeg_base64: string }[];
  reviews: { id: string; event_id: string | null; decision: 'confirmed' | 'dismissed'; note: string; reviewer: string }[];
  policy: Record<string, unknown>;
}

export class ApiError extends Error { status: number; code: string; retryAfter: number | null }
export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class NotFoundError extends ApiError {}
export class ConflictError extends ApiError {}
export class PayloadTooLargeError extends ApiError {}
export class UnsupportedMediaTypeError extends ApiError {}
export class ValidationError extends ApiError {}
export class RateLimitError extends ApiError {}
export class ServiceUnavailableError extends ApiError {}
export class ConnectionError extends Error {}
export const CLIENT_EVENTS: ClientEventType[];
export const POLICY_VIOLATION: 1008;
/** Mono float samples as a 16-bit PCM WAV. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array;
/** Cut a stream's microphone into WAV chunks; returns a function that stops the capture. */
export function captureAudio(
  mediaStream: MediaStream, onChunk: (wav: Uint8Array, seconds: number) => void,
  options?: { seconds?: number; AudioContext?: unknown },
): () => void;

export interface ClientOptions { apiKey?: string; retries?: number; backoffMs?: number; fetch?: typeof fetch; WebSocket?: unknown }
export interface StreamOptions {
  candidateId?: string; sessionId?: string; policy?: string | object; maxReconnects?: number;
  onResult?(result: FrameResult): void; onEvent?(event: Event): void; onState?(state: StreamState): void;
  onError?(error: ApiError | ConnectionError): void; onSkipped?(skipped: { reason: string; skipped_total: number }): void;
  onMessage?(message: Record<string, unknown>): void;
  /** one per chunk of sound heard */
  onAudio?(heard: AudioResult): void;
}
/** What one chunk of sound gave (POST /sessions/{id}/audio, or an `audio_result` message). */
export interface AudioResult {
  session_id: string; timestamp: number; duration_s: number; speech_s: number; judged_until: number | null;
  processing_ms: number; events: Event[]; risk: Risk;
}
export interface WebRTCOptions extends StreamOptions {
  /** frames analysed per second of track time (the server caps it) */
  fps?: number; iceServers?: RTCIceServer[]; maxBitrate?: number; RTCPeerConnection?: unknown;
  /** send the stream's microphone as a second track when it has one (default true) */
  audio?: boolean;
}
export interface TrackStats { frames_received: number; frames_sampled: number; skipped_total: number; bytes_received: number; seconds: number }

declare class Stream {
  sessionId: string | null; state: StreamState; ready: Promise<{ session_id: string }>;
  sendClientEvent(type: ClientEventType, timestamp?: number, detail?: string): boolean;
  sendCamera(label: string): boolean;
  calibrate(): void;
  end(): Promise<Report>;
  close(): void;
}
export class StreamConnection extends Stream {
  sendFrame(frame: Blob | ArrayBuffer | Uint8Array): boolean;
  /** a WAV chunk, placed by the server at its arrival less its length */
  sendAudio(wav: Blob | ArrayBuffer | Uint8Array): boolean;
}
/** A session's camera as a WebRTC track; results on a data channel. */
export class WebRTCConnection extends Stream {
  stats(): Promise<TrackStats & { type: 'stats' }>;
}
export interface SessionListed {
  session_id: string; candidate_id: string; status: 'active' | 'ended'; created_at: number; ended_at: number | null;
  frames_analyzed: number; events: number; peak_risk: number; verdict: Risk['verdict'];
  duration_s: number; decision: 'confirmed' | 'dismissed' | null; decided_events: number;
}

export class InterviewClient {
  constructor(baseUrl?: string, options?: ClientOptions);
  readonly streamUrl: string;
  startSession(candidateId: string, options?: { policy?: string | object; metadata?: object; evidence?: boolean }): Promise<string>;
  analyzeFrame(sessionId: string, frame: Blob | ArrayBuffer | Uint8Array, options?: { timestamp?: number; frameId?: string }): Promise<FrameResult>;
  analyzeFrameFromBlob(sessionId: string, blob: Blob, options?: { timestamp?: number }): Promise<FrameResult>;
  analyzeFrameFromCanvas(sessionId: string, canvas: HTMLCanvasElement | OffscreenCanvas, options?: { timestamp?: number; quality?: number }): Promise<FrameResult>;
  analyzeFrameFromVideo(sessionId: string, video: HTMLVideoElement, options?: { timestamp?: number; quality?: number }): Promise<FrameResult>;
  sendAudio(sessionId: string, wav: Blob | ArrayBuffer | Uint8Array, options?: { timestamp?: number }): Promise<AudioResult>;
  endSession(sessionId: string): Promise<Report>;
  getReport(sessionId: string): Promise<Report>;
  getStatus(sessionId: string): Promise<Record<string, unknown>>;
  calibrate(sessionId: string): Promise<{ session_id: string; calibration: 'restarted' }>;
  sendClientEvent(sessionId: string, type: ClientEventType, options?: { timestamp?: number; detail?: string }): Promise<{ session_id: string; event: Event | null; events: Event[] }>;
  listSessions(filters?: { candidateId?: string; status?: 'active' | 'ended'; verdict?: Risk['verdict']; reviewed?: boolean; createdFrom?: number; createdTo?: number; limit?: number; cursor?: string }): Promise<{ sessions: SessionListed[]; next_cursor: string | null }>;
  reportLink(sessionId: string, options?: { ttlS?: number }): Promise<string>;
  review(sessionId: string, decision: { eventId?: string | null; decision: 'confirmed' | 'dismissed'; note?: string; reviewer?: string }): Promise<Record<string, unknown>>;
  startWebRTC(sessionId: string, offer: { sdp: string; type: 'offer'; fps?: number }): Promise<{ session_id: string; sdp: string; type: 'answer'; fps: number }>;
  stream(options?: StreamOptions): StreamConnection;
  streamWebRTC(sessionId: string, mediaStream: MediaStream, options?: WebRTCOptions): WebRTCConnection;
}

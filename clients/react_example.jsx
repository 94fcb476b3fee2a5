/**
 * <InterviewMonitor apiUrl="http://localhost:8000" candidateId="candidate_123" />
 *
 * Opens the webcam, streams JPEG frames over the WebSocket at `fps` (or, with `transport="webrtc"`, sends the
 * camera as a WebRTC track the server samples at `fps`), shows a compact live panel (preview,
 * face count, gaze, risk gauge, latest events) and reports page events (hidden tab, lost focus, leaving
 * full screen, copy/paste) to the service. Friendly states for a denied camera, no camera, an unreachable
 * server and reconnecting.
 *
 * With `audio` (true), it asks for the microphone too, after the camera and on its own: a declined or missing
 * microphone is a friendly note (the session goes on without sound), never a failure of the video. The sound
 * goes as a second WebRTC track, or over the WebSocket as one-second WAV chunks; the service keeps none of it.
 *
 * Before the session counts, it shows the service's start-of-session check (`result.check`): face found
 * and well lit, the camera's angle, what was taken as the candidate's setup, whether gaze can be read, and
 * what to do when something is off ("place the camera in front of you").
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { AuthenticationError, InterviewClient, captureAudio } from './javascript_client.js';

const MESSAGES = {
  idle: 'Starting…',
  'requesting-camera': 'Please allow the camera when your browser asks.',
  'permission-denied': 'Camera access was declined. Allow the camera in the address bar, then reload the page.',
  'no-camera': 'No camera was found. Connect a webcam and reload the page.',
  connecting: 'Connecting to the proctoring service…',
  live: 'Live',
  reconnecting: 'Connection lost: reconnecting… (your session continues)',
  unreachable: 'The proctoring service cannot be reached. Check your connection; we will keep trying.',
  unauthorised: 'Not authorised: the proctoring service refused the API key. Check the key, then reload the page.',
  ended: 'Session ended.',
};
const MICROPHONE = {
  off: null,
  asking: 'Please allow the microphone when your browser asks.',
  on: 'Microphone on: voices are checked, no sound is kept.',
  declined: 'Microphone declined: the session goes on without sound. To include it, allow the microphone in the address bar and reload.',
  missing: 'No microphone was found: the session goes on without sound.',
};
export const VERDICT = {
  clear: 'Clear', incomplete: 'Incomplete: not enough was watched', review: 'Needs human review',
  high_risk: 'Needs human review soon',
};
const styles = {
  panel: { fontFamily: 'system-ui, sans-serif', fontSize: 14, width: 340, border: '1px solid #dde1e6', borderRadius: 10, padding: 12, background: '#fff' },
  video: { width: '100%', borderRadius: 8, background: '#111', transform: 'scaleX(-1)' },
  row: { display: 'flex', justifyContent: 'space-between', margin: '6px 0' },
  state: (ok) => ({ padding: '6px 8px', borderRadius: 6, background: ok ? '#e8f5e9' : '#fff4e5', color: ok ? '#1b5e20' : '#8a4b00' }),
  button: { padding: '6px 12px', borderRadius: 6, border: '1px solid #b3261e', background: '#fff', color: '#b3261e', cursor: 'pointer' },
};

const CHECK_TITLE = {
  checking: 'Checking your camera: look at your screen',
  ready: 'Your camera is set up.',
  needs_attention: 'Please adjust your camera',
};
const CHECK_SECONDS = 5; // the default policy's calibration_s: seconds of frames with a face

function SessionCheck({ check, since }) {
  const ok = (value) => (value === null || value === undefined ? '…' : value ? 'yes' : 'no');
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (check.status !== 'checking') return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [check.status]);
  const seconds = Math.max(0, (now - since) / 1000);
  const share = Math.min(0.95, seconds / CHECK_SECONDS);
  return (
    <div data-testid="session-check" data-status={check.status} style={styles.state(check.status === 'ready')}>
      <b>{CHECK_TITLE[check.status]}</b>
      {check.status === 'checking' && (
        <div data-testid="check-progress">
          <small>{Math.floor(seconds)} s: it takes about {CHECK_SECONDS} seconds with your face in view; the interview goes on meanwhile.</small>
          <div style={{ height: 4, background: '#eceef1', borderRadius: 2 }}>
            <div style={{ width: `${Math.round(share * 100)}%`, height: 4, background: '#8a4b00', borderRadius: 2, transition: 'width .25s linear' }} />
          </div>
        </div>
      )}
      <ul style={{ margin: '4px 0', paddingLeft: 18 }}>
        <li>Face in view: {ok(check.face_found)}; well lit: {ok(check.well_lit)}</li>
        <li>Camera: {check.camera.view === 'unknown' ? '…' : check.camera.view}</li>
        <li>Gaze can be read: {check.calibrated ? ok(check.gaze_assessable) : '…'}</li>
        {check.setup.length > 0 && <li>Taken as your setup: {check.setup.join(', ')}</li>}
      </ul>
      {check.advice.map((line) => <div key={line} data-testid="check-advice">{line}</div>)}
    </div>
  );
}

// the gauge's colour says what a reviewer will be asked, not only the score: a high event open at risk 25 is
// already "needs review" (the verdict counts events as well as the score)
const GAUGE = { high: ['#d9534f', 'needs review soon'], medium: ['#f0a43a', 'needs review'], low: ['#4caf50', ''] };
function gaugeLevel(level, verdict, openHigh) {
  if (level === 'high' || verdict === 'high_risk') return 'high';
  if (level === 'medium' || (verdict && verdict !== 'clear') || openHigh) return 'medium';
  return 'low';
}

function RiskGauge({ score = 0, level = 'low', verdict, openHigh = false }) {
  const shown = gaugeLevel(level, verdict, openHigh);
  const [colour, words] = GAUGE[shown];
  return (
    <div aria-label={`risk ${Math.round(score)} of 100`} data-testid="risk" data-level={shown}>
      <div style={{ height: 8, background: '#eceef1', borderRadius: 4 }}>
        <div style={{ width: `${Math.min(100, score)}%`, height: 8, background: colour, borderRadius: 4 }} />
      </div>
      <small>risk {Math.round(score)} / 100{words ? ` · ${words}` : ''}</small>
    </div>
  );
}

export function InterviewMonitor({
  apiUrl, candidateId, apiKey, fps = 2, policy, transport = 'websocket', showPreview = true, audio = false,
  onResult, onEvent, onEnd, onSession,
}) {
  const videoRef = useRef(null);
  const connection = useRef(null);
  const [state, setState] = useState('idle');
  const [result, setResult] = useState(null);
  const [events, setEvents] = useState([]);
  const [report, setReport] = useState(null);
  const [sessionId, setSessionId] = useState(null);
  const [reportUrl, setReportUrl] = useState(null);
  const [checkSince, setCheckSince] = useState(null);
  const [microphone, setMicrophone] = useState('off');
  const clientRef = useRef(null);

  useEffect(() => {
    let stream;
    let timer;
    let stopAudio = () => {};
    let cancelled = false;
    const client = new InterviewClient(apiUrl, { apiKey });
    clientRef.current = client;
    const canvas = document.createElement('canvas');
    const report = (type) => connection.current?.sendClientEvent(type);
    const onVisibility = () => { if (document.visibilityState === 'hidden') report('tab_hidden'); };
    const onBlur = () => report('window_blur');
    const onFullscreen = () => { if (!document.fullscreenElement) report('fullscreen_exit'); };
    const onCopy = () => report('copy_paste');

    async function start() {
      setState('requesting-camera');
      if (!navigator.mediaDevices?.getUserMedia) { setState('no-camera'); return; }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
      } catch (error) {
        setState(error.name === 'NotAllowedError' || error.name === 'SecurityError' ? 'permission-denied' : 'no-camera');
        return;
      }
      if (cancelled) return;
      if (audio) {
        // asked on its own: a declined microphone must not cost the candidate the camera
        setMicrophone('asking');
        try {
          const sound = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
          sound.getAudioTracks().forEach((track) => stream.addTrack(track));
          setMicrophone('on');
        } catch (error) {
          setMicrophone(error.name === 'NotAllowedError' || error.name === 'SecurityError' ? 'declined' : 'missing');
        }
        if (cancelled) return;
      }
      videoRef.current.srcObject = stream;
      await videoRef.current.play().catch(() => {});
      setState('connecting');
      const callbacks = {
        onState: (next) => setState(next),
        onResult: (message) => { setCheckSince((since) => since ?? Date.now()); setResult(message); onResult?.(message); },
        onEvent: (event) => { setEvents((list) => [event, ...list.filter((e) => e.id !== event.id)].slice(0, 5)); onEvent?.(event); },
      };
      let conn;
      const hasSound = stream.getAudioTracks().length > 0;
      if (transport === 'webrtc') {
        let id;
        try {
          id = await client.startSession(candidateId, { policy });
        } catch (error) {
          setState(error instanceof AuthenticationError ? 'unauthorised' : 'unreachable');
          return;
        }
        if (cancelled) return;
        conn = client.streamWebRTC(id, stream, { ...callbacks, fps, audio: hasSound });
      } else {
        conn = client.stream({ ...callbacks, candidateId, policy });
      }
      connection.current = conn;
      const track = stream.getVideoTracks()[0];
      let camera = null;
      const reportCamera = () => {
        const label = track?.label || 'unnamed camera';
        if (label !== camera && conn.sendCamera(label)) camera = label;
      };
      conn.ready.then((hello) => {
        setSessionId(hello.session_id); onSession?.(hello.session_id); reportCamera();
      }).catch(() => {});
      track?.addEventListener('ended', reportCamera);
      navigator.mediaDevices.addEventListener?.('devicechange', reportCamera);
      if (transport !== 'webrtc' && hasSound) stopAudio = captureAudio(stream, (wav) => conn.sendAudio(wav));
      if (transport !== 'webrtc') timer = setInterval(() => {
        const video = videoRef.current;
        if (!video || video.readyState < 2 || conn.state !== 'live') return;
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext('2d').drawImage(video, 0, 0);
        canvas.toBlob((blob) => blob && conn.sendFrame(blob), 'image/jpeg', 0.8);
      }, 1000 / fps);
      document.addEventListener('visibilitychange', onVisibility);
      window.addEventListener('blur', onBlur);
      document.addEventListener('fullscreenchange', onFullscreen);
      document.addEventListener('copy', onCopy);
      document.addEventListener('paste', onCopy);
    }
    start();
    return () => {
      cancelled = true;
      clearInterval(timer);
      stopAudio();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('fullscreenchange', onFullscreen);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onCopy);
      connection.current?.close();
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [apiUrl, candidateId, apiKey, fps, transport, audio]);

  const end = useCallback(async () => {
    const conn = connection.current;
    if (!conn) return;
    const final = await conn.end();
    setReport(final);
    // with keys on, a browser reaches the report through a signed link: the key never goes in an address
    const link = apiKey
      ? await clientRef.current.reportLink(final.session_id).catch(() => null)
      : `${apiUrl}/sessions/${final.session_id}/report.html`;
    setReportUrl(link);
    // keep the last picture on screen (a stopped camera leaves a black box), then let the camera go
    const video = videoRef.current;
    if (video?.videoWidth) {
      const still = document.createElement('canvas');
      still.width = video.videoWidth;
      still.height = video.videoHeight;
      still.getContext('2d').drawImage(video, 0, 0);
      video.poster = still.toDataURL('image/jpeg', 0.85);
    }
    video?.srcObject?.getTracks().forEach((track) => track.stop());
    if (video) video.srcObject = null;
    onEnd?.(final, link);
  }, [onEnd, apiKey, apiUrl]);

  const faces = result?.faces.count ?? 0;
  return (
    <div style={styles.panel} data-testid="interview-monitor" data-state={state} data-session-id={sessionId ?? ''}
      data-transport={transport}>
      <video ref={videoRef} muted playsInline style={{ ...styles.video, display: showPreview ? 'block' : 'none' }} />
      <div style={styles.state(state === 'live')} role="status" data-testid="state">{MESSAGES[state]}</div>
      {MICROPHONE[microphone] && (
        <div data-testid="microphone" data-state={microphone} style={{ margin: '6px 0', color: '#5b6470' }}>
          {MICROPHONE[microphone]}
        </div>
      )}
      {result?.check && state !== 'ended' && result.check.status !== 'ready' && <SessionCheck check={result.check} since={checkSince ?? Date.now()} />}
      {result && state !== 'ended' && (
        <>
          <div style={styles.row}><span data-testid="faces">{faces === 1 ? '1 face' : `${faces} faces`}</span>
            <span data-testid="gaze">gaze {result.gaze.direction}</span></div>
          <RiskGauge score={result.risk.score} level={result.risk.level} verdict={result.risk.verdict}
            openHigh={events.some((e) => e.severity === 'high' && e.ended_at === null)} />
        </>
      )}
      {events.length > 0 && (
        <ul data-testid="events" style={{ paddingLeft: 18, margin: '8px 0' }}>
          {events.map((e) => (
            <li key={e.id} data-event-type={e.type}>
              <b>{e.title ?? e.type}</b> <small>({e.severity}{e.ended_at === null ? ', now' : ''})</small> {e.message}
            </li>
          ))}
        </ul>
      )}
      {report ? (
        <div data-testid="report"><b>{VERDICT[report.verdict] ?? report.verdict}</b> · {report.events.length} event{report.events.length === 1 ? '' : 's'} ·{' '}
          {report.summary?.coverage?.share != null && (
            <span data-testid="watched">{Math.round(report.summary.coverage.share * 100)}% watched · </span>
          )}
          {reportUrl && <a href={reportUrl} target="_blank" rel="noreferrer">full report</a>}</div>
      ) : (
        state === 'live' && <button type="button" style={styles.button} onClick={end}>End session</button>
      )}
    </div>
  );
}

export default InterviewMonitor;

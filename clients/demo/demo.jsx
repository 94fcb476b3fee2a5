// The /demo page: allow the camera, see yourself analysed live, end the session and read the report.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { InterviewMonitor, VERDICT } from '../react_example.jsx';

function Demo() {
  const params = new URLSearchParams(window.location.search);
  const [candidate, setCandidate] = useState('demo-candidate');
  const [apiKey, setApiKey] = useState('');
  const [transport, setTransport] = useState(params.get('transport') === 'webrtc' ? 'webrtc' : 'websocket');
  const [audio, setAudio] = useState(params.get('audio') === '1');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState(null);
  const [reportUrl, setReportUrl] = useState(null);
  const apiUrl = window.location.origin;
  // what this server keeps is its own setting (EVIDENCE_SNAPSHOTS), which the page is given: say it truly
  const snapshots = document.getElementById('root').dataset.evidenceSnapshots === 'true';
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 760, margin: '24px auto', padding: '0 16px' }}>
      <h1 style={{ fontSize: 22 }}>Interview integrity: live demo</h1>
      <p data-testid="privacy">
        {snapshots
          ? 'Your camera stays in this page; frames (and sound, when you ask) go to this server only. This server keeps a snapshot of the frame behind each notable moment (a second face, a phone) with the session, for a reviewer; no other frame, and never sound.'
          : 'Your camera stays in this page; frames (and sound, when you ask) go to this server only; no frame is stored, and no sound ever.'}
      </p>
      {!running && !report && (
        <form onSubmit={(e) => { e.preventDefault(); setRunning(true); }}>
          <p><label>Candidate id <input value={candidate} onChange={(e) => setCandidate(e.target.value)} /></label></p>
          <p><label>API key (when the server has API_KEYS) <input type="password" autoComplete="off" data-testid="api-key"
            value={apiKey} onChange={(e) => setApiKey(e.target.value)} placeholder="none" /></label></p>
          <p><label>Transport <select data-testid="transport" value={transport} onChange={(e) => setTransport(e.target.value)}>
            <option value="websocket">WebSocket (JPEG frames)</option>
            <option value="webrtc">WebRTC (a video track)</option>
          </select></label></p>
          <p><label><input type="checkbox" data-testid="audio" checked={audio} onChange={(e) => setAudio(e.target.checked)} />
            {' '}Microphone too: another voice is told apart from yours by your lips (no sound is kept)</label></p>
          <button type="submit" data-testid="start">Start</button>
        </form>
      )}
      {running && (
        <InterviewMonitor apiUrl={apiUrl} candidateId={candidate} fps={4} apiKey={apiKey || undefined}
          transport={transport} audio={audio} onEnd={(final, link) => { setReport(final); setReportUrl(link); }} />
      )}
      {report && (
        <section data-testid="demo-report">
          <h2 style={{ fontSize: 18 }}>Report</h2>
          <p>Verdict: <b>{VERDICT[report.verdict] ?? report.verdict}</b> ({report.summary.explanation.meaning})</p>
          <p>{report.summary.frames_analyzed} frames, a face {Math.round(100 * (report.summary.share_with_face ?? 0))}% of the time,{' '}
            {Math.round(100 * (report.summary.coverage?.share ?? 1))}% of the session watched.</p>
          {reportUrl && <iframe title="report" src={reportUrl} style={{ width: '100%', height: 900, border: '1px solid #dde1e6' }} />}
        </section>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')).render(<Demo />);

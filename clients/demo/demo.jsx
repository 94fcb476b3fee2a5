// The /demo page: allow the camera, see yourself analysed live, end the session and read the report.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { InterviewMonitor } from '../react_example.jsx';

function Demo() {
  const [candidate, setCandidate] = useState('demo-candidate');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState(null);
  const apiUrl = window.location.origin;
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 760, margin: '24px auto', padding: '0 16px' }}>
      <h1 style={{ fontSize: 22 }}>Interview integrity: live demo</h1>
      <p>Your camera stays in this page; frames go to this server only, and no frame is stored.</p>
      {!running && !report && (
        <form onSubmit={(e) => { e.preventDefault(); setRunning(true); }}>
          <label>Candidate id <input value={candidate} onChange={(e) => setCandidate(e.target.value)} /></label>{' '}
          <button type="submit" data-testid="start">Start</button>
        </form>
      )}
      {running && (
        <InterviewMonitor apiUrl={apiUrl} candidateId={candidate} fps={4}
          onEnd={(final) => { setReport(final); }} />
      )}
      {report && (
        <section data-testid="demo-report">
          <h2 style={{ fontSize: 18 }}>Report</h2>
          <p>Verdict: <b>{report.verdict}</b> ({report.summary.explanation.meaning})</p>
          <p>{report.summary.frames_analyzed} frames, a face {Math.round(100 * (report.summary.share_with_face ?? 0))}% of the time.</p>
          <iframe title="report" src={`/sessions/${report.session_id}/report.html`} style={{ width: '100%', height: 900, border: '1px solid #dde1e6' }} />
        </section>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')).render(<Demo />);

// The reviewer's console in the browser: keys for everything, decisions without a page load, a live session
// that updates itself, and times in the reviewer's own zone. The pages work without it (plain links and forms).
(() => {
  'use strict';
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const typing = (element) => element && (element.matches('input, textarea, select') || element.isContentEditable);

  // the zone the server writes dates in: minutes east of UTC, kept in a cookie; a page in another zone reloads once
  const offset = -new Date().getTimezoneOffset();
  document.cookie = `ii_tz=${offset}; path=/; SameSite=Strict; max-age=31536000`;
  if (Number(document.body.dataset.tz) !== offset && !sessionStorage.getItem('ii-tz-reloaded')) {
    sessionStorage.setItem('ii-tz-reloaded', '1');
    window.location.reload();
    return;
  }

  const clockTime = () => new Date().toLocaleTimeString('en-GB', { hour12: false });

  function toast(text) {
    $$('.toast').forEach((old) => old.remove());
    const note = document.createElement('div');
    note.className = 'toast';
    note.setAttribute('role', 'status');
    note.dataset.testid = 'toast';
    note.textContent = text;
    document.body.append(note);
    setTimeout(() => note.remove(), 2600);
  }

  function follow(key) {
    const link = $(`[data-key="${key}"]`);
    if (link) window.location.href = link.href;
  }

  // -- the list ---------------------------------------------------------------------------------------------
  function listPage() {
    const rows = () => $$('table.sessions tbody tr');
    let selected = -1;
    const select = (index) => {
      const all = rows();
      if (!all.length) return;
      selected = Math.max(0, Math.min(all.length - 1, index));
      all.forEach((row, i) => row.classList.toggle('selected', i === selected));
      all[selected].scrollIntoView({ block: 'nearest' });
    };
    rows().forEach((row) => row.addEventListener('click', (event) => {
      if (!event.target.closest('a')) window.location.href = row.dataset.href;
    }));
    document.addEventListener('keydown', (event) => {
      if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'j') select(selected + 1);
      else if (event.key === 'k') select(selected - 1);
      else if (event.key === 'Enter' && selected >= 0) window.location.href = rows()[selected].dataset.href;
      else if (event.key === '/') $('[data-testid=filter-candidate]')?.focus();
      else if (event.key === ']') follow('older');
      else return;
      event.preventDefault();
    });
  }

  // -- a session --------------------------------------------------------------------------------------------
  function sessionPage() {
    let selectedId = null;
    let version = null;
    const eventRows = () => $$('table.events tbody tr[data-event-id]');
    const select = (id) => {
      selectedId = id;
      eventRows().forEach((row) => row.classList.toggle('selected', row.dataset.eventId === id));
      const row = $(`table.events tr[data-event-id="${CSS.escape(id)}"]`);
      row?.scrollIntoView({ block: 'center' });
    };
    const step = (by) => {
      const ids = eventRows().map((row) => row.dataset.eventId);
      if (!ids.length) return;
      const at = ids.indexOf(selectedId);
      select(ids[at < 0 ? (by > 0 ? 0 : ids.length - 1) : Math.max(0, Math.min(ids.length - 1, at + by))]);
    };

    async function decide(form, decision) {
      const body = new URLSearchParams(new FormData(form));
      body.set('decision', decision);
      const who = form.dataset.eventId || 'the session';
      try {
        const answer = await fetch(form.action, {
          method: 'POST', body, credentials: 'same-origin',
          headers: { Accept: 'application/json', 'X-CSRF-Token': body.get('csrf') || '' },
        });
        if (answer.status === 401) { window.location.reload(); return; }
        const reply = await answer.json();
        if (!answer.ok) { toast(reply.error?.message || `not recorded (${answer.status})`); return; }
        toast(`${who}: ${decision}, recorded as ${reply.reviewer}`);
        await refresh(true);
      } catch (error) {
        toast(`not recorded: ${error.message}`);
      }
    }

    function wire() {
      $$('form.decide').forEach((form) => {
        form.addEventListener('submit', (event) => {
          event.preventDefault();
          decide(form, event.submitter?.value || 'confirmed');
        });
        $$('input[type=text]', form).forEach((input) => input.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') { event.preventDefault(); input.blur(); } // Enter never decides by itself
        }));
      });
      eventRows().forEach((row) => row.addEventListener('click', (event) => {
        if (!event.target.closest('a, button, input')) select(row.dataset.eventId);
      }));
      if (selectedId) select(selectedId);
    }

    async function refresh(force) {
      const live = await fetch(document.body.dataset.liveUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (live.status === 401 || live.status === 404) { window.location.reload(); return; }
      if (!live.ok) return;
      const state = await live.json();
      const pulse = $('[data-testid=pulse]');
      if (!force && state.version === version) {
        if (pulse && state.status === 'active') pulse.textContent = `live: updated ${clockTime()}`;
        return;
      }
      const first = version === null;
      version = state.version;
      if (first && !force) return; // the page is as the server just wrote it
      const notes = Object.fromEntries($$('form.decide').map((form) => [form.dataset.eventId, $('[name=note]', form).value]));
      const active = document.activeElement;
      const focused = active?.matches('[name=note]') ? active.closest('form.decide')?.dataset.eventId : undefined;
      const page = await fetch(window.location.pathname + window.location.search, { credentials: 'same-origin' });
      if (!page.ok) return;
      const fresh = new DOMParser().parseFromString(await page.text(), 'text/html');
      $('main').replaceWith(fresh.querySelector('main'));
      $$('form.decide').forEach((form) => {
        const note = $('[name=note]', form);
        if (notes[form.dataset.eventId]) note.value = notes[form.dataset.eventId];
        if (focused !== undefined && form.dataset.eventId === focused) note.focus();
      });
      wire();
      const now = $('[data-testid=pulse]');
      if (now && state.status === 'active') now.textContent = `live: updated ${clockTime()}`;
      document.body.dataset.status = state.status;
    }

    function poll() {
      const active = $('main')?.dataset.status === 'active';
      setTimeout(async () => { await refresh(false).catch(() => {}); poll(); }, active ? 2000 : 15000);
    }

    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        if (window.location.hash.startsWith('#zoom-')) window.location.hash = `#evidence-${window.location.hash.slice(6)}`;
        if (typing(event.target)) event.target.blur();
        return;
      }
      if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      const form = selectedId ? $(`form.decide[data-event-id="${CSS.escape(selectedId)}"]`) : null;
      switch (event.key) {
        case 'j': step(1); break;
        case 'k': step(-1); break;
        case 'c': case 'd':
          if (form) decide(form, event.key === 'c' ? 'confirmed' : 'dismissed');
          else toast('choose an event first: j');
          break;
        case 'n': if (form) $('[name=note]', form).focus(); else $('#session-note')?.focus(); break;
        case 'C': case 'D': decide($('form.decide[data-event-id=""]'), event.key === 'C' ? 'confirmed' : 'dismissed'); break;
        case 'z':
          if (selectedId && $(`#zoom-${CSS.escape(selectedId)}`)) window.location.hash = `#zoom-${selectedId}`;
          else toast(selectedId ? `no snapshot for ${selectedId}` : 'choose an event first: j');
          break;
        case ']': follow('next-session'); break;
        case '[': follow('back'); break;
        default: return;
      }
      event.preventDefault();
    });
    wire();
    refresh(false).catch(() => {});
    poll();
  }

  if (document.body.dataset.page === 'session') sessionPage();
  else if ($('table.sessions') || $('[data-testid=filters]')) listPage();
})();

// BakeFeature labelling app: wires the toolbar, class palette, frame view, side views, timeline
// and status line to the server's HTTP API and WebSocket events.
import { ApiError, Live, request } from './api.js';
import { FrameView } from './frameview.js';

const $ = (id) => document.getElementById(id);
// The library's default class colours (core.viz.Palette), used to suggest a new class colour.
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94'];

const S = {
  token: '',
  scene: null,
  frame: -1,
  classes: [],
  classesVersion: 0,
  selected: 0,
  tool: 'paint',
  radius: 6,
  opacity: 0.45,
  overlayOn: true,
  scribblesOn: true,
  versions: [],
  annotated: new Set(),
  canUndo: false,
  canRedo: false,
  progress: null,
  progressAt: 0,
  exports: [],
  overlay: { frame: -1, step: -1, at: 0, labelled: false },
  limits: { maxStrokePoints: 10000, maxRadius: 256 },
  busy: new Set(),
  renaming: false, // a class name is being edited: the palette is not rebuilt under it
};

const live = new Live();
const view = new FrameView({
  viewport: $('viewport'),
  box: $('frame-box'),
  rgb: $('layer-rgb'),
  seg: $('layer-seg'),
  scribbles: $('layer-scribbles'),
  cursor: $('brush-cursor'),
});
let strokeChain = Promise.resolve();
let segUrl = null;
/** The pending render request of the frame being moved to: delayed and cancelled while frames change fast. */
const frameRender = { timer: 0, abort: null };
/** How long the frame must stay before its render is asked for (slider drags, held arrow keys). */
const FRAME_SETTLE_MS = 150;

// ---- toasts ---------------------------------------------------------------------------------

function toast(message, kind = 'info', ms) {
  const t = document.createElement('div');
  t.className = 'toast ' + kind;
  t.textContent = message;
  $('toasts').append(t);
  while ($('toasts').children.length > 5) {
    $('toasts').firstElementChild.remove();
  }
  setTimeout(() => t.remove(), ms ?? (kind === 'error' ? 10000 : 5000));
  return t;
}

function fail(e) {
  toast(e instanceof ApiError || e instanceof Error ? e.message : String(e), 'error');
}

// ---- state ----------------------------------------------------------------------------------

function applyState(st) {
  const first = !S.scene;
  if (!first && st.token !== S.token) {
    // A new server process: frame versions and model steps count from 0 again.
    view.baseVersion = -1;
    if (S.overlay) {
      S.overlay.step = -1;
    }
    for (const id of ['view-colour', 'view-depth', 'view-features']) {
      $(id).dataset.step = '-1';
    }
    // Its job ids count from 1 again, so an export this page started is gone, not finished.
    for (const [id, t] of exportToasts) {
      t.remove();
      exportToasts.delete(id);
      toast(`Export ${t.dataset.job} did not finish: the server restarted`, 'error');
    }
  }
  S.token = st.token;
  S.scene = st.scene;
  S.limits = st.limits;
  $('new-class-name').maxLength = nameUnits();
  S.exports = st.exports;
  S.versions = st.annotation.versions.slice();
  S.annotated = new Set(st.annotation.annotatedFrames);
  S.canUndo = st.annotation.canUndo;
  S.canRedo = st.annotation.canRedo;
  applyClasses(st.classes, st.classesVersion, true);
  applyProgress(st.progress);
  document.title = 'BakeFeature — ' + st.scene.name;
  $('scene-name').textContent = st.scene.name + ' · ' + st.scene.method;
  $('scene-name').title = `${st.scene.frames} frames, ${st.scene.width}×${st.scene.height} px, method ${st.scene.method}`;
  $('frame-slider').max = String(st.scene.frames - 1);
  $('no-features').hidden = st.scene.features;
  $('view-features').hidden = !st.scene.features;
  view.maxPoints = st.limits.maxStrokePoints;
  $('brush-size').max = String(Math.min(64, st.limits.maxRadius));
  if (first) {
    view.setImageSize(st.scene.width, st.scene.height);
    buildThumbs();
  }
  renderExports();
  updateHistoryButtons();
  updateThumbMarks();
  updateHint();
}

/** Shows the class list of {@code version}; an older list than the one shown is ignored unless {@code force}. */
function applyClasses(classes, version, force = false) {
  if (!force && version < S.classesVersion) {
    return; // an answer that arrived after a newer event (another page changed the classes meanwhile)
  }
  S.classes = classes;
  S.classesVersion = version;
  if (S.selected >= classes.length) {
    S.selected = Math.max(0, classes.length - 1);
  }
  renderPalette();
  highlightClass();
  $('new-class-colour').value = PALETTE[classes.length % PALETTE.length];
  updateHint();
}

/**
 * An annotation change: an answer to this page's own request (its undo/redo state included) or,
 * with `own` false, another page's change announced by the server (whose undo/redo state is
 * the shared history's, not this person's: theirs is fetched).
 */
function applyAnnotation(r, own = true) {
  if (r.frame !== null && r.frame !== undefined) {
    S.versions[r.frame] = Math.max(S.versions[r.frame] ?? 0, r.version);
  }
  S.annotated = new Set(r.annotatedFrames);
  if (own) {
    S.canUndo = r.canUndo;
    S.canRedo = r.canRedo;
  } else {
    refreshHistory();
  }
  updateHistoryButtons();
  updateThumbMarks();
  updateHint();
}

/** Fetches this person's undo/redo state (their own history on the server). */
function refreshHistory() {
  request('GET', '/api/history').then((h) => {
    S.canUndo = h.canUndo;
    S.canRedo = h.canRedo;
    updateHistoryButtons();
  }, () => {});
}

function applyProgress(p) {
  S.progress = p;
  S.progressAt = Date.now();
  updateStatus();
}

// ---- frames ---------------------------------------------------------------------------------

function gotoFrame(i, force = false) {
  if (!S.scene) {
    return;
  }
  i = Math.max(0, Math.min(S.scene.frames - 1, i | 0));
  if (i === S.frame && !force) {
    return;
  }
  S.frame = i;
  history.replaceState(null, '', '#frame=' + i);
  $('frame-slider').value = String(i);
  $('frame-label').textContent = `${i + 1} / ${S.scene.frames}`;
  $('frame-title').textContent = `Frame ${i}  ·  ${S.scene.frameNames[i]}`;
  $('frame-box').dataset.frame = String(i);
  $('layer-rgb').src = `/api/frames/${i}/rgb.png?v=${S.token}`;
  view.resetScribbles();
  $('layer-seg').style.opacity = '0';
  $('layer-seg').removeAttribute('src');
  $('layer-seg').dataset.step = '-1';
  S.overlay = { frame: i, step: -1, at: 0, labelled: false };
  for (const id of ['view-colour', 'view-depth', 'view-features']) {
    $(id).removeAttribute('src');
    $(id).dataset.step = '-1';
  }
  loadScribbles(i);
  // Renders of frames never rendered take seconds and hold a connection each (browsers allow six
  // per server): ask only once the frame stays, and drop the request of the frame moved away from.
  clearTimeout(frameRender.timer);
  frameRender.abort?.abort();
  const abort = new AbortController();
  frameRender.abort = abort;
  frameRender.timer = setTimeout(() => {
    if (S.frame === i) {
      loadRendered(i, null, abort.signal);
      live.setView(i);
    }
  }, FRAME_SETTLE_MS);
  for (const t of document.querySelectorAll('.thumb.current')) {
    t.classList.remove('current');
    t.setAttribute('aria-selected', 'false');
  }
  const t = $('thumbs').children[i];
  if (t) {
    t.classList.add('current');
    t.setAttribute('aria-selected', 'true');
    t.scrollIntoView({ block: 'nearest', inline: 'center' });
  }
  updateOverlayInfo();
}

async function loadScribbles(frame) {
  try {
    const res = await fetch(`/api/frames/${frame}/scribbles.png?v=${S.token}-${S.versions[frame] ?? 0}-${S.classesVersion}`);
    if (!res.ok) {
      throw new ApiError('cannot load the scribbles of frame ' + frame + ' (' + res.status + ')', res.status);
    }
    const version = Number(res.headers.get('X-Version') ?? 0);
    const bitmap = await createImageBitmap(await res.blob());
    if (frame === S.frame) {
      view.setScribbles(bitmap, version);
      $('layer-scribbles').dataset.version = String(view.baseVersion);
    }
  } catch (e) {
    fail(e);
  }
}

/** Loads the segmentation overlay and the side views of {@code frame} (step null = latest). */
async function loadRendered(frame, step, signal = undefined) {
  const q = step === null ? 'latest-' + Date.now() : String(step);
  try {
    const res = await fetch(`/api/frames/${frame}/segmentation.png?step=${q}`, { signal });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new ApiError(body.error || 'rendering failed (' + res.status + ')', res.status);
    }
    const s = Number(res.headers.get('X-Step') ?? -1);
    const labelled = res.headers.get('X-Labelled') === 'true';
    const renderedAt = Date.now() - Number(res.headers.get('X-Render-Age-Ms') ?? 0);
    const blob = await res.blob();
    if (frame !== S.frame || s < S.overlay.step) {
      return;
    }
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.src = url;
    try {
      await img.decode();
    } catch (e) {
      URL.revokeObjectURL(url);
      throw e;
    }
    if (frame !== S.frame || s < S.overlay.step) { // moved on, or a newer overlay arrived meanwhile
      URL.revokeObjectURL(url);
      return;
    }
    const seg = $('layer-seg');
    seg.src = url;
    if (segUrl) {
      URL.revokeObjectURL(segUrl);
    }
    segUrl = url;
    seg.dataset.step = String(s);
    seg.dataset.labelled = String(labelled);
    applyOpacity();
    S.overlay = { frame, step: s, at: renderedAt, labelled };
    updateOverlayInfo();
    swapImage($('view-colour'), frame, s, 'colour');
    swapImage($('view-depth'), frame, s, 'depth');
    if (S.scene.features) {
      swapImage($('view-features'), frame, s, 'features');
    }
  } catch (e) {
    if (frame === S.frame && e.name !== 'AbortError') {
      fail(e);
    }
  }
}

/** Shows side view {@code kind} of {@code frame} at {@code step} once loaded, unless the page has moved on. */
function swapImage(el, frame, step, kind) {
  const url = `/api/frames/${frame}/${kind}.png?step=${step}`;
  const img = new Image();
  img.src = url;
  img.decode().then(() => {
    if (frame === S.frame && step >= Number(el.dataset.step ?? -1) && step >= S.overlay.step) {
      el.src = url;
      el.dataset.step = String(step);
    }
  }, () => {});
}

function buildThumbs() {
  const strip = $('thumbs');
  strip.replaceChildren();
  strip.style.setProperty('--aspect', `${S.scene.width} / ${S.scene.height}`);
  for (let i = 0; i < S.scene.frames; i++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'thumb';
    b.setAttribute('role', 'option');
    b.title = `Frame ${i} · ${S.scene.frameNames[i]}`;
    b.dataset.frame = String(i);
    const img = document.createElement('img');
    img.loading = 'lazy';
    img.alt = '';
    img.draggable = false;
    img.src = `/api/frames/${i}/thumb.png?v=${S.token}`;
    const idx = document.createElement('span');
    idx.className = 'idx';
    idx.textContent = String(i);
    b.append(img, idx);
    b.addEventListener('click', () => gotoFrame(i));
    strip.append(b);
  }
}

function updateThumbMarks() {
  const strip = $('thumbs');
  for (let i = 0; i < strip.children.length; i++) {
    strip.children[i].classList.toggle('annotated', S.annotated.has(i));
  }
}

// ---- classes --------------------------------------------------------------------------------

const PENCIL = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 20h4L19 9l-4-4L4 16z"/><path d="m13.5 6.5 4 4"/></svg>';

function renderPalette() {
  if (S.renaming) {
    return; // another page changed the classes: rebuilt when this rename ends, keeping what is typed
  }
  const list = $('classes');
  list.replaceChildren();
  for (const c of S.classes) {
    const li = document.createElement('li');
    li.className = 'class-item';
    li.dataset.id = String(c.id);
    li.title = `Paint ${c.name}` + (c.id < 9 ? ` (${c.id + 1})` : '');
    const sw = document.createElement('label');
    sw.className = 'swatch';
    sw.style.background = c.colour;
    sw.title = 'Change the colour of ' + c.name;
    const picker = document.createElement('input');
    picker.type = 'color';
    picker.value = c.colour;
    picker.setAttribute('aria-label', 'Colour of ' + c.name);
    picker.addEventListener('input', () => {
      sw.style.background = picker.value;
    });
    picker.addEventListener('change', () => updateClass(c.id, { colour: picker.value }));
    picker.addEventListener('click', (e) => e.stopPropagation());
    sw.append(picker);
    const name = document.createElement('span');
    name.className = 'class-name';
    name.textContent = c.name;
    name.addEventListener('dblclick', () => startRename(li, c));
    const key = document.createElement('span');
    key.className = 'class-key';
    key.textContent = c.id < 9 ? String(c.id + 1) : '';
    const rename = document.createElement('button');
    rename.type = 'button';
    rename.className = 'rename';
    rename.title = 'Rename ' + c.name;
    rename.innerHTML = PENCIL;
    rename.addEventListener('click', (e) => {
      e.stopPropagation();
      startRename(li, c);
    });
    li.append(sw, name, key, rename);
    li.addEventListener('click', () => selectClass(c.id));
    list.append(li);
  }
}

// The server counts a class name's characters (code points); an input's maxLength counts UTF-16
// units, two per character beyond the BMP. Allow that many units and let the server's message say
// when a name is too long, so 64 emoji are not cut at 32.
function nameUnits() {
  return 2 * (S.limits.maxClassNameLength ?? 64);
}

function startRename(li, c) {
  const name = li.querySelector('.class-name');
  if (!name) {
    return;
  }
  const input = document.createElement('input');
  input.className = 'class-name-edit';
  input.value = c.name;
  input.maxLength = nameUnits();
  input.setAttribute('aria-label', 'New name of ' + c.name);
  name.replaceWith(input);
  input.focus();
  input.select();
  S.renaming = true;
  let done = false;
  const finish = (commit) => {
    if (done) {
      return;
    }
    done = true;
    S.renaming = false;
    const v = input.value.trim();
    if (commit && v && v !== c.name) {
      updateClass(c.id, { name: v });
    } else {
      renderPalette();
      highlightClass();
    }
  };
  input.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter') {
      finish(true);
    } else if (e.key === 'Escape') {
      finish(false);
    }
  });
  input.addEventListener('blur', () => finish(true));
  input.addEventListener('click', (e) => e.stopPropagation());
}

async function updateClass(id, fields) {
  try {
    const r = await request('PATCH', `/api/classes/${id}`, fields);
    applyClasses(r.classes, r.version);
    reloadLayers();
  } catch (e) {
    fail(e);
    renderPalette();
    highlightClass();
  }
}

/** Selects class {@code id} for painting (and switches to the brush). */
function selectClass(id) {
  if (id < 0 || id >= S.classes.length) {
    return;
  }
  S.selected = id;
  highlightClass();
  if (S.tool !== 'paint') {
    setTool('paint');
  }
}

/** Shows the selected class in the palette and gives its colour to the brush. */
function highlightClass() {
  for (const li of $('classes').children) {
    li.classList.toggle('selected', Number(li.dataset.id) === S.selected);
  }
  const c = S.classes[S.selected];
  if (c) {
    view.setColour(c.colour);
    view.classId = c.id;
  }
  view.enabled = S.tool === 'erase' || S.classes.length > 0;
}

async function addClass(e) {
  e.preventDefault();
  const name = $('new-class-name').value.trim();
  if (!name) {
    $('new-class-name').focus();
    toast('Type a name for the new class', 'error');
    return;
  }
  try {
    const r = await request('POST', '/api/classes', { name, colour: $('new-class-colour').value });
    $('new-class-name').value = '';
    applyClasses(r.classes, r.version);
    selectClass(r.id);
  } catch (err) {
    fail(err);
  }
}

// ---- tools ----------------------------------------------------------------------------------

function setTool(tool) {
  S.tool = tool;
  view.setTool(tool);
  $('tool-brush').classList.toggle('active', tool === 'paint');
  $('tool-eraser').classList.toggle('active', tool === 'erase');
  $('tool-brush').setAttribute('aria-pressed', String(tool === 'paint'));
  $('tool-eraser').setAttribute('aria-pressed', String(tool === 'erase'));
  view.enabled = tool === 'erase' || S.classes.length > 0;
}

function setRadius(r) {
  S.radius = Math.round(Math.max(1, Math.min(Number($('brush-size').max), r)) * 2) / 2;
  $('brush-size').value = String(S.radius);
  $('brush-size-out').textContent = S.radius + ' px';
  view.setRadius(S.radius);
}

function applyOpacity() {
  $('layer-seg').style.opacity = S.overlayOn && S.overlay.frame === S.frame ? String(S.opacity) : '0';
  $('overlay-opacity-out').textContent = Math.round(S.opacity * 100) + '%';
}

function onStroke(e) {
  const d = e.detail;
  const frame = S.frame;
  const body = { kind: d.kind, radius: d.radius, points: d.points };
  if (d.kind === 'paint') {
    body.classId = d.classId;
  }
  queueEdit(async () => {
    try {
      const r = await request('POST', `/api/frames/${frame}/strokes`, body);
      view.acknowledge(d.stroke, r.version);
      applyAnnotation(r);
      if (frame === S.frame) {
        await loadScribbles(frame);
      }
    } catch (err) {
      view.discard(d.stroke);
      fail(err);
    }
  });
}

// Edits reach the server in the order the person made them: a Ctrl+Z or a clear pressed while a
// stroke is still being sent must not overtake it (it would undo the stroke before, or clear the
// frame before the stroke lands).
function queueEdit(edit) {
  strokeChain = strokeChain.then(edit);
  return strokeChain;
}

function undoRedo(undo) {
  return queueEdit(async () => {
    try {
      const r = await request('POST', undo ? '/api/undo' : '/api/redo');
      applyAnnotation(r);
      if (!r.done) {
        toast(undo ? 'Nothing to undo' : 'Nothing to redo');
        return;
      }
      if (r.frame !== S.frame && view.active) {
        // Drawing now: moving away would drop the stroke in progress; say where the change was.
        toast(`${undo ? 'Undid' : 'Redid'} a change on frame ${r.frame}`);
      } else if (r.frame !== S.frame) {
        gotoFrame(r.frame);
        toast(`${undo ? 'Undid' : 'Redid'} a change on frame ${r.frame}`);
      } else {
        loadScribbles(r.frame);
      }
    } catch (e) {
      fail(e); // e.g. someone changed those pixels since: the change left this person's history
      refreshHistory();
    }
  });
}

function clearFrame() {
  const frame = S.frame;
  return queueEdit(async () => {
    try {
      const before = S.annotated.has(frame);
      const r = await request('POST', `/api/frames/${frame}/clear`);
      applyAnnotation(r);
      loadScribbles(frame);
      toast(before ? `Cleared frame ${frame} (Ctrl+Z brings it back)` : `Frame ${frame} has no scribbles`);
    } catch (e) {
      fail(e);
    }
  });
}

async function togglePause() {
  const paused = S.progress && S.progress.paused;
  try {
    applyProgress(await request('POST', paused ? '/api/training/resume' : '/api/training/pause'));
  } catch (e) {
    fail(e);
  }
}

async function suggest() {
  if (S.busy.has('suggest')) {
    return;
  }
  S.busy.add('suggest');
  $('suggest').disabled = true;
  try {
    const from = S.frame;
    const r = await request('GET', '/api/suggest');
    if (view.active || S.frame !== from) {
      // The person started drawing or moved on while the server looked: do not pull them away.
      toast(`Suggested frame ${r.frame}: the model is least sure there`);
    } else {
      gotoFrame(r.frame);
      toast(`Frame ${r.frame}: the model is least sure here`);
    }
  } catch (e) {
    fail(e);
  } finally {
    S.busy.delete('suggest');
    $('suggest').disabled = false;
  }
}

// ---- export ---------------------------------------------------------------------------------

const exportToasts = new Map();

function renderExports() {
  const menu = $('export-menu');
  menu.replaceChildren();
  if (!S.exports.length) {
    const note = document.createElement('div');
    note.className = 'menu-note';
    note.textContent = 'No exporters are available in this build of the app.';
    menu.append(note);
    return;
  }
  for (const x of S.exports) {
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute('role', 'menuitem');
    b.dataset.export = x.name;
    b.textContent = x.label;
    b.addEventListener('click', () => {
      toggleMenu(false);
      startExport(x);
    });
    menu.append(b);
  }
}

function toggleMenu(open) {
  const menu = $('export-menu');
  const show = open ?? menu.hidden;
  menu.hidden = !show;
  $('export').setAttribute('aria-expanded', String(show));
}

async function startExport(x) {
  try {
    const job = await request('POST', `/api/exports/${x.name}`);
    const t = toast(`Exporting ${x.label}…`, 'info', 600000);
    t.dataset.job = job.name;
    exportToasts.set(job.id, t);
  } catch (e) {
    fail(e);
  }
}

function onExportEvent(job) {
  const t = exportToasts.get(job.id);
  if (job.state === 'running') {
    if (t) {
      t.textContent = `Exporting ${job.name}: ${job.stage} ${job.done}/${job.total}`;
    }
    return;
  }
  if (t) {
    t.remove();
    exportToasts.delete(job.id);
  }
  if (job.state === 'done') {
    const m = toast(`Exported ${job.name}${job.message ? ' (' + job.message + ')' : ''} to ${job.output}`, 'ok', 15000);
    m.dataset.export = job.name;
    m.dataset.state = 'done';
  } else {
    toast(`Export ${job.name} ${job.state === 'cancelled' ? 'cancelled' : 'failed'}: ${job.message}`, 'error');
  }
}

/**
 * Asks for the state of every export this page is waiting for: one that finished while the page was
 * disconnected sent its last event to nobody, and its progress toast would stay forever.
 */
function recheckExports() {
  for (const id of [...exportToasts.keys()]) {
    request('GET', `/api/jobs/${id}`).then(onExportEvent, (e) => {
      const t = exportToasts.get(id);
      if (t) {
        t.remove();
        exportToasts.delete(id);
        toast(`Lost track of export ${t.dataset.job}: ${e.message}`, 'error');
      }
    });
  }
}

// ---- status ---------------------------------------------------------------------------------

function fmtLoss(v) {
  if (v === null || v === undefined) {
    return '–';
  }
  return v >= 0.01 ? v.toFixed(3) : v.toExponential(1);
}

function ago(ms) {
  const s = ms / 1000;
  if (s < 1) {
    return 'just now';
  }
  if (s < 90) {
    return Math.round(s) + ' s ago';
  }
  return Math.round(s / 60) + ' min ago';
}

function updateStatus() {
  const p = S.progress;
  if (!p) {
    return;
  }
  const badge = $('train-state');
  badge.className = 'badge ' + (p.trainingError ? 'failed' : p.paused ? 'paused' : 'training');
  badge.textContent = p.trainingError ? 'Training stopped' : p.paused ? 'Paused' : 'Training';
  badge.title = p.trainingError || '';
  $('pause').classList.toggle('paused', p.paused);
  $('pause-label').textContent = p.paused ? 'Resume' : 'Pause';
  $('step').textContent = 'step ' + p.step.toLocaleString('en');
  $('speed').textContent = (p.paused ? 0 : p.stepsPerSecond).toFixed(1) + ' steps/s';
  const l = p.losses || {};
  const parts = [];
  for (const [k, name] of [['rgb', 'rgb'], ['depth', 'depth'], ['semantic', 'sem'], ['feature', 'feat']]) {
    if (k in l) {
      parts.push(`${name} ${fmtLoss(l[k])}`);
    }
  }
  $('losses').textContent = 'loss ' + fmtLoss(l.total) + (parts.length ? '  (' + parts.join(' · ') + ')' : '');
  $('labelled').textContent = `${p.annotatedPixels.toLocaleString('en')} px labelled in ${S.annotated.size} frame${S.annotated.size === 1 ? '' : 's'}`;
  tick();
}

function tick() {
  if (S.progress) {
    $('updated').textContent = 'updated ' + ago(Date.now() - S.progressAt);
  }
  updateOverlayInfo();
}

function updateOverlayInfo() {
  const o = S.overlay;
  const el = $('overlay-info');
  if (o.frame !== S.frame || o.step < 0) {
    el.textContent = 'Overlay: rendering…';
  } else if (!o.labelled) {
    // Transparent until the model has trained on a scribble (a paused model has arbitrary classes).
    el.textContent = S.annotated.size > 0 ? 'Overlay: waiting for training to use the scribbles'
      : 'Overlay: waiting for scribbles';
  } else {
    el.textContent = `Overlay: step ${o.step.toLocaleString('en')}, ${ago(Date.now() - o.at)}`;
  }
  const stale = S.progress && o.step >= 0 && S.progress.step - o.step > 200;
  $('layer-seg').classList.toggle('stale', Boolean(stale));
}

function setConnection(state, retryIn, reason) {
  const c = $('conn');
  c.className = 'conn ' + state;
  document.body.dataset.connection = state;
  $('conn-label').textContent = state === 'connected' ? 'Connected'
    : state === 'connecting' ? 'Connecting…'
    : `${reason ? reason + '. ' : ''}Offline, retrying in ${Math.round(retryIn / 1000)} s`;
}

function updateHistoryButtons() {
  $('undo').disabled = !S.canUndo;
  $('redo').disabled = !S.canRedo;
}

function updateHint() {
  const h = $('empty-hint');
  if (!S.classes.length) {
    h.textContent = 'Add a class on the left to start painting.';
    h.hidden = false;
  } else if (!S.annotated.size) {
    h.textContent = 'Paint a few strokes of each class; the model infers the rest.';
    h.hidden = false;
  } else {
    h.hidden = true;
  }
}

function reloadLayers() {
  if (S.frame >= 0) {
    loadScribbles(S.frame);
    loadRendered(S.frame, null);
  }
}

// ---- events ---------------------------------------------------------------------------------

function onLive(msg) {
  switch (msg.type) {
    case 'hello':
      applyState(msg);
      refreshHistory(); // the socket's state holds the shared history's undo/redo, not this person's
      reloadLayers();
      recheckExports();
      break;
    case 'resync':
      request('GET', '/api/state').then((st) => {
        applyState(st);
        refreshHistory(); // as after hello: the state holds the shared history, not this person's
        reloadLayers();
        recheckExports();
      }, fail);
      break;
    case 'progress':
      applyProgress(msg);
      break;
    case 'annotations':
      S.versions[msg.frame] = Math.max(S.versions[msg.frame] ?? 0, msg.version);
      applyAnnotation(msg, false);
      if (msg.frame === S.frame && msg.version > view.baseVersion) {
        loadScribbles(msg.frame);
      }
      break;
    case 'classes':
      if (msg.version > S.classesVersion) {
        applyClasses(msg.classes, msg.version);
        reloadLayers();
      }
      break;
    case 'rendered':
      if (msg.frame === S.frame && msg.step >= S.overlay.step) {
        loadRendered(msg.frame, msg.step);
      }
      break;
    case 'export':
      onExportEvent(msg);
      break;
    case 'trainingFailed':
      toast(msg.error, 'error');
      break;
    case 'error':
      toast('The server refused a message: ' + msg.error, 'error');
      break;
    default:
      break;
  }
}

function onKey(e) {
  const t = e.target;
  if (t instanceof HTMLInputElement && t.type !== 'range' && t.type !== 'checkbox') {
    return;
  }
  if ($('help-dialog').open) {
    return;
  }
  const ctrl = e.ctrlKey || e.metaKey;
  const k = e.key;
  if (ctrl && (k === 'z' || k === 'Z')) {
    e.preventDefault();
    undoRedo(!e.shiftKey);
  } else if (ctrl && (k === 'y' || k === 'Y')) {
    e.preventDefault();
    undoRedo(false);
  } else if ((ctrl || e.altKey) && !((k === '[' || k === ']') && e.getModifierState?.('AltGraph'))) {
    return; // but [ and ] typed with AltGr (German and other layouts) resize the brush
  } else if (k === 'ArrowLeft' || k === 'ArrowRight') {
    e.preventDefault();
    gotoFrame(S.frame + (k === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 10 : 1));
  } else if ((k === 'Home' || k === 'End') && S.scene) {
    e.preventDefault();
    gotoFrame(k === 'Home' ? 0 : S.scene.frames - 1);
  } else if (k === 'b' || k === 'B') {
    setTool('paint');
  } else if (k === 'e' || k === 'E') {
    setTool('erase');
  } else if (k === '[' || k === ']') {
    const next = S.radius * (k === '[' ? 1 / 1.25 : 1.25);
    setRadius(k === '[' ? Math.min(S.radius - 0.5, next) : Math.max(S.radius + 0.5, next));
  } else if (/^[1-9]$/.test(k)) {
    selectClass(Number(k) - 1);
  } else if (k === ' ') {
    e.preventDefault();
    togglePause();
  } else if (k === 'n' || k === 'N') {
    suggest();
  } else if (k === 'o' || k === 'O') {
    S.overlayOn = !S.overlayOn;
    applyOpacity();
  } else if (k === 's' || k === 'S') {
    S.scribblesOn = !S.scribblesOn;
    $('show-scribbles').checked = S.scribblesOn;
    $('layer-scribbles').style.visibility = S.scribblesOn ? 'visible' : 'hidden';
  } else if (k === 'Delete' && e.shiftKey) {
    clearFrame();
  } else if (k === '0') {
    view.fit();
  } else if (k === '?') {
    $('help-dialog').showModal();
  } else if (k === 'Escape') {
    toggleMenu(false);
  }
}

function bindUi() {
  $('tool-brush').addEventListener('click', () => setTool('paint'));
  $('tool-eraser').addEventListener('click', () => setTool('erase'));
  $('brush-size').addEventListener('input', (e) => setRadius(Number(e.target.value)));
  $('overlay-opacity').addEventListener('input', (e) => {
    S.opacity = Number(e.target.value) / 100;
    S.overlayOn = true;
    applyOpacity();
  });
  $('show-scribbles').addEventListener('change', (e) => {
    S.scribblesOn = e.target.checked;
    $('layer-scribbles').style.visibility = S.scribblesOn ? 'visible' : 'hidden';
  });
  $('undo').addEventListener('click', () => undoRedo(true));
  $('redo').addEventListener('click', () => undoRedo(false));
  $('clear').addEventListener('click', clearFrame);
  $('pause').addEventListener('click', togglePause);
  $('suggest').addEventListener('click', suggest);
  $('export').addEventListener('click', (e) => {
    e.stopPropagation();
    toggleMenu();
  });
  document.addEventListener('click', (e) => {
    if (!e.target.closest('.menu')) {
      toggleMenu(false);
    }
    // After a mouse click, give the keyboard back to the shortcuts (Space must not re-click).
    const b = e.target.closest('button, input[type=checkbox]');
    if (b && e.detail > 0) {
      b.blur();
    }
  });
  $('help').addEventListener('click', () => $('help-dialog').showModal());
  $('add-class').addEventListener('submit', addClass);
  $('frame-slider').addEventListener('input', (e) => gotoFrame(Number(e.target.value)));
  $('prev').addEventListener('click', () => gotoFrame(S.frame - 1));
  $('next').addEventListener('click', () => gotoFrame(S.frame + 1));
  document.addEventListener('keydown', onKey);
  view.addEventListener('stroke', onStroke);
  view.addEventListener('refused', () => toast('Add a class on the left first', 'error'));
  live.addEventListener('message', (e) => onLive(e.detail));
  live.addEventListener('state', (e) => setConnection(e.detail.state, e.detail.retryIn, e.detail.reason));
  setInterval(tick, 1000);
}

async function main() {
  bindUi();
  setRadius(S.radius);
  applyOpacity();
  // The server may still be starting or briefly away: retry with back-off rather than stay blank.
  for (let attempt = 0; ; attempt++) {
    try {
      applyState(await request('GET', '/api/state'));
      break;
    } catch (e) {
      fail(e);
      await new Promise((resolve) => setTimeout(resolve, Math.min(8000, 500 * 2 ** attempt)));
    }
  }
  const m = /frame=(\d+)/.exec(location.hash);
  gotoFrame(m ? Number(m[1]) : 0, true);
  live.connect();
}

main();

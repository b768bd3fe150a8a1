// The main frame view: RGB image, translucent segmentation overlay, opaque scribble layer, brush
// cursor, zoom/pan, and pointer strokes. Coordinates follow the library's convention: the centre
// of pixel (u, v) has image coordinates (u, v), so the image spans [-0.5, W - 0.5].

const MIN_STEP = 0.35; // pixels between recorded stroke points

export class FrameView extends EventTarget {
  constructor({ viewport, box, rgb, seg, scribbles, cursor }) {
    super();
    this.viewport = viewport;
    this.box = box;
    this.rgb = rgb;
    this.seg = seg;
    this.canvas = scribbles;
    this.ctx = scribbles.getContext('2d');
    this.cursor = cursor;
    this.width = 1;
    this.height = 1;
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.tool = 'paint';
    this.radius = 6;
    this.colour = '#ffffff';
    this.classId = -1;
    this.maxPoints = 10000;
    this.enabled = true;
    this.base = null; // the server's scribble image currently shown
    this.baseVersion = -1;
    this.pending = []; // strokes drawn locally that the loaded scribble image may not hold yet
    this.active = null; // the stroke being drawn
    this.pan = null;
    this.lastPointer = null;
    this.bind();
    // Refit on resize only while the person has not zoomed or panned: the viewport changes height
    // when toolbar or status text wraps, which must not throw away their zoom mid-stroke.
    this.fitted = true;
    new ResizeObserver(() => {
      if (this.fitted) {
        this.fit();
      }
    }).observe(viewport);
  }

  // ---- layout ---------------------------------------------------------------------------------

  setImageSize(w, h) {
    this.width = w;
    this.height = h;
    this.box.style.width = w + 'px';
    this.box.style.height = h + 'px';
    this.canvas.width = w;
    this.canvas.height = h;
    this.fit();
  }

  /** Fits the whole frame in the viewport. */
  fit() {
    const vw = this.viewport.clientWidth;
    const vh = this.viewport.clientHeight;
    if (!vw || !vh) {
      return;
    }
    const margin = 16;
    this.scale = Math.max(0.01, Math.min((vw - 2 * margin) / this.width, (vh - 2 * margin) / this.height));
    this.tx = (vw - this.width * this.scale) / 2;
    this.ty = (vh - this.height * this.scale) / 2;
    this.fitted = true;
    this.applyTransform();
  }

  zoomAt(factor, vx, vy) {
    const fitScale = Math.min(this.viewport.clientWidth / this.width, this.viewport.clientHeight / this.height);
    const s = Math.min(fitScale * 16, Math.max(fitScale * 0.5, this.scale * factor));
    const k = s / this.scale;
    this.tx = vx - (vx - this.tx) * k;
    this.ty = vy - (vy - this.ty) * k;
    this.scale = s;
    this.fitted = false;
    this.applyTransform();
  }

  applyTransform() {
    this.box.style.transform = `translate(${this.tx}px, ${this.ty}px) scale(${this.scale})`;
    this.updateCursor();
  }

  // ---- brush ----------------------------------------------------------------------------------

  setTool(tool) {
    this.tool = tool;
    this.cursor.classList.toggle('erase', tool === 'erase');
  }

  setRadius(r) {
    this.radius = r;
    this.updateCursor();
  }

  setColour(c) {
    this.colour = c;
  }

  // ---- scribble layer -------------------------------------------------------------------------

  /** Forgets the scribbles shown (e.g. when moving to another frame). */
  resetScribbles() {
    this.base = null;
    this.baseVersion = -1;
    this.pending = [];
    this.active = null;
    this.redraw();
  }

  /** Shows the server's scribble image of version {@code version}. */
  setScribbles(img, version) {
    if (version < this.baseVersion) {
      return; // an older answer arrived late
    }
    this.base = img;
    this.baseVersion = version;
    this.pending = this.pending.filter((s) => s.version === null || s.version > version);
    this.redraw();
  }

  /** The server acknowledged {@code stroke}: the frame is now at {@code version}. */
  acknowledge(stroke, version) {
    stroke.version = version;
  }

  /** Drops a stroke the server refused. */
  discard(stroke) {
    this.pending = this.pending.filter((s) => s !== stroke);
    this.redraw();
  }

  redraw() {
    const c = this.ctx;
    c.globalCompositeOperation = 'source-over';
    c.clearRect(0, 0, this.width, this.height);
    if (this.base) {
      c.imageSmoothingEnabled = false;
      c.drawImage(this.base, 0, 0, this.width, this.height);
    }
    for (const s of this.pending) {
      this.paintStroke(s, 0);
    }
    if (this.active) {
      this.paintStroke(this.active, 0);
    }
  }

  /** Paints {@code s} from point index {@code from} (0 = all). */
  paintStroke(s, from) {
    const c = this.ctx;
    const p = s.points;
    c.save();
    c.globalCompositeOperation = s.kind === 'erase' ? 'destination-out' : 'source-over';
    c.strokeStyle = s.kind === 'erase' ? '#000' : s.colour;
    c.fillStyle = c.strokeStyle;
    c.lineWidth = 2 * s.radius;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    if (p.length === 2) {
      c.beginPath();
      c.arc(p[0] + 0.5, p[1] + 0.5, s.radius, 0, 2 * Math.PI);
      c.fill();
    } else {
      const start = Math.max(0, from - 2);
      c.beginPath();
      c.moveTo(p[start] + 0.5, p[start + 1] + 0.5);
      for (let i = start + 2; i < p.length; i += 2) {
        c.lineTo(p[i] + 0.5, p[i + 1] + 0.5);
      }
      c.stroke();
    }
    c.restore();
  }

  // ---- pointer --------------------------------------------------------------------------------

  /** Image coordinates of a pointer event (pixel centres at integers). */
  toImage(e) {
    const r = this.box.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * this.width - 0.5;
    const y = ((e.clientY - r.top) / r.height) * this.height - 0.5;
    return [x, y];
  }

  clamp(x, y) {
    return [Math.min(this.width - 0.5, Math.max(-0.5, x)), Math.min(this.height - 0.5, Math.max(-0.5, y))];
  }

  /** Whether image point (x, y) lies on the image. */
  inside(x, y) {
    return x >= -0.5 && y >= -0.5 && x <= this.width - 0.5 && y <= this.height - 0.5;
  }

  bind() {
    const v = this.viewport;
    v.addEventListener('contextmenu', (e) => e.preventDefault());
    v.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = v.getBoundingClientRect();
      this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    v.addEventListener('pointerdown', (e) => this.onDown(e));
    v.addEventListener('pointermove', (e) => this.onMove(e));
    v.addEventListener('pointerup', (e) => this.onUp(e, false));
    v.addEventListener('pointercancel', (e) => this.onUp(e, true));
    v.addEventListener('pointerenter', () => this.updateCursor());
    v.addEventListener('pointerleave', () => {
      this.lastPointer = null;
      this.updateCursor();
    });
  }

  onDown(e) {
    if (e.button === 1 || e.button === 2) {
      this.pan = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, id: e.pointerId };
      this.viewport.setPointerCapture(e.pointerId);
      this.viewport.classList.add('panning');
      e.preventDefault();
      return;
    }
    if (e.button !== 0 || this.active) {
      return;
    }
    const [px, py] = this.toImage(e);
    if (!this.inside(px, py)) {
      return; // a press on the margin around the image paints nothing
    }
    if (!this.enabled) {
      this.dispatchEvent(new CustomEvent('refused'));
      return;
    }
    e.preventDefault();
    this.viewport.setPointerCapture(e.pointerId);
    const [x, y] = [px, py];
    this.active = {
      kind: this.tool, classId: this.classId, colour: this.colour, radius: this.radius,
      points: [x, y], version: null, id: e.pointerId,
    };
    this.paintStroke(this.active, 0);
  }

  onMove(e) {
    const r = this.viewport.getBoundingClientRect();
    this.lastPointer = [e.clientX - r.left, e.clientY - r.top];
    if (this.pan && e.pointerId === this.pan.id) {
      this.tx = this.pan.tx + e.clientX - this.pan.x;
      this.ty = this.pan.ty + e.clientY - this.pan.y;
      this.fitted = false;
      this.applyTransform();
      return;
    }
    this.updateCursor();
    const s = this.active;
    if (!s || e.pointerId !== s.id) {
      return;
    }
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    let stroke = s;
    let from = stroke.points.length;
    for (const ev of events.length ? events : [e]) {
      const [rx, ry] = this.toImage(ev);
      if (!this.inside(rx, ry)) {
        if (!stroke.outside) {
          // Leaving the image: this part ends at its edge, and painting resumes where the pointer
          // comes back (clamping the way in between would paint a strip along the border).
          const [bx, by] = this.clamp(rx, ry);
          stroke.points.push(bx, by);
          this.paintStroke(stroke, from);
          this.finish(stroke);
          stroke = { ...stroke, points: [], outside: true, version: null };
          this.active = stroke;
          from = 0;
        }
        continue;
      }
      if (stroke.outside) {
        stroke.outside = false;
        stroke.points.push(rx, ry);
        continue;
      }
      const [x, y] = [rx, ry];
      const n = stroke.points.length;
      const dx = x - stroke.points[n - 2];
      const dy = y - stroke.points[n - 1];
      if (dx * dx + dy * dy < MIN_STEP * MIN_STEP) {
        continue;
      }
      if (stroke.points.length / 2 >= this.maxPoints) {
        // Keep messages within the server's limit: hand this part over (full, never past the
        // limit, which the server would refuse whole) and go on with a new stroke from its end.
        if (stroke.points.length > from) {
          this.paintStroke(stroke, from);
        }
        const last = stroke.points.slice(-2);
        this.finish(stroke);
        stroke = { ...stroke, points: last, version: null };
        this.active = stroke;
        from = 2;
      }
      stroke.points.push(x, y);
    }
    if (stroke.points.length > from) {
      this.paintStroke(stroke, from);
    }
  }

  onUp(e, cancelled) {
    if (this.pan && e.pointerId === this.pan.id) {
      this.pan = null;
      this.viewport.classList.remove('panning');
      return;
    }
    const s = this.active;
    if (!s || e.pointerId !== s.id) {
      return;
    }
    this.active = null;
    if (cancelled) {
      this.redraw();
      return;
    }
    if (s.outside || !s.points.length) {
      return; // released outside the image: the part inside was handed over when it left
    }
    this.finish(s);
  }

  finish(s) {
    this.pending.push(s);
    const points = s.points.map((v) => Math.round(v * 100) / 100);
    this.dispatchEvent(new CustomEvent('stroke', {
      detail: { stroke: s, kind: s.kind, classId: s.classId, radius: s.radius, points },
    }));
  }

  updateCursor() {
    const c = this.cursor;
    const p = this.lastPointer;
    if (!p || this.pan) {
      c.hidden = true;
      this.viewport.classList.remove('painting');
      return;
    }
    const d = 2 * this.radius * this.scale;
    c.hidden = false;
    c.style.width = d + 'px';
    c.style.height = d + 'px';
    c.style.left = p[0] + 'px';
    c.style.top = p[1] + 'px';
    this.viewport.classList.add('painting');
  }
}

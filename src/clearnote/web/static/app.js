// Clearnote: a little plain JavaScript (no inline scripts; CSP script-src 'self').
"use strict";
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Automatic logoff after inactivity (the server also expires idle sessions).
  const idle = parseInt((document.querySelector('meta[name="idle-timeout"]') || {}).content || "0", 10);
  if (idle > 0 && document.body.dataset.signedIn === "yes") {
    let timer = null;
    const reset = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const form = document.getElementById("logout-form");
        const reason = document.getElementById("logout-reason");
        if (form && reason) { reason.value = "idle"; form.submit(); }
        else { window.location.assign("/login?reason=idle"); }
      }, idle * 1000);
    };
    ["keydown", "mousedown", "touchstart", "scroll"].forEach((e) =>
      window.addEventListener(e, reset, { passive: true }));
    reset();
  }

  // Audio: fetched once (one audited read), played from a blob URL, never cached.
  const player = document.getElementById("player");
  let loading = null;
  const loadAudio = () => {
    if (!player) return Promise.reject(new Error("no player"));
    if (player.src) return Promise.resolve();
    if (!loading) {
      loading = fetch(player.dataset.src, { credentials: "same-origin", cache: "no-store" })
        .then((r) => { if (!r.ok) throw new Error("audio " + r.status); return r.blob(); })
        .then((b) => { player.src = URL.createObjectURL(b); });
    }
    return loading;
  };
  const playFrom = (start) => {
    loadAudio().then(() => {
      const go = () => { player.currentTime = start; player.play().catch(() => {}); };
      if (player.readyState >= 1) go(); else player.addEventListener("loadedmetadata", go, { once: true });
    }).catch(() => {});
  };
  const loadButton = document.getElementById("load-audio");
  if (loadButton) loadButton.addEventListener("click", () => loadAudio().catch(() => {}));

  document.addEventListener("click", (ev) => {
    const el = ev.target instanceof Element ? ev.target.closest("button.play, button.jump") : null;
    if (!el) return;
    if (el.classList.contains("jump")) {
      const seg = document.getElementById("seg-" + el.dataset.seg);
      if (seg) {
        seg.scrollIntoView({ block: "center" });
        seg.classList.add("current");
        setTimeout(() => seg.classList.remove("current"), 2000);
        const btn = seg.querySelector("button.play");
        if (btn) btn.focus();
        if (player) playFrom(parseFloat(seg.dataset.start || "0"));
      }
      return;
    }
    if (player) playFrom(parseFloat(el.dataset.start || "0"));
  });

  // Upload: the file is sent as the raw request body (no multipart temp files on the server).
  const upload = document.getElementById("upload-form");
  if (upload) {
    upload.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = document.getElementById("recording");
      const status = document.getElementById("upload-status");
      const fmt = document.getElementById("fmt").value;
      if (!input.files.length) return;
      status.textContent = "Uploading…";
      fetch("/api/clients/" + encodeURIComponent(upload.dataset.client) + "/recordings?fmt=" + encodeURIComponent(fmt), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/octet-stream" },
        body: input.files[0],
      })
        .then((r) => r.json().then((j) => ({ ok: r.ok, j })))
        .then(({ ok, j }) => {
          if (!ok) { status.textContent = "Refused: " + ((j.error && j.error.message) || "error"); return; }
          window.location.assign("/jobs/" + encodeURIComponent(j.id));
        })
        .catch(() => { status.textContent = "Upload failed."; });
    });
  }

  // Record in the browser: MediaRecorder (webm/opus) chunks sent in order as they come; the
  // server transcribes them as they arrive and finishes the rest at stop (and does so by itself
  // if the tab is closed). A revoked consent stops the recording (the server answers 403).
  const recorder = document.getElementById("recorder");
  if (recorder && window.MediaRecorder && navigator.mediaDevices) {
    const startBtn = document.getElementById("record-start");
    const stopBtn = document.getElementById("record-stop");
    const status = document.getElementById("record-status");
    let rec = null, stream = null, id = null, seq = 0, saved = 0, began = 0, tick = null;
    let chain = Promise.resolve(), problem = null, refused = null, transcribed = 0;
    const api = (method, url, body) => fetch(url, {
      method,
      credentials: "same-origin",
      headers: body ? { "X-CSRF-Token": csrf(), "Content-Type": "application/octet-stream" } : { "X-CSRF-Token": csrf() },
      body,
    }).then((r) => r.json().catch(() => ({})).then((j) => {
      if (!r.ok) { const e = new Error((j.error && j.error.message) || "HTTP " + r.status); e.status = r.status; throw e; }
      return j;
    }));
    const clockText = (s) => Math.floor(s / 60) + ":" + String(Math.floor(s % 60)).padStart(2, "0");
    const show = () => {
      const secs = began ? (Date.now() - began) / 1000 : 0;
      status.textContent = "Recording " + clockText(secs) + ", " + saved + " part" + (saved === 1 ? "" : "s") + " saved" +
        (transcribed > 0 ? ", transcribed up to " + clockText(transcribed) : "") + (problem ? " (" + problem + ")" : "");
    };
    const poll = () => api("GET", "/api/live-recordings/" + encodeURIComponent(id))
      .then((j) => { transcribed = j.transcribed_s || 0; })
      .catch(() => {});
    const send = (blob, n) => {
      let tries = 0;
      const attempt = () => api("PUT", "/api/live-recordings/" + encodeURIComponent(id) + "/chunks/" + n, blob)
        .catch((e) => {
          if (e.status === undefined && ++tries < 5) return new Promise((res) => setTimeout(res, 1000 * tries)).then(attempt);
          throw e;
        });
      return attempt();
    };
    const finish = () => {
      if (tick) clearInterval(tick);
      if (stream) stream.getTracks().forEach((t) => t.stop());
      if (refused) { status.textContent = refused; startBtn.disabled = false; stopBtn.disabled = true; return; }
      status.textContent = "Sending the last part…";
      chain.then(() => api("POST", "/api/live-recordings/" + encodeURIComponent(id) + "/stop"))
        .then((j) => window.location.assign("/jobs/" + encodeURIComponent(j.id)))
        .catch((e) => { status.textContent = "Could not finish: " + e.message; startBtn.disabled = false; });
    };
    startBtn.addEventListener("click", () => {
      startBtn.disabled = true;
      problem = null; refused = null; seq = 0; saved = 0; transcribed = 0;
      const fmt = (document.getElementById("fmt") || {}).value || "soap";
      navigator.mediaDevices.getUserMedia({ audio: true })
        .then((s) => { stream = s; return api("POST", "/api/clients/" + encodeURIComponent(recorder.dataset.client) + "/live-recordings?fmt=" + encodeURIComponent(fmt)); })
        .then((j) => {
          id = j.id;
          const type = "audio/webm;codecs=opus";
          rec = new MediaRecorder(stream, MediaRecorder.isTypeSupported(type) ? { mimeType: type } : {});
          rec.addEventListener("dataavailable", (ev) => {
            if (!ev.data || !ev.data.size) return;
            const n = seq++;
            chain = chain.then(() => send(ev.data, n))
              .then(() => { saved += 1; return poll(); })
              .then(() => { if (rec.state === "recording") show(); })
              .catch((e) => {
                if (e.status === 403) {
                  refused = e.message;
                  if (rec.state !== "inactive") rec.stop();
                } else {
                  problem = "a part was not saved: " + e.message;
                }
              });
          });
          rec.addEventListener("stop", finish);
          rec.start(parseInt(recorder.dataset.chunkMs || "5000", 10));
          began = Date.now();
          tick = setInterval(show, 1000);
          show();
          stopBtn.disabled = false;
          stopBtn.focus();
        })
        .catch((e) => {
          if (stream) stream.getTracks().forEach((t) => t.stop());
          status.textContent = "Recording could not start: " + e.message;
          startBtn.disabled = false;
        });
    });
    stopBtn.addEventListener("click", () => {
      stopBtn.disabled = true;
      if (rec && rec.state !== "inactive") rec.stop();
    });
    window.addEventListener("beforeunload", (ev) => {
      if (rec && rec.state === "recording") { ev.preventDefault(); ev.returnValue = ""; }
    });
  } else if (recorder) {
    recorder.hidden = true;
  }

  // Job progress: poll until done, then open the review page.
  const job = document.getElementById("job");
  if (job) {
    const bar = document.getElementById("job-progress");
    const text = document.getElementById("job-status");
    const poll = () => {
      fetch("/api/jobs/" + encodeURIComponent(job.dataset.job), { credentials: "same-origin", cache: "no-store" })
        .then((r) => r.json())
        .then((j) => {
          if (j.error && !j.status) { text.textContent = j.error.message; return; }
          bar.value = j.progress;
          text.textContent = j.status + (j.error ? ": " + j.error : "");
          if (j.status === "done" && j.session_id) { window.location.assign("/sessions/" + encodeURIComponent(j.session_id)); return; }
          if (j.status !== "failed") setTimeout(poll, 1000);
        })
        .catch(() => setTimeout(poll, 2000));
    };
    poll();
  }
})();

// Calls the backend through the frontend's own origin (/cgi-bin/api/… is relayed to the
// backend service by name), so the page works whatever host ports are published.
// ?backend=http://localhost:3000 calls the backend's published port directly instead.
"use strict";

const direct = new URLSearchParams(location.search).get("backend");
const counterUrl = direct ? `${direct.replace(/\/$/, "")}/api/counter` : "/cgi-bin/api/counter";

async function count() {
  const status = document.getElementById("status");
  try {
    const res = await fetch(counterUrl, { cache: "no-store" });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
    document.getElementById("count").textContent = String(body.count);
    status.textContent = `via ${counterUrl}, stored in ${body.db}`;
  } catch (err) {
    status.textContent = `backend unreachable: ${err.message}`;
  }
}

document.getElementById("again").addEventListener("click", count);
count();

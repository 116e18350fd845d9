// The timeout warning (GOV.UK pattern): shortly before the session would end, a modal dialog offers to stay
// signed in, which restarts the idle limit, or to sign out. If nobody answers, the page signs out and says
// why. Nothing typed is lost: draft.js keeps a copy of a progress update on this device until it is saved.
// Tabs share when the session ends (localStorage), so working in one tab keeps the others from warning.
const dialog = document.getElementById("session-timeout");
const SHARED_KEY = "dscb-session-ends-at";

function inWords(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

function shared() {
  try {
    return Number(window.localStorage.getItem(SHARED_KEY)) || 0;
  } catch {
    return 0;
  }
}

function share(endsAt) {
  try {
    if (endsAt > shared()) window.localStorage.setItem(SHARED_KEY, String(endsAt));
  } catch {
    // Storage can be switched off; each tab then keeps its own time.
  }
}

function start() {
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const stayButton = dialog.querySelector("[data-timeout-stay]");
  const signOutForm = dialog.querySelector("[data-timeout-sign-out]");
  const token = signOutForm.elements.csrfmiddlewaretoken.value;
  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let warnTimer;
  let endTimer;
  let ticker;
  let returnFocus = null;

  const latest = () => Math.max(endsAt, shared());

  function close() {
    window.clearInterval(ticker);
    if (dialog.open) {
      dialog.close();
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    }
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    const now = Date.now();
    warnTimer = window.setTimeout(warn, Math.max(0, endsAt - warningMs - now));
    endTimer = window.setTimeout(end, Math.max(0, endsAt - now));
  }

  function restart(secondsLeft) {
    endsAt = Date.now() + secondsLeft * 1000;
    share(endsAt);
    close();
    schedule();
  }

  function warn() {
    endsAt = latest();
    if (endsAt - Date.now() > warningMs + 1000) {
      schedule();
      return;
    }
    if (dialog.open) return;
    returnFocus = document.activeElement;
    countdown.textContent = inWords(endsAt - Date.now());
    dialog.showModal();
    stayButton.focus();
    // The words change every second on screen; screen readers heard the whole message when it opened.
    ticker = window.setInterval(() => {
      countdown.textContent = inWords(endsAt - Date.now());
    }, 1000);
  }

  function signOut() {
    const here = window.location.pathname + window.location.search;
    signOutForm.elements.next.value = `${dialog.dataset.signedOutUrl}?next=${encodeURIComponent(here)}`;
    signOutForm.submit();
  }

  function end() {
    endsAt = latest();
    if (endsAt - Date.now() > 1000) {
      close();
      schedule();
      return;
    }
    signOut();
  }

  async function stay() {
    try {
      const response = await fetch(dialog.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (!response.ok) throw new Error(`session not extended: ${response.status}`);
      restart((await response.json()).seconds_left);
    } catch {
      // The session has already ended (or the site cannot be reached): say so rather than pretend.
      signOut();
    }
  }

  stayButton.addEventListener("click", stay);
  // Escape closes the warning and keeps the session, as the GOV.UK pattern does.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  // Requests made in the page (htmx) restart the idle limit on the server too, and say how long is left.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const left = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Session-Seconds-Left");
    if (left !== null && left !== "") restart(Number(left));
  });
  window.addEventListener("storage", (event) => {
    if (event.key === SHARED_KEY && latest() - Date.now() > warningMs + 1000) {
      endsAt = latest();
      close();
      schedule();
    }
  });

  share(endsAt);
  schedule();
}

if (dialog && typeof dialog.showModal === "function") start();

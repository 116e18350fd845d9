// Keeps what someone types in a form on this device until the server has saved it, so that an expired
// session, a lost connection or a closed tab loses nothing. The form names its key in data-draft-key;
// the page after a successful save names the same key in data-clear-draft. Keys name the person, so that
// on a shared computer one person's text never fills another's form; signing out (the Sign out button, not
// the timeout, whose point is to keep the text) clears every kept draft, and none is kept past a week.
const PREFIX = "dscb-draft-";
const KEPT_FOR_MS = 7 * 24 * 60 * 60 * 1000;

function draftKeys() {
  const keys = [];
  for (let index = 0; index < window.localStorage.length; index += 1) {
    const key = window.localStorage.key(index);
    if (key && key.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
}

function clearExpired(now) {
  for (const key of draftKeys()) {
    let savedAt = 0;
    try {
      savedAt = JSON.parse(window.localStorage.getItem(key)).savedAt || 0;
    } catch {
      savedAt = 0;
    }
    if (now - savedAt > KEPT_FOR_MS) window.localStorage.removeItem(key);
  }
}

function clearAll() {
  for (const key of draftKeys()) window.localStorage.removeItem(key);
}

function clearSaved() {
  for (const element of document.querySelectorAll("[data-clear-draft]")) {
    const key = element.dataset.clearDraft;
    if (key.startsWith(PREFIX)) window.localStorage.removeItem(key);
  }
}

function fieldsOf(form) {
  return [...form.elements].filter(
    (field) => field.name && !["hidden", "submit", "button"].includes(field.type) && field.tagName !== "BUTTON",
  );
}

function snapshot(form) {
  const values = {};
  for (const field of fieldsOf(form)) {
    if (field.type === "radio") {
      if (field.checked) values[field.name] = field.value;
    } else {
      values[field.name] = field.value;
    }
  }
  return values;
}

function restore(form, values) {
  let changed = false;
  for (const field of fieldsOf(form)) {
    if (!(field.name in values)) continue;
    if (field.type === "radio") {
      const checked = values[field.name] === field.value;
      if (field.checked !== checked) changed = true;
      field.checked = checked;
    } else if (field.value !== values[field.name]) {
      field.value = values[field.name];
      changed = true;
    }
  }
  return changed;
}

function keep(form) {
  const key = form.dataset.draftKey;
  const stored = window.localStorage.getItem(key);
  if (stored) {
    try {
      const draft = JSON.parse(stored);
      if (restore(form, draft.values)) {
        // Saved from an older version: send that version, so the server shows any change made since.
        form.elements.version.value = draft.version;
        const notice = document.getElementById("draft-restored");
        if (notice) {
          notice.querySelector("[data-draft-time]").textContent = new Date(draft.savedAt).toLocaleString("en-GB");
          notice.hidden = false;
        }
      }
    } catch {
      window.localStorage.removeItem(key);
    }
  }
  const save = () => {
    const draft = { version: form.elements.version.value, savedAt: Date.now(), values: snapshot(form) };
    window.localStorage.setItem(key, JSON.stringify(draft));
  };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
}

try {
  clearExpired(Date.now());
  clearSaved();
  for (const form of document.querySelectorAll("form[data-clear-drafts]")) form.addEventListener("submit", clearAll);
  for (const form of document.querySelectorAll("form[data-draft-key]")) keep(form);
} catch {
  // Storage can be switched off; the form still works, only without the safety copy.
}

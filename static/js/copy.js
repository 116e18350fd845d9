// A "Copy" button copies the text of the field its data-copy-target names, and says so in its status region.
// Without JavaScript (or the clipboard) the button stays hidden (app-js-only) and the address can be selected.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field || !navigator.clipboard) continue;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Address copied.";
    } catch {
      field.select();
      if (status) status.textContent = "Select the address and copy it.";
    }
  });
}

// The panel works without this file; it only adds "select all" to the registrations table.
// No inline scripts anywhere: the Content-Security-Policy allows scripts from the panel only.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll) return;
  const form = box.closest("form");
  if (!form) return;
  for (const row of form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)) {
    if (!row.disabled) row.checked = box.checked;
  }
});

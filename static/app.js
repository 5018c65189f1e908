// GuestLab's only script besides htmx: no inline JavaScript anywhere, so the CSP can forbid it.
"use strict";

// Every htmx request carries the CSRF token from the page's meta tag (plain forms carry a hidden field).
document.addEventListener("htmx:config:request", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.ctx.request.headers["X-CSRFToken"] = meta.content;
});

// After a swap, move focus to what the new content asks for, so keyboard and screen reader users follow it.
document.addEventListener("htmx:after:swap", (event) => {
  const root = event.detail.ctx && event.detail.ctx.target;
  if (!root || !root.querySelector) return;
  const wanted = root.matches("[data-focus-after-swap]") ? root : root.querySelector("[data-focus-after-swap]");
  if (wanted) wanted.focus();
});
